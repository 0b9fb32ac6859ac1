package dev.opaquepop.server.store;

import dev.opaquepop.opaque.RegistrationRecord;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Which registration a login or a session belongs to: the first 16 bytes of SHA-256 over the 192-byte OPAQUE
 * record. A session keeps the tag of the record its login used, so that a password change or an account deletion
 * (which replace or remove that record) can tell sessions of the old registration from those of the new one, and
 * a login that raced either of them can be refused. {@link #NONE} stands for "no record" (a login of an unknown
 * user), which no record matches.
 */
public final class RecordTag {
    public static final int LENGTH = 16;
    public static final RecordTag NONE = new RecordTag(new byte[LENGTH]);

    private final byte[] bytes;

    private RecordTag(byte[] bytes) {
        this.bytes = bytes;
    }

    public static RecordTag of(RegistrationRecord record) {
        return ofEncoded(record.encode());
    }

    /** The tag of a record as stored: its 192-byte encoding. */
    public static RecordTag ofEncoded(byte[] encodedRecord) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(encodedRecord);
            return new RecordTag(Arrays.copyOf(digest, LENGTH));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A tag read back from storage; {@code bytes} must be {@value #LENGTH} bytes. */
    public static RecordTag fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a record tag is " + LENGTH + " bytes, got " + bytes.length);
        }
        return new RecordTag(bytes.clone());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether {@code record} is the registration this tag was taken from; never true for {@link #NONE}. */
    public boolean matches(RegistrationRecord record) {
        return !isNone() && MessageDigest.isEqual(bytes, of(record).bytes);
    }

    private boolean isNone() {
        return MessageDigest.isEqual(bytes, NONE.bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RecordTag tag && MessageDigest.isEqual(bytes, tag.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "RecordTag[" + HexFormat.of().formatHex(bytes, 0, 4) + "…]";
    }
}
