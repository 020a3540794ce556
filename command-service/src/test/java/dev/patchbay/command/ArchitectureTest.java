package dev.patchbay.command;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

@AnalyzeClasses(packages = "dev.patchbay.command", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * The features ({@code connection}, {@code probe}, {@code webhook}, {@code vault}) meet only in {@code platform}:
     * one finds another's connections through {@code ConnectionDirectory}, never by importing it, so a feature can
     * change without the others.
     */
    @ArchTest
    static final ArchRule featuresNeverImportEachOther = slices().matching("dev.patchbay.command.(*)..")
            .should()
            .notDependOnEachOther()
            .ignoreDependency(alwaysTrue(), resideInAPackage("dev.patchbay.command.platform.."));

    /** {@code platform} is wiring: it serves the features and imports none of them. */
    @ArchTest
    static final ArchRule platformImportsNoFeature = noClasses()
            .that()
            .resideInAPackage("dev.patchbay.command.platform..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dev.patchbay.command.connection..",
                    "dev.patchbay.command.probe..",
                    "dev.patchbay.command.webhook..",
                    "dev.patchbay.command.vault..");

    /**
     * command-service never calls a third party: it talks to PostgreSQL and Kafka only, and the probe workers do
     * every outgoing check. An HTTP client here would be a way to send something (a credential) somewhere.
     */
    @ArchTest
    static final ArchRule noOutgoingHttpClients = noClasses()
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("reactor.netty.http.client.HttpClient")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.net.http.HttpClient")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.springframework.web.reactive.function.client.WebClient")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.net.Socket");

    /**
     * The vault owns its tables: no code outside the vault module writes SQL against them (the store is what
     * command-service writes and probe-worker reads through). ArchUnit sees types, not SQL, so this reads the source.
     */
    private static final Pattern VAULT_SQL =
            Pattern.compile("(?i)(from|into|update|join|table)\\s+(sealed_secrets|vault_keys)\\b");

    @Test
    void onlyTheVaultStoreTouchesTheVaultTables() throws IOException {
        var root = Path.of("..").toAbsolutePath().normalize();
        try (var files = Files.walk(root)) {
            var offenders = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> file.toString().contains("/src/main/"))
                    .filter(file -> !file.startsWith(root.resolve("vault")) && !file.startsWith(root.resolve("bench")))
                    .filter(file -> {
                        try {
                            return VAULT_SQL.matcher(Files.readString(file)).find();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .map(root::relativize)
                    .toList();
            assertThat(offenders)
                    .as("main code outside the vault module that names a vault table")
                    .isEmpty();
        }
    }
}
