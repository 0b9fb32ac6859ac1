package dev.opaquepop.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files holding the server's secrets (the setup, the Redis sealing keys): read only when no one but their owner
 * can read or change them, written with mode 0600 in one atomic step. On a file system without POSIX permissions
 * (Windows) nothing can be checked: the file's ACL is the operator's to set.
 */
public final class SecretFiles {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE);

    private SecretFiles() {}

    /**
     * Refuses a secret file that its group or others can read or write (following symbolic links, as reading
     * does), with a message naming the file and the fix.
     *
     * @param what the file's role in messages, e.g. "server setup file"
     */
    public static void requireOwnerOnly(Path file, String what) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> exposed = EnumSet.noneOf(PosixFilePermission.class);
        exposed.addAll(permissions);
        exposed.retainAll(GROUP_OR_OTHERS);
        if (!exposed.isEmpty()) {
            throw new IllegalArgumentException(what + " " + file + " can be read or changed by other users (mode "
                    + PosixFilePermissions.toString(permissions) + "): run 'chmod 600 " + file + "' (and keep it"
                    + " owned by the server's user); the server refuses a secret others can read");
        }
    }

    /**
     * {@code <data>-secrets}: the directory beside (not inside) the data directory where secrets are kept by
     * default, so that a copy of the data directory holds none of them.
     *
     * @throws IllegalArgumentException when the data directory has no parent; {@code option} names what to give
     *     instead
     */
    public static Path besideData(Path dataDirectory, String fileName, String option) {
        Path absolute = dataDirectory.toAbsolutePath().normalize();
        if (absolute.getParent() == null || absolute.getFileName() == null) {
            throw new IllegalArgumentException("the data directory " + dataDirectory + " has no parent, so the "
                    + fileName + " file has no default place beside it: give " + option);
        }
        return absolute.resolveSibling(absolute.getFileName() + "-secrets").resolve(fileName);
    }

    /** Creates a directory for secrets (mode 0700 where POSIX permissions exist), with its missing parents. */
    public static void createPrivateDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.getFileStore(parent == null ? directory : parent).supportsFileAttributeView("posix")) {
            Files.createDirectory(
                    directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(directory);
        }
    }

    /**
     * Writes {@code text} to a temporary file created with mode 0600 beside {@code file}, then moves it into
     * place atomically: a reader sees the old content or the whole new one, and never a readable copy.
     *
     * @throws FileAlreadyExistsException when {@code file} appeared meanwhile (it is not overwritten)
     */
    public static void writeOwnerOnly(Path file, String text) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        if (directory == null) {
            throw new IOException("cannot write " + file + ": it has no parent directory");
        }
        Path temporary = directory.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (Files.getFileStore(directory).supportsFileAttributeView("posix")) {
            Files.createFile(
                    temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temporary);
        }
        try {
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
