package dev.opaquepop.client;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes the client's state files (a session, the known servers) so that on POSIX file systems they are mode
 * 0600 from the start: a temporary file in the same directory, created owner-only, then an atomic rename. A
 * reader never sees a half-written file and no one else can read it, not even for a moment; elsewhere the file
 * inherits the directory's access rules.
 */
final class OwnerOnlyFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnlyFiles() {}

    /**
     * Replaces {@code file} with {@code bytes}, creating its directory owner-only (0700) when missing; the caller
     * wipes {@code bytes} if they are secret.
     */
    static void write(Path file, byte[] bytes) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null) {
            throw new IllegalArgumentException("a state file needs a parent directory");
        }
        createOwnerOnlyDirectory(directory);
        Path temporary = createOwnerOnly(directory);
        try {
            Files.write(temporary, bytes);
            moveReplacing(temporary, absolute);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static Path createOwnerOnly(Path directory) throws IOException {
        return Files.createTempFile(directory, ".opaque-pop-", ".tmp", ownerOnly(directory, OWNER_ONLY));
    }

    private static void createOwnerOnlyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, ownerOnly(directory, OWNER_ONLY_DIRECTORY));
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path path, Set<PosixFilePermission> permissions) {
        boolean posix = path.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    private static void moveReplacing(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
