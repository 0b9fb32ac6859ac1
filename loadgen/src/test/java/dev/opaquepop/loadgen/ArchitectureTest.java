package dev.opaquepop.loadgen;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.opaquepop.opaque.OpaqueException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture every module keeps, checked over the production classes of the library, the server and both
 * executables (this module's test class path holds them all; the Spring modules are not on it): packages without cycles, so each can be read and changed from the bottom up, and the
 * OPAQUE library's primitives reachable only through its public API.
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
}
