package dev.opaquepop.server;

import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.server.store.redis.Sealer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The keys that seal sessions and pending logins in Redis, from {@code --seal-key-file} or {@code
 * OPAQUE_POP_SEAL_KEYS}: one entry per line (in the variable: separated by commas or spaces), each the base64url
 * of 32 random bytes ({@code opaque-pop setup --seal-key} prints one) or the word {@value #SETUP_DERIVED} for the
 * key earlier versions derived from the server setup. The first entry seals, every entry opens; {@code #} starts
 * a comment line. With neither option, the key derived from the setup is the only one, as before.
 *
 * <p>A separate key rather than one derived from the setup: the setup cannot change without every user
 * registering again, a sealing key can, and it can be handed to the instances that use Redis without the
 * setup's offline-guessing power. It is not generated at start: every instance must share it, and an instance
 * that made its own could open no session another one sealed.
 */
public final class SealingKeys {
    static final String SETUP_DERIVED = "setup-derived";
    private static final String WHAT = "sealing key file";
    /** One key per line and a few comments: anything much larger is not a sealing key file. */
    private static final int MAX_FILE_BYTES = 64 * 1024;

    private SealingKeys() {}

    /** The sealer configured for {@code setup}, and a description of its keys for the start-up log. */
    record Loaded(Sealer sealer, String source, boolean derivedOnly) {}

    static Loaded load(CoreConfig config, ServerSetup setup) throws IOException {
        String text;
        String source;
        if (config.storage().sealKeysValue() != null) {
            text = config.storage().sealKeysValue().replace(',', '\n').replace(' ', '\n');
            source = "OPAQUE_POP_SEAL_KEYS";
        } else if (config.storage().sealKeyFile() != null) {
            text = read(config.storage().sealKeyFile());
            source = config.storage().sealKeyFile().toString();
        } else {
            return new Loaded(Sealer.fromSetup(setup, config.random()), "derived from the server setup", true);
        }
        List<SecretBytes> keys = parse(text, source, setup);
        try {
            return new Loaded(Sealer.withKeys(setup, keys, config.random()), source, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        } finally {
            keys.forEach(SecretBytes::destroy);
        }
    }

    /** A new random sealing key, base64url without padding, for the file. */
    public static String generate(SecureRandom random) {
        byte[] key = new byte[Sealer.KEY_LENGTH];
        random.nextBytes(key);
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(WHAT + " " + file + " does not exist (create one with 'opaque-pop"
                    + " setup --seal-key > " + file + "' and chmod 600)");
        }
        SecretFiles.requireOwnerOnly(file, WHAT);
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(WHAT + " " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    /** Entries in order; the messages name the source and the line, never the line's content. */
    private static List<SecretBytes> parse(String text, String source, ServerSetup setup) {
        List<SecretBytes> keys = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String entry = lines[i].strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            if (entry.equals(SETUP_DERIVED)) {
                keys.add(Sealer.derivedKey(setup));
                continue;
            }
            byte[] bytes;
            try {
                bytes = Base64.getUrlDecoder().decode(entry);
            } catch (IllegalArgumentException e) {
                keys.forEach(SecretBytes::destroy);
                throw new IllegalArgumentException(source + ", entry " + (i + 1) + ": not base64url (expected 32"
                        + " random bytes, as 'opaque-pop setup --seal-key' prints, or " + SETUP_DERIVED + ")");
            }
            try {
                if (bytes.length != Sealer.KEY_LENGTH) {
                    keys.forEach(SecretBytes::destroy);
                    throw new IllegalArgumentException(source + ", entry " + (i + 1) + ": " + bytes.length
                            + " bytes, expected " + Sealer.KEY_LENGTH);
                }
                keys.add(SecretBytes.copyOf(bytes));
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no sealing key");
        }
        return keys;
    }
}
