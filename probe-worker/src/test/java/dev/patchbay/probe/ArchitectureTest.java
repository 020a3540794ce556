package dev.patchbay.probe;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

@AnalyzeClasses(packages = "dev.patchbay.probe", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * The features ({@code connector}: types, registration and the vendors' checks; {@code connection}: probe
     * requests in, results out; {@code refresh}: OAuth2 refresh requests in, staged renewals and results out;
     * {@code proxy}) share only {@code check}, the vocabulary and the guarded means of a check (the proxy reaches
     * the refresher through {@code check.CredentialRenewal}).
     */
    @ArchTest
    static final ArchRule featuresNeverImportEachOther = slices().matching("dev.patchbay.probe.(*)..")
            .should()
            .notDependOnEachOther()
            .ignoreDependency(alwaysTrue(), resideInAPackage("dev.patchbay.probe.check.."));

    /** Like a platform package: {@code check} serves the features and imports none of them. */
    @ArchTest
    static final ArchRule checkImportsNoFeature = noClasses()
            .that()
            .resideInAPackage("dev.patchbay.probe.check..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dev.patchbay.probe.connector..",
                    "dev.patchbay.probe.connection..",
                    "dev.patchbay.probe.refresh..",
                    "dev.patchbay.probe.proxy..");

    /** Every outgoing connection of a check goes through the guard's helpers, never a client of its own. */
    @ArchTest
    static final ArchRule onlyTheGuardedHelpersOpenHttpOrJdbc = noClasses()
            .that()
            .resideOutsideOfPackage("dev.patchbay.probe.check..")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("reactor.netty.http.client.HttpClient")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.sql.DriverManager")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.net.http.HttpClient");

    /**
     * A connector hands its driver to {@code JdbcProbe}, which alone connects with it: there the connection gets the
     * guard's address, the pinned sockets and the deadline ({@code CheckSockets}).
     */
    @ArchTest
    static final ArchRule onlyTheGuardedHelperConnectsAJdbcDriver = noClasses()
            .that()
            .resideOutsideOfPackage("dev.patchbay.probe.check..")
            .should()
            .callMethod(java.sql.Driver.class, "connect", String.class, java.util.Properties.class);

    /**
     * The worker serves no API of the platform's: it takes the topics from the platform, not its web layer or filter
     * chains. Only the proxy checks tenants' tokens, and with the platform's {@code TenantTokens} alone, so that a
     * token means the same on its listener as on the API.
     */
    @ArchTest
    static final ArchRule theWorkerServesNoApi = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.patchbay.platform.web..")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("dev.patchbay.platform.PatchbayPlatform")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("dev.patchbay.platform.security.PatchbaySecurity");

    @ArchTest
    static final ArchRule onlyTheProxyChecksTokens = noClasses()
            .that()
            .resideOutsideOfPackage("dev.patchbay.probe.proxy..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.patchbay.platform.security..");
}
