package dev.opaquepop.opaque.interop;

import dev.opaquepop.opaque.Argon2idKsf;
import java.util.Optional;

/**
 * One implementation of OPAQUE as the interop tests drive it: {@link OurParty} (this library) or {@link
 * TheirParty} (opaque-ke through the node peer). Every message crosses as its wire bytes, so any client can
 * meet any server and a test is written once for the whole client × server matrix.
 */
interface Party {
    /** A client stretching passwords with {@code ksf} ({@link Argon2idKsf#DEFAULT}: each side's default). */
    Client client(Argon2idKsf ksf);

    /** A server holding the encoded server setup {@code setup}. */
    Server server(byte[] setup);

    /** A fresh server setup made by this implementation, encoded. */
    byte[] createSetup();

    /** The client side of registration and login. */
    interface Client {
        RegistrationStart startRegistration(String password);

        LoginStart startLogin(String password);
    }

    interface RegistrationStart {
        byte[] request();

        Registered finish(byte[] response, Ids ids);
    }

    /** A finished registration: the record the server stores, and the client's export key. */
    final class Registered {
        private final byte[] record;
        private final byte[] exportKey;

        Registered(byte[] record, byte[] exportKey) {
            this.record = record.clone();
            this.exportKey = exportKey.clone();
        }

        byte[] record() {
            return record.clone();
        }

        byte[] exportKey() {
            return exportKey.clone();
        }
    }

    interface LoginStart {
        byte[] ke1();

        /** The client's end of the login; empty when it refuses the KE2 (wrong password, identities, key). */
        Optional<LoggedIn> finish(byte[] ke2, Ids ids);
    }

    /**
     * A client's successful login: the KE3 it sends last, the session and export keys, and the server's public key
     * as recovered from the envelope.
     */
    final class LoggedIn {
        private final byte[] ke3;
        private final byte[] sessionKey;
        private final byte[] exportKey;
        private final byte[] serverPublicKey;

        LoggedIn(byte[] ke3, byte[] sessionKey, byte[] exportKey, byte[] serverPublicKey) {
            this.ke3 = ke3.clone();
            this.sessionKey = sessionKey.clone();
            this.exportKey = exportKey.clone();
            this.serverPublicKey = serverPublicKey.clone();
        }

        byte[] ke3() {
            return ke3.clone();
        }

        byte[] sessionKey() {
            return sessionKey.clone();
        }

        byte[] exportKey() {
            return exportKey.clone();
        }

        byte[] serverPublicKey() {
            return serverPublicKey.clone();
        }
    }

    /** The server side of registration and login. */
    interface Server {
        byte[] publicKey();

        byte[] registrationResponse(String user, byte[] request);

        /** Answers a KE1; a null {@code record} asks for the fake KE2 of an unknown user. */
        LoginStarted startLogin(String user, byte[] record, byte[] ke1, Ids ids);
    }

    interface LoginStarted {
        byte[] ke2();

        /** The server's end of the login: the session key, or empty when it refuses the KE3. */
        Optional<byte[]> finish(byte[] ke3);
    }
}
