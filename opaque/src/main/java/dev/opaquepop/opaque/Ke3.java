package dev.opaquepop.opaque;

/** RFC 9807 §6.1 KE3, the client's final login message: client_mac. 64 bytes. */
public final class Ke3 extends Message {
    public static final int LENGTH = Sizes.HASH;

    private Ke3(byte[] encoded) {
        super(encoded);
    }

    static Ke3 of(byte[] clientMac) {
        return new Ke3(clientMac.clone());
    }

    /** Decodes KE3 (only its length can be checked before the server verifies the MAC). */
    public static Ke3 decode(byte[] encoded) throws InvalidMessageException {
        return new Ke3(MessageReader.of("KE3", encoded, LENGTH).skip(LENGTH).done());
    }

    byte[] clientMac() {
        return bytes();
    }
}
