package dev.patchbay.probe;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

@AnalyzeClasses(packages = "dev.patchbay.probe", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featuresNeverImportEachOther = slices().matching("dev.patchbay.probe.(*)..")
            .should().notDependOnEachOther();

    /** The worker serves no API: it takes the topics from the platform, not its HTTP security or web layer. */
    @ArchTest
    static final ArchRule theWorkerServesNoApi = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("dev.patchbay.platform.security..", "dev.patchbay.platform.web..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.patchbay.platform.PatchbayPlatform");
}
