package dev.opaquepop.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.opaquepop.opaque.InvalidMessageException;
import dev.opaquepop.opaque.Ke1;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.opaque.Ke3;
import dev.opaquepop.opaque.Message;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.RegistrationRequest;
import dev.opaquepop.opaque.RegistrationResponse;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerLogin;
import dev.opaquepop.opaque.ServerSetup;
import java.util.Arrays;

/**
 * Every decoder of untrusted bytes: it either returns a value that re-encodes to exactly its input, or throws
 * {@link InvalidMessageException}. Anything else escaping is a finding.
 */
class DecoderFuzzTest {
    @FunctionalInterface
    interface Decoder {
        Message decode(byte[] bytes) throws InvalidMessageException;
    }

    private static void roundTripOrReject(Decoder decoder, byte[] data) {
        byte[] input = data.clone();
        Message decoded;
        try {
            decoded = decoder.decode(input);
        } catch (InvalidMessageException expected) {
            return;
        }
        if (!Arrays.equals(decoded.encode(), data)) {
            throw new AssertionError(decoded + " does not re-encode to its input");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void registrationRequest(byte[] data) {
        roundTripOrReject(RegistrationRequest::decode, data);
    }

    @FuzzTest(maxDuration = "30s")
    void registrationResponse(byte[] data) {
        roundTripOrReject(RegistrationResponse::decode, data);
    }

    @FuzzTest(maxDuration = "30s")
    void registrationRecord(byte[] data) {
        roundTripOrReject(RegistrationRecord::decode, data);
    }

    @FuzzTest(maxDuration = "30s")
    void ke1(byte[] data) {
        roundTripOrReject(Ke1::decode, data);
    }

    @FuzzTest(maxDuration = "30s")
    void ke2(byte[] data) {
        roundTripOrReject(Ke2::decode, data);
    }

    @FuzzTest(maxDuration = "30s")
    void ke3(byte[] data) {
        roundTripOrReject(Ke3::decode, data);
    }

    @FuzzTest(maxDuration = "30s")
    void serverSetup(byte[] data) {
        try {
            ServerSetup setup = ServerSetup.decode(data);
            if (!Arrays.equals(setup.encode().revealBytes(), data)) {
                throw new AssertionError("server setup does not re-encode to its input");
            }
        } catch (InvalidMessageException expected) {
            // rejected: fine
        }
    }

    @FuzzTest(maxDuration = "30s")
    void serverLoginState(byte[] data) {
        try {
            ServerLogin.restore(SecretBytes.copyOf(data));
        } catch (InvalidMessageException expected) {
            // rejected: fine
        }
    }
}
