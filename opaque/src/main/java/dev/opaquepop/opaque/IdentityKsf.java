package dev.opaquepop.opaque;

/** {@code Stretch(msg) = msg}; see {@link Ksf#identityUnsafeForTestsOnly()} for why it must not protect users. */
final class IdentityKsf implements Ksf {
    static final IdentityKsf INSTANCE = new IdentityKsf();

    private IdentityKsf() {}

    @Override
    public byte[] stretch(byte[] oprfOutput) {
        return oprfOutput.clone();
    }

    @Override
    public String toString() {
        return "Identity KSF (UNSAFE: test vectors and benchmarks only)";
    }
}
