package dev.opaquepop.opaque;

/** RFC 9807 §5.1 RegistrationRequest: the client's blinded password element. 32 bytes. */
public final class RegistrationRequest extends Message {
    public static final int LENGTH = Sizes.ELEMENT;

    private RegistrationRequest(byte[] encoded) {
        super(encoded);
    }

    static RegistrationRequest of(byte[] blindedMessage) {
        return new RegistrationRequest(blindedMessage.clone());
    }

    /** Decodes and validates the blinded element. */
    public static RegistrationRequest decode(byte[] encoded) throws InvalidMessageException {
        return new RegistrationRequest(MessageReader.of("RegistrationRequest", encoded, LENGTH)
                .element("blinded_message")
                .done());
    }

    byte[] blindedMessage() {
        return bytes();
    }
}
