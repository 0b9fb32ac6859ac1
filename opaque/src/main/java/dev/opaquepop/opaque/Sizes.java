package dev.opaquepop.opaque;

/** The lengths of RFC 9807 for OPAQUE-3DH with ristretto255-SHA512 (§7 and Appendix C). */
final class Sizes {
    /** Nn: nonces. */
    static final int NONCE = 32;
    /** Nh, Nm, Nx: hash, MAC and KDF output. */
    static final int HASH = 64;
    /** Npk, Noe: encoded public keys and OPRF elements. */
    static final int ELEMENT = 32;
    /** Nsk: encoded private keys. */
    static final int SCALAR = 32;
    /** Nseed: seeds for DeriveKeyPair. */
    static final int SEED = 32;
    /** Nok: OPRF private keys. */
    static final int OPRF_KEY = 32;
    /** Envelope: nonce || auth_tag. */
    static final int ENVELOPE = NONCE + HASH;
    /** masked_response: server_public_key || envelope, xor-masked. */
    static final int MASKED_RESPONSE = ELEMENT + ENVELOPE;

    private Sizes() {}
}
