package dev.opaquepop.server.store.redis;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionIds;
import dev.opaquepop.server.store.SessionSummary;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The plaintexts inside sealed values, fixed-layout big-endian (instants as 8-byte seconds and 4-byte nanos; a
 * "short string" is a 1-byte length and that many ASCII bytes):
 *
 * <pre>
 * session:       format (1: 0x03) || created_at (12) || last_used_at (12) || idle_expires_at (12) || expires_at (12)
 *                || pop_key (32) || record tag (16) || login purpose (1: 0 sign-in, 1 password change, 2 account deletion) || id prefix (short string)
 *                || client address (short string) || username (UTF-8, the rest)
 * pending login: format (1: 0x02) || expires_at (12) || record tag (16) || state length (2)
 *                || OPAQUE server login state || username (UTF-8, the rest)
 * </pre>
 *
 * The session id is not inside (only its 8-character prefix, which listings show): the id is what the key is
 * derived from. A session of format 0x02 (written before logins had a purpose; no purpose byte) is read as an
 * ordinary sign-in, so that upgrading a server keeps its users logged in. Decoding is strict; a plaintext that does
 * not parse, including one of an older layout (which started with a zero byte), is reported as empty, so the
 * session or login is unknown.
 */
final class Records {
    static final byte FORMAT = 2;
    static final byte SESSION_FORMAT = 3;
    private static final int INSTANT_LENGTH = 12;
    private static final int MAX_USERNAME_BYTES = 64;

    private Records() {}

    static byte[] session(Session session) {
        byte[] username = session.username().getBytes(StandardCharsets.UTF_8);
        byte[] prefix = ascii(SessionIds.prefix(session.sessionId()));
        byte[] address = ascii(session.clientAddress());
        SecretBytes key = session.popKey().secret();
        byte[] keyBytes = key.revealBytes();
        try {
            ByteBuffer out = ByteBuffer.allocate(1
                    + 4 * INSTANT_LENGTH
                    + PopKey.LENGTH
                    + RecordTag.LENGTH
                    + 1
                    + 1
                    + prefix.length
                    + 1
                    + address.length
                    + username.length);
            out.put(SESSION_FORMAT);
            putInstant(out, session.createdAt());
            putInstant(out, session.lastUsedAt());
            putInstant(out, session.idleExpiresAt());
            putInstant(out, session.expiresAt());
            out.put(keyBytes).put(session.recordTag().bytes());
            out.put(purposeCode(session.purpose()));
            out.put((byte) prefix.length).put(prefix);
            out.put((byte) address.length).put(address);
            out.put(username);
            return out.array();
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
            key.destroy();
        }
    }

    static Optional<Session> session(String sessionId, byte[] plaintext) {
        byte[] keyBytes = new byte[PopKey.LENGTH];
        try {
            ByteBuffer in = ByteBuffer.wrap(plaintext);
            byte format = in.get();
            if (format != SESSION_FORMAT && format != FORMAT) {
                return Optional.empty();
            }
            Instant createdAt = instant(in);
            Instant lastUsedAt = instant(in);
            Instant idleExpiresAt = instant(in);
            Instant expiresAt = instant(in);
            in.get(keyBytes);
            RecordTag tag = tag(in);
            Optional<LoginPurpose> purpose = format == FORMAT ? Optional.of(LoginPurpose.SIGN_IN) : purpose(in);
            if (purpose.isEmpty()) {
                return Optional.empty();
            }
            String prefix = shortString(in);
            String address = shortString(in);
            if (!prefix.equals(SessionIds.prefix(sessionId))) {
                return Optional.empty();
            }
            return username(in)
                    .map(u -> new Session(
                            sessionId,
                            u,
                            PopKey.fromBytes(keyBytes),
                            createdAt,
                            lastUsedAt,
                            idleExpiresAt,
                            expiresAt,
                            address,
                            tag,
                            purpose.get()));
        } catch (BufferUnderflowException | DateTimeException e) {
            return Optional.empty();
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
        }
    }

    /** The listing view of a stored session: everything but the key (which is skipped, not copied out). */
    static Optional<SessionSummary> summary(String idHash, byte[] plaintext) {
        try {
            ByteBuffer in = ByteBuffer.wrap(plaintext);
            byte format = in.get();
            if (format != SESSION_FORMAT && format != FORMAT) {
                return Optional.empty();
            }
            Instant createdAt = instant(in);
            Instant lastUsedAt = instant(in);
            Instant idleExpiresAt = instant(in);
            Instant expiresAt = instant(in);
            in.position(in.position() + PopKey.LENGTH + RecordTag.LENGTH + (format == FORMAT ? 0 : 1));
            String prefix = shortString(in);
            String address = shortString(in);
            if (username(in).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(
                    new SessionSummary(idHash, prefix, createdAt, lastUsedAt, idleExpiresAt, expiresAt, address));
        } catch (BufferUnderflowException | DateTimeException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static byte[] pendingLogin(PendingLogin login) {
        byte[] username = login.username().getBytes(StandardCharsets.UTF_8);
        byte[] state = login.state().revealBytes();
        try {
            ByteBuffer out =
                    ByteBuffer.allocate(1 + INSTANT_LENGTH + RecordTag.LENGTH + 2 + state.length + username.length);
            out.put(FORMAT);
            putInstant(out, login.expiresAt());
            out.put(login.recordTag().bytes());
            out.putShort((short) state.length).put(state).put(username);
            return out.array();
        } finally {
            Arrays.fill(state, (byte) 0);
        }
    }

    static Optional<PendingLogin> pendingLogin(byte[] plaintext) {
        byte[] state = null;
        try {
            ByteBuffer in = ByteBuffer.wrap(plaintext);
            if (in.get() != FORMAT) {
                return Optional.empty();
            }
            Instant expiresAt = instant(in);
            RecordTag tag = tag(in);
            state = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(state);
            SecretBytes secret = SecretBytes.copyOf(state);
            Optional<String> username = username(in);
            if (username.isEmpty()) {
                secret.destroy();
                return Optional.empty();
            }
            return Optional.of(new PendingLogin(username.get(), tag, secret, expiresAt));
        } catch (BufferUnderflowException | DateTimeException e) {
            return Optional.empty();
        } finally {
            if (state != null) {
                Arrays.fill(state, (byte) 0);
            }
        }
    }

    private static void putInstant(ByteBuffer out, Instant instant) {
        out.putLong(instant.getEpochSecond()).putInt(instant.getNano());
    }

    private static Instant instant(ByteBuffer in) {
        return Instant.ofEpochSecond(in.getLong(), in.getInt());
    }

    private static RecordTag tag(ByteBuffer in) {
        byte[] bytes = new byte[RecordTag.LENGTH];
        in.get(bytes);
        return RecordTag.fromBytes(bytes);
    }

    private static byte purposeCode(LoginPurpose purpose) {
        return switch (purpose) {
            case SIGN_IN -> 0;
            case PASSWORD_CHANGE -> 1;
            case ACCOUNT_DELETION -> 2;
        };
    }

    private static Optional<LoginPurpose> purpose(ByteBuffer in) {
        return switch (in.get()) {
            case 0 -> Optional.of(LoginPurpose.SIGN_IN);
            case 1 -> Optional.of(LoginPurpose.PASSWORD_CHANGE);
            case 2 -> Optional.of(LoginPurpose.ACCOUNT_DELETION);
            default -> Optional.empty();
        };
    }

    /** At most 255 bytes; anything longer is cut (addresses are validated shorter than that before they get here). */
    private static byte[] ascii(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return bytes.length <= 255 ? bytes : Arrays.copyOf(bytes, 255);
    }

    private static String shortString(ByteBuffer in) {
        byte[] bytes = new byte[Byte.toUnsignedInt(in.get())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static Optional<String> username(ByteBuffer in) {
        if (in.remaining() < 1 || in.remaining() > MAX_USERNAME_BYTES) {
            return Optional.empty();
        }
        byte[] bytes = new byte[in.remaining()];
        in.get(bytes);
        return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }
}
