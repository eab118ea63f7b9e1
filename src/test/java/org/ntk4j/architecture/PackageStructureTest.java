package org.ntk4j.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of ntk4j's main classes: no dependency cycle between its packages (every
 * package is a slice of its own, subpackages included: {@code arch.text} parses into {@code arch}
 * and {@code arch.activation}, neither of which may use it), and the lower layers (the architecture
 * description, linear algebra, the device choice and the kernels) never depend on the layers built
 * on them. A change that breaks either fails here, naming the classes involved.
 */
class PackageStructureTest {
    /**
     * Built on the kernels: the accelerated engines, kernel operators, prediction, solvers, evidence,
     * calibration, optimizer, demo, CLI and ND4J interop.
     */
    private static final String[] UPPER = {
        "org.ntk4j.gpu..",
        "org.ntk4j.cli..",
        "org.ntk4j.operator..",
        "org.ntk4j.predict..",
        "org.ntk4j.solve..",
        "org.ntk4j.evidence..",
        "org.ntk4j.calibration..",
        "org.ntk4j.softopt..",
        "org.ntk4j.demo..",
        "org.ntk4j.nd4j.."
    };

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = MainClasses.get();
    }

    /** No cycle among the packages below {@code root}, each its own slice. */
    static ArchRule freeOfCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    @Test
    void noPackageCycles() {
        freeOfCycles("org.ntk4j").check(main);
    }

    @Test
    void lowerLayersDoNotDependOnUpperOnes() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.ntk4j.kernel..", "org.ntk4j.arch..", "org.ntk4j.linalg..", "org.ntk4j.device..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(UPPER)
                .because(
                        "the kernels and what they build on must work, and be understood, without the layers above them")
                .check(main);
    }

    @Test
    void deviceChoiceDoesNotDependOnTheKernels() {
        noClasses()
                .that()
                .resideInAPackage("org.ntk4j.device..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.ntk4j.kernel..")
                .because("the kernels choose their device: the device choice sits below them")
                .check(main);
    }

    /**
     * ND4J is an optional dependency (issue 16): only {@code org.ntk4j.nd4j} may use it, so that the
     * rest of the library loads and runs without nd4j-api on the class path. {@code cli.InfoCommand}'s
     * BLAS line is the one exception until the info command stops asking ND4J (it reports ND4J missing).
     */
    @Test
    void onlyTheNd4jInteropPackageUsesNd4j() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.ntk4j.nd4j..")
                .and()
                .doNotHaveFullyQualifiedName("org.ntk4j.cli.InfoCommand")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.nd4j..")
                .because("ND4J is optional: org.ntk4j.nd4j is the one place that may need it")
                .check(main);
    }

    /** The cycle rule is not vacuous: it reports the deliberate cycle between the two fixture packages. */
    @Test
    void cycleRuleReportsACycle() {
        String root = PackageStructureTest.class.getPackageName() + ".cyclefixture";
        JavaClasses fixture = new ClassFileImporter().importPackages(root);
        EvaluationResult result = freeOfCycles(root).evaluate(fixture);
        assertTrue(result.hasViolation(), "the fixture's cycle was not reported");
        String report = result.getFailureReport().toString();
        assertTrue(report.contains("first") && report.contains("second"), report);
    }
}
