package dev.opaquepop.loadgen;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.opaquepop.opaque.OpaqueException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture every module keeps, checked over the production classes of the library, the server and both
 * executables (this module's test class path holds them all; the Spring modules are not on it): packages without
 * cycles, so each can be read and changed from the bottom up; the OPAQUE library's primitives reachable only
 * through its public API; the store implementations only through the store interfaces; the server's public types
 * only those another package needs; and (over the sources of every module) a package-info describing each package.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.opaquepop");
    }

    @Test
    void packages_haveNoCycles() {
        slices().matching("dev.opaquepop.(**)")
                .should()
                .beFreeOfCycles()
                .because("a package cycle means neither package can be understood or changed alone")
                // The primitives report malformed input and failed logins with the library's own exceptions, the
                // one vocabulary of failure every caller sees; nothing else of the public package is theirs.
                .ignoreDependency(
                        resideInAPackage("dev.opaquepop.opaque.internal"), assignableTo(OpaqueException.class))
                .check(classes);
    }

    @Test
    void storeImplementations_areReachedOnlyThroughTheStoreInterfaces() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.opaquepop.server.store..")
                // The one place that picks the stores, and the two that load and report Redis' sealing keys.
                .and()
                .doNotHaveFullyQualifiedName("dev.opaquepop.server.StorageBackend")
                .and()
                .doNotHaveFullyQualifiedName("dev.opaquepop.server.SealingKeys")
                .and()
                .doNotHaveFullyQualifiedName("dev.opaquepop.server.SealingKeys$Loaded")
                .and()
                .doNotHaveFullyQualifiedName("dev.opaquepop.server.ProtocolCore")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.opaquepop.server.store.memory..",
                        "dev.opaquepop.server.store.postgres..",
                        "dev.opaquepop.server.store.redis..",
                        "dev.opaquepop.server.store.sqlite..")
                // Not store.jdbc: its connection source and transactions are what the core lends an application's
                // own tables (ProtocolCore.database(), used by the demo bank).
                .because("which stores back a deployment is decided once, in StorageBackend; everything else sees the"
                        + " store interfaces, so a new store touches no service, limit or HTTP code")
                .check(classes);
    }

    @Test
    void everyPackage_saysWhatItIsFor() throws IOException {
        // Source packages, not classes: javac writes a package-info class only for an annotated package. A split
        // package (dev.opaquepop.server, in server-core and server) needs its description once.
        Path root = Path.of("..").toAbsolutePath().normalize();
        Set<String> packages = new TreeSet<>();
        Set<String> described = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String path = root.relativize(file).toString().replace('\\', '/');
                int main = path.indexOf("/src/main/java/");
                if (main < 0 || path.contains("/target/") || path.contains("node_modules")) {
                    continue;
                }
                String name = path.substring(main + "/src/main/java/".length(), path.lastIndexOf('/'))
                        .replace('/', '.');
                packages.add(name);
                if (file.getFileName().toString().equals("package-info.java")) {
                    described.add(name);
                }
            }
        }
        assertThat(packages).as("main source packages found under %s", root).hasSizeGreaterThan(20);
        assertThat(described).as("packages with a package-info.java").containsAll(packages);
    }

    @Test
    void opaqueInternals_areUsedOnlyByTheOpaqueLibrary() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.opaquepop.opaque..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.opaquepop.opaque.internal..")
                .because("the primitives are not an API: callers use OpaqueClient and OpaqueServer")
                .check(classes);
    }

    @Test
    void publicServerTypes_areUsedFromAnotherPackage() {
        classes()
                .that()
                .resideInAPackage("dev.opaquepop.server..")
                .and()
                .arePublic()
                .and()
                .areTopLevelClasses()
                // Its constants are compile-time constants: javac copies them into ServerCommand (cli), which
                // leaves no reference in the class files for this rule to see.
                .and()
                .doNotHaveFullyQualifiedName("dev.opaquepop.server.Defaults")
                .should(beUsedFromAnotherPackage())
                .because("what only its own package uses is the package's engine, not its surface (HikariCP's way):"
                        + " package-private, so a reader and a caller see only what they may rely on")
                .check(classes);
    }

    private static ArchCondition<JavaClass> beUsedFromAnotherPackage() {
        return new ArchCondition<>("be used from another package") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean used = type.getDirectDependenciesToSelf().stream()
                        .anyMatch(d -> !d.getOriginClass().getPackageName().equals(type.getPackageName()));
                if (!used) {
                    events.add(SimpleConditionEvent.violated(
                            type, type.getName() + " is public but used only in its own package"));
                }
            }
        };
    }
}
