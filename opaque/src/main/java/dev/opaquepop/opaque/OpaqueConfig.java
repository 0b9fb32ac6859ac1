package dev.opaquepop.opaque;

import java.util.Arrays;
import java.util.Objects;

/**
 * The application's choices for OPAQUE-3DH over ristretto255-SHA512: the KSF and the context string of the
 * preamble (RFC 9807 §6.1). Both sides of a deployment must use equal configurations. No key material here.
 */
public final class OpaqueConfig {
    private static final OpaqueConfig DEFAULTS = builder().build();

    private final Ksf ksf;
    private final byte[] context;

    private OpaqueConfig(Ksf ksf, byte[] context) {
        this.ksf = ksf;
        this.context = context;
    }

    /** Argon2id (m = 65536 KiB, t = 3, p = 4) and an empty context: opaque-ke's and serenity-kit's defaults. */
    public static OpaqueConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Ksf ksf() {
        return ksf;
    }

    /** The context string bound into every login transcript. */
    public byte[] context() {
        return context.clone();
    }

    byte[] contextUnsafe() {
        return context;
    }

    /** Returns a builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder().ksf(ksf).context(context);
    }

    @Override
    public String toString() {
        return "OpaqueConfig[ksf=" + ksf + ", context=" + context.length + " bytes]";
    }

    /** Validates once, in {@link #build()}. */
    public static final class Builder {
        private Ksf ksf = Ksf.argon2id();
        private byte[] context = new byte[0];

        private Builder() {}

        public Builder ksf(Ksf ksf) {
            this.ksf = Objects.requireNonNull(ksf, "ksf");
            return this;
        }

        public Builder context(byte[] context) {
            this.context = Objects.requireNonNull(context, "context").clone();
            return this;
        }

        public OpaqueConfig build() {
            if (context.length > 0xffff) {
                throw new IllegalArgumentException("context must be at most 65535 bytes, got " + context.length);
            }
            return new OpaqueConfig(ksf, Arrays.copyOf(context, context.length));
        }
    }
}
