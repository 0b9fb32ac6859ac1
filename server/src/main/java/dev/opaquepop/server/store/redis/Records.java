package dev.opaquepop.server.store.redis;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.PopKey;
import dev.opaquepop.server.store.PendingLogin;
import dev.opaquepop.server.store.Session;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The plaintexts inside sealed values, fixed-layout big-endian (instants as 8-byte seconds and 4-byte nanos):
 *
 * <pre>
 * session:       created_at (12) || expires_at (12) || pop_key (32) || username (UTF-8, the rest)
 * pending login: expires_at (12) || state length (2) || OPAQUE server login state || username (UTF-8, the rest)
 * </pre>
 *
 * The session id is not inside: it is what the key is derived from. Decoding is strict; a plaintext that does not
 * parse is reported as empty.
 */
final class Records {
    private static final int INSTANT_LENGTH = 12;
    private static final int MAX_USERNAME_BYTES = 64;

    private Records() {}

    static byte[] session(Session session) {
        byte[] username = session.username().getBytes(StandardCharsets.UTF_8);
        SecretBytes key = session.popKey().secret();
        byte[] keyBytes = key.revealBytes();
        try {
            ByteBuffer out = ByteBuffer.allocate(2 * INSTANT_LENGTH + PopKey.LENGTH + username.length);
            putInstant(out, session.createdAt());
            putInstant(out, session.expiresAt());
            out.put(keyBytes).put(username);
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
            Instant createdAt = instant(in);
            Instant expiresAt = instant(in);
            in.get(keyBytes);
            Optional<String> username = username(in);
            return username.map(u -> new Session(sessionId, u, PopKey.fromBytes(keyBytes), createdAt, expiresAt));
        } catch (BufferUnderflowException | DateTimeException e) {
            return Optional.empty();
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
        }
    }

    static byte[] pendingLogin(PendingLogin login) {
        byte[] username = login.username().getBytes(StandardCharsets.UTF_8);
        byte[] state = login.state().revealBytes();
        try {
            ByteBuffer out = ByteBuffer.allocate(INSTANT_LENGTH + 2 + state.length + username.length);
            putInstant(out, login.expiresAt());
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
            Instant expiresAt = instant(in);
            state = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(state);
            SecretBytes secret = SecretBytes.copyOf(state);
            Optional<String> username = username(in);
            if (username.isEmpty()) {
                secret.destroy();
                return Optional.empty();
            }
            return Optional.of(new PendingLogin(username.get(), secret, expiresAt));
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

    private static Optional<String> username(ByteBuffer in) {
        if (in.remaining() < 1 || in.remaining() > MAX_USERNAME_BYTES) {
            return Optional.empty();
        }
        byte[] bytes = new byte[in.remaining()];
        in.get(bytes);
        return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }
}
