package dev.opaquepop.sodium;

import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.utils.LibraryLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Loads the libsodium that lazysodium bundles for this platform, the same file lazysodium's own loader would
 * load, but found faster. That loader locates the library by reading the whole jar it sits in as a zip stream:
 * inside the 50 MB executable this took 2.0 of the server's 5.2 s from launch to ready (class-load timeline of a
 * cold start, issue 16). Here the file is read through the class loader's index of the jar instead, copied into
 * a fresh directory only this user can enter (so no other local user can swap it before it is loaded), loaded
 * from there, and deleted once loaded where the platform allows.
 *
 * <p>Anything unexpected (no such resource, no writable temporary directory) falls back to lazysodium's loader:
 * slower to start, the same library.
 */
final class BundledSodium {
    private BundledSodium() {}

    static SodiumJava load() {
        String resource = LibraryLoader.getSodiumPathInResources();
        try (InputStream in = SodiumJava.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return lazysodiumsOwnLoader();
            }
            Path directory = privateDirectory();
            Path library = directory.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            try {
                Files.copy(in, library);
                return new SodiumJava(library.toAbsolutePath().toString());
            } finally {
                // Once loaded the file is no longer needed (POSIX); where it is still open, at exit.
                deleteNowOrAtExit(library);
                deleteNowOrAtExit(directory);
            }
        } catch (IOException | RuntimeException e) {
            return lazysodiumsOwnLoader();
        }
    }

    private static Path privateDirectory() throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempDirectory(
                    "opaque-pop-sodium",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return Files.createTempDirectory("opaque-pop-sodium");
    }

    private static void deleteNowOrAtExit(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            path.toFile().deleteOnExit();
        }
    }

    private static SodiumJava lazysodiumsOwnLoader() {
        return new SodiumJava(LibraryLoader.Mode.BUNDLED_ONLY);
    }
}
