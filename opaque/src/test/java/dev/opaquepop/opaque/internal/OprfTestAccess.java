package dev.opaquepop.opaque.internal;

/** Opens package-private OPRF constants to tests in other packages. */
public final class OprfTestAccess {
    private OprfTestAccess() {}

    public static byte[] hashToGroupDst() {
        return Oprf.HASH_TO_GROUP_DST.clone();
    }
}
