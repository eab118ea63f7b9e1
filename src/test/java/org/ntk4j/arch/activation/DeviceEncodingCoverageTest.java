package org.ntk4j.arch.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.arch.Activation;

/**
 * Every activation either brings its GPU encoding ({@link DeviceEncodable}) or says it has none
 * ({@link CpuOnly}): a new activation that does neither fails here rather than being refused by
 * the GPU backend at run time.
 */
class DeviceEncodingCoverageTest {
    /** The concrete activations in {@code classes} that are neither encodable nor CPU-only, or both. */
    static List<String> undeclared(JavaClasses classes) {
        return classes.stream()
                .filter(c -> c.isAssignableTo(Activation.class)
                        && !c.isInterface()
                        && !c.getModifiers().contains(JavaModifier.ABSTRACT))
                .filter(c -> c.isAssignableTo(DeviceEncodable.class) == c.isAssignableTo(CpuOnly.class))
                .map(JavaClass::getName)
                .sorted()
                .toList();
    }

    @Test
    void everyActivationDeclaresItsDeviceEncodingOrThatItIsCpuOnly() {
        JavaClasses pkg = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.ntk4j.arch.activation");
        long activations = pkg.stream()
                .filter(c -> c.isAssignableTo(Activation.class) && !c.isInterface())
                .count();
        assertTrue(
                activations >= 19,
                "found only " + activations + " activations: is the scan looking at the right package?");
        assertEquals(
                List.of(), undeclared(pkg), "activations with no GPU encoding that do not declare themselves CpuOnly");
    }

    @Test
    void theCheckCatchesAnUndeclaredActivation() {
        JavaClasses fake = new ClassFileImporter().importClasses(Undeclared.class, Relu.class, Numerical.class);
        assertEquals(List.of(Undeclared.class.getName()), undeclared(fake));
    }

    /** An activation that forgot both declarations. */
    private record Undeclared() implements Activation {
        @Override
        public double nngp(double c, double q1, double q2) {
            return c;
        }

        @Override
        public double ntkFactor(double c, double q1, double q2) {
            return 1;
        }

        @Override
        public double apply(double x) {
            return x;
        }

        @Override
        public double derivative(double x) {
            return 1;
        }

        @Override
        public String describe() {
            return "Undeclared";
        }
    }
}
