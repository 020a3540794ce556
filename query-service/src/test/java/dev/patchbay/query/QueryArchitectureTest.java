package dev.patchbay.query;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** STYLE.md: features never import each other, and platform imports no feature. */
@AnalyzeClasses(packages = "dev.patchbay.query", importOptions = ImportOption.DoNotIncludeTests.class)
class QueryArchitectureTest {

    @ArchTest
    static final ArchRule platformImportsNoFeature = noClasses()
            .that()
            .resideInAPackage("..query.platform..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("..query.connection..", "..query.connector..")
            .because("features depend on the platform, never the other way round");

    @ArchTest
    static final ArchRule featuresDoNotImportEachOther = slices().matching("dev.patchbay.query.(*)..")
            .should()
            .notDependOnEachOther()
            .ignoreDependency(alwaysTrue(), resideInAPackage("dev.patchbay.query.platform.."));
}
