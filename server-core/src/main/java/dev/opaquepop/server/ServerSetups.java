package dev.opaquepop.server;

import dev.opaquepop.opaque.InvalidMessageException;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.opaque.ServerSetup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the server setup: the environment value, else the setup file, which defaults to {@code
 * <data>-secrets/server-setup} beside (not inside) the data directory and is created on first start with mode
 * 0600. Every user's login depends on it: losing it means everyone re-registers, leaking it together with the
 * database lets an attacker run offline guesses against the records. Keeping it out of the data directory means
 * a copy of that directory (a backup, a volume snapshot) holds the records but not the setup.
 *
 * <p>A setup file is read only when no other user can read or change it. A setup left by an earlier version at
 * {@code <data>/server-setup} is moved to the setup file's place (once, with a warning), so existing users keep
 * logging in; it stays where it is, with a warning, when the move could lose it.
 */
public final class ServerSetups {
    static final String FILE_NAME = "server-setup";
    private static final String WHAT = "server setup file";
    private static final Logger LOG = LoggerFactory.getLogger(ServerSetups.class);

    private ServerSetups() {}

    /**
     * A loaded setup, where it came from (for the start-up log line), and the file to create for it when it was
     * generated just now ({@code null} otherwise): see {@link #create(Loaded)}.
     */
    public record Loaded(ServerSetup setup, String source, Path toCreate) {}

    public static Loaded load(CoreConfig config) throws IOException {
        Path legacy = config.storage().dataDirectory().resolve(FILE_NAME);
        if (config.storage().setupValue() != null) {
            warnIfLeftBehind(legacy, "OPAQUE_POP_SERVER_SETUP");
            return new Loaded(
                    decode(config.storage().setupValue(), "OPAQUE_POP_SERVER_SETUP"), "OPAQUE_POP_SERVER_SETUP", null);
        }
        boolean explicit = config.storage().setupFile() != null;
        Path file = explicit
                ? config.storage().setupFile()
                : defaultFile(config.storage().dataDirectory());
        if (Files.isRegularFile(legacy) && !sameFile(legacy, file)) {
            file = migrate(legacy, file, explicit);
        }
        if (!config.storage().usesPostgres() && inside(file, config.storage().dataDirectory())) {
            LOG.warn(
                    "the server setup file {} is inside the data directory {}: a copy of that directory holds both"
                            + " the records and the setup, which is all offline guessing needs; give --setup-file"
                            + " outside it",
                    file,
                    config.storage().dataDirectory());
        }
        if (Files.exists(file)) {
            return new Loaded(read(file), file.toString(), null);
        }
        if (explicit) {
            throw new IllegalArgumentException(WHAT + " " + file + " does not exist");
        }
        return new Loaded(ServerSetup.generate(config.random()), file + " (created)", file);
    }

    /**
     * Writes a setup {@link #load} generated, once the caller has made sure no user registered under another
     * one (a lost setup file must not be silently replaced: every existing user would be locked out).
     */
    public static void create(Loaded loaded) throws IOException {
        if (loaded.toCreate() == null) {
            return;
        }
        Path directory = loaded.toCreate().toAbsolutePath().getParent();
        if (directory != null) {
            SecretFiles.createPrivateDirectory(directory);
        }
        SecretFiles.writeOwnerOnly(loaded.toCreate(), encode(loaded.setup()) + "\n");
    }

    /** {@code <data>-secrets/server-setup}: a sibling of the data directory, so not in a copy of it. */
    static Path defaultFile(Path dataDirectory) {
        return SecretFiles.besideData(dataDirectory, FILE_NAME, "--setup-file");
    }

    /**
     * Moves a setup an earlier version kept in the data directory to {@code target}, so that it is no longer in
     * every copy of that directory.
     *
     * @return the file to use from now on
     */
    private static Path migrate(Path legacy, Path target, boolean explicit) throws IOException {
        ServerSetup old = read(legacy);
        if (Files.exists(target)) {
            if (sameSetup(old, read(target))) {
                Files.delete(legacy);
                LOG.warn("removed {}: the same server setup is at {}, which is used", legacy, target);
                return target;
            }
            if (explicit) {
                LOG.warn(
                        "{} holds another server setup than {}, which is used as configured; delete {} once you are"
                                + " sure no user registered under it",
                        legacy,
                        target,
                        legacy);
                return target;
            }
            throw new IllegalArgumentException("two different server setups: " + legacy + " (where earlier versions"
                    + " kept it) and " + target + " (the default now): give --setup-file naming the one your users"
                    + " registered under, and delete the other");
        }
        Path directory = target.toAbsolutePath().getParent();
        if (directory == null) {
            throw new IllegalArgumentException(WHAT + " " + target + " has no parent directory");
        }
        try {
            SecretFiles.createPrivateDirectory(directory);
        } catch (IOException e) {
            if (explicit) {
                throw new IllegalArgumentException(
                        "cannot create the directory of " + WHAT + " " + target + " to move the setup from " + legacy
                                + " there (" + e.getClass().getSimpleName() + ")");
            }
            LOG.warn(
                    "the server setup stays at {}, inside the data directory: its new default place {} cannot be"
                            + " created ({}); move it to a private place outside the data directory and give"
                            + " --setup-file",
                    legacy,
                    target,
                    e.getClass().getSimpleName());
            return legacy;
        }
        if (!explicit && !Files.getFileStore(directory).equals(Files.getFileStore(legacy))) {
            // In a container the data directory is often the only persistent volume: moving the setup off it
            // would lose it at the next restart.
            LOG.warn(
                    "the server setup stays at {}, inside the data directory: its new default place {} is on another"
                            + " file system, which may not be as durable (a container's data volume); move it to a"
                            + " durable private place outside the data directory and give --setup-file",
                    legacy,
                    target);
            return legacy;
        }
        SecretFiles.writeOwnerOnly(target, encode(old) + "\n");
        Files.delete(legacy);
        LOG.warn(
                "moved the server setup from {} to {} (mode 0600), out of the data directory: a copy of the data"
                        + " directory no longer holds it; back the new file up separately",
                legacy,
                target);
        return target;
    }

    private static void warnIfLeftBehind(Path legacy, String used) {
        if (Files.exists(legacy)) {
            LOG.warn(
                    "{} is not used ({} gives the setup) but is still in the data directory: delete it once you are"
                            + " sure it is the same setup or one no user registered under",
                    legacy,
                    used);
        }
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        return Files.exists(b)
                ? Files.isSameFile(a, b)
                : a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static boolean inside(Path file, Path directory) {
        return file.toAbsolutePath()
                .normalize()
                .startsWith(directory.toAbsolutePath().normalize());
    }

    private static boolean sameSetup(ServerSetup a, ServerSetup b) {
        SecretBytes x = a.encode();
        SecretBytes y = b.encode();
        try {
            return x.equalsConstantTime(y);
        } finally {
            x.destroy();
            y.destroy();
        }
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
            throw new IllegalArgumentException(WHAT + " " + file + " does not exist");
        }
        SecretFiles.requireOwnerOnly(file, WHAT);
        return decode(Files.readString(file, StandardCharsets.US_ASCII), WHAT + " " + file);
    }
}
