package dev.opaquepop.opaque;

import dev.opaquepop.opaque.internal.Bytes;
import dev.opaquepop.opaque.internal.Oprf;
import dev.opaquepop.opaque.internal.Sha512;

/**
 * {@code randomized_password = Extract("", oprf_output || Stretch(oprf_output))} with {@code oprf_output =
 * Finalize(password, blind, evaluated_element)} (RFC 9807 §5.2.3, §6.3.2.3): the one secret both registration
 * and login derive from the password.
 */
final class RandomizedPassword {
    private RandomizedPassword() {}

    static byte[] derive(Ksf ksf, byte[] password, byte[] blind, byte[] evaluatedElement)
            throws InvalidMessageException {
        byte[] oprfOutput = Oprf.finalize(password, blind, evaluatedElement);
        byte[] stretched = ksf.stretch(oprfOutput);
        byte[] input = Bytes.concat(oprfOutput, stretched);
        try {
            return Sha512.extract(new byte[0], input);
        } finally {
            Bytes.wipe(oprfOutput, stretched, input);
        }
    }
}
