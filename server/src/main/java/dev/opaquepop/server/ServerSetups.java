package dev.opaquepop.server;

import dev.opaquepop.opaque.InvalidMessageException;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerSetup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;

/**
 * Finds the server setup: the environment value, else the setup file option, else {@code server-setup} in the
 * data directory, created on first start with mode 0600. Every user's login depends on it: losing it means
 * everyone re-registers, leaking it means an attacker can run offline guesses against stolen records.
 */
public final class ServerSetups {
    static final String DATA_FILE_NAME = "server-setup";

    private ServerSetups() {}

    /** A loaded setup and where it came from (for the start-up log line). */
    public record Loaded(ServerSetup setup, String source) {}

    public static Loaded load(ServerConfig config) throws IOException {
        if (config.setupValue() != null) {
            return new Loaded(decode(config.setupValue(), "OPAQUE_POP_SERVER_SETUP"), "OPAQUE_POP_SERVER_SETUP");
        }
        if (config.setupFile() != null) {
            return new Loaded(read(config.setupFile()), config.setupFile().toString());
        }
        Path file = config.dataDirectory().resolve(DATA_FILE_NAME);
        if (Files.exists(file)) {
            return new Loaded(read(file), file.toString());
        }
        ServerSetup setup = ServerSetup.generate(config.random());
        write(file, setup);
        return new Loaded(setup, file + " (created)");
    }

    /** base64url (with or without padding) of the 128-byte opaque-ke encoding. */
    public static String encode(ServerSetup setup) {
        SecretBytes encoded = setup.encode();
        byte[] bytes = encoded.revealBytes();
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            encoded.destroy();
        }
    }

    public static ServerSetup decode(String base64url, String where) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(base64url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not base64url: expected the 128-byte server setup"
                    + " printed by 'opaque-pop setup' or created by @serenity-kit/opaque");
        }
        try {
            return ServerSetup.decode(bytes);
        } catch (InvalidMessageException e) {
            throw new IllegalArgumentException(where + " is not a valid server setup: " + e.getMessage());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static ServerSetup read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("server setup file " + file + " does not exist");
        }
        return decode(Files.readString(file, StandardCharsets.US_ASCII), "server setup file " + file);
    }

    /** Writes to a temporary file created with mode 0600, then moves it into place atomically. */
    private static void write(Path file, ServerSetup setup) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        if (directory == null) {
            throw new IOException("cannot write the server setup to " + file + ": it has no parent directory");
        }
        Path temporary = directory.resolve(DATA_FILE_NAME + ".tmp");
        Files.deleteIfExists(temporary);
        if (Files.getFileStore(directory).supportsFileAttributeView("posix")) {
            Files.createFile(
                    temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temporary);
        }
        Files.writeString(temporary, encode(setup) + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }
}
