package org.ntk4j.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The library's main classes, imported once for all architecture tests (an import takes seconds). */
final class MainClasses {
    private MainClasses() {}

    private static JavaClasses main;

    static synchronized JavaClasses get() {
        if (main == null)
            main = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("org.ntk4j");
        return main;
    }
}
