package dev.patchbay.probe.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.probe.TestVaults;
import dev.patchbay.probe.check.Check;
import dev.patchbay.probe.check.CheckFailed;
import dev.patchbay.probe.check.ConnectionBreakers;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeProperties;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealedSecretStore.SealedRow;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProbeRunnerTest {

    private static final Vault VAULT = TestVaults.vault(TestVaults.randomKey(), TestVaults.randomKey());

    private final TenantId tenant = TenantId.of("tenant-" + UUID.randomUUID());
    private final ConnectionId connection = new ConnectionId(UUID.randomUUID());
    /** The rows of the vault table: (connection, tenant, version) to the sealed row. */
    private final Map<String, SealedRow> rows = new HashMap<>();

    private final SealedCredentials sealed = (id, owner, version, purpose) -> Optional.ofNullable(rows.get(id + "/"
            + owner.value() + "/" + version + (purpose.equals(SealingContext.CREDENTIAL) ? "" : "/" + purpose)));
    /** Which hosts the stub check may reach: all but this one. */
    private static final String FORBIDDEN_HOST = "forbidden.example.com";
    /** What the stub check answers next, and what it was given. */
    private final AtomicReference<Outcome> answer = new AtomicReference<>(Outcome.healthy());

    private final List<String> calls = new ArrayList<>();
    private final AtomicReference<Credential> lent = new AtomicReference<>();
    private final Check check = check((target, credential) -> {
        calls.add(target.vendor() + ":" + credential.value("password"));
        lent.set(credential);
        var outcome = answer.get();
        if (outcome.failure() == Failure.TIMEOUT) {
            throw new CheckFailed(outcome);
        }
        return outcome;
    });

    /** A stub check whose destination is that of a database type: everything but the database name. */
    private static Check check(BiFunction<ProbeTarget, Credential, Outcome> body) {
        return new Check() {
            @Override
            public Outcome check(ProbeTarget target, Credential credential) {
                return body.apply(target, credential);
            }

            @Override
            public Destination destination(ProbeTarget target) {
                return destinationOf(target.config());
            }

            @Override
            public boolean allows(ProbeTarget target) {
                return !FORBIDDEN_HOST.equals(target.config().get("host"));
            }
        };
    }

    private static Destination destinationOf(Map<String, Object> config) {
        return Destination.of(List.of("database"), null, config);
    }

    private ProbeProperties properties = ProbeProperties.defaults();

    private ProbeRunner runner() {
        return new ProbeRunner(
                vendor -> vendor.equals("postgresql") ? Optional.of(check) : Optional.empty(),
                sealed,
                VAULT,
                new ConnectionBreakers(properties),
                properties);
    }

    private static final Map<String, Object> CONFIG = Map.of("host", "db.example.com", "port", 5432, "database", "app");

    private void sealAs(TenantId owner, int version, String password) {
        sealFor(owner, version, password, CONFIG);
    }

    private void sealFor(TenantId owner, int version, String password, Map<String, Object> config) {
        var destination = destinationOf(config).digest();
        try (var credential = Credential.of(Map.of("username", "app", "password", password))) {
            rows.put(
                    connection + "/" + owner.value() + "/" + version,
                    new SealedRow(
                            VAULT.seal(
                                    credential,
                                    new SealingContext(
                                            owner, connection, version, SealingContext.CREDENTIAL, destination)),
                            destination,
                            true));
        }
    }

    /** A row sealed before destinations were bound, with the destination recorded for it since (or none). */
    private void sealUnbound(int version, String password, String recordedDestination) {
        try (var credential = Credential.of(Map.of("username", "app", "password", password))) {
            rows.put(
                    connection + "/" + tenant.value() + "/" + version,
                    new SealedRow(
                            VAULT.seal(
                                    credential,
                                    new SealingContext(tenant, connection, version, SealingContext.CREDENTIAL)),
                            recordedDestination,
                            false));
        }
    }

    private ProbeRequested request(int version) {
        return request(version, CONFIG);
    }

    private ProbeRequested request(int version, Map<String, Object> config) {
        return new ProbeRequested(
                "corr-" + UUID.randomUUID(),
                connection,
                tenant,
                "postgresql",
                "database",
                version,
                null,
                config,
                Map.of(),
                Instant.now(),
                "user-1");
    }

    @Test
    void theCredentialOfTheRequestedVersionIsOpenedCheckedAndWipedAndTheResultAnswersTheRequest() {
        sealAs(tenant, 1, "old");
        sealAs(tenant, 2, "current");
        var request = request(2);

        var result = runner().run(request).orElseThrow();

        assertThat(calls).containsExactly("postgresql:current");
        assertThat(result.correlationId()).isEqualTo(request.correlationId());
        assertThat(result.connectionId()).isEqualTo(connection);
        assertThat(result.tenantId()).isEqualTo(tenant);
        assertThat(result.vendor()).isEqualTo("postgresql");
        assertThat(result.healthy()).isTrue();
        assertThat(result.error()).isNull();
        assertThat(result.latencyMs()).isGreaterThanOrEqualTo(0);
        assertThat(result.checkedAt())
                .isCloseTo(
                        Instant.now(),
                        org.assertj.core.api.Assertions.within(5, java.time.temporal.ChronoUnit.SECONDS));
        assertThat(lent.get().value("password")).isEqualTo("\0\0\0\0\0\0\0");
    }

    @Test
    void aCandidateOpensFromItsOwnRowUnderTheSameDestinationCheckAndNeverFromTheConnectionsCredential() {
        var destination = destinationOf(CONFIG).digest();
        try (var credential = Credential.of(Map.of("username", "app", "password", "candidate-pw"))) {
            rows.put(
                    connection + "/" + tenant.value() + "/1/candidate",
                    new SealedRow(
                            VAULT.seal(credential, SealingContext.candidate(tenant, connection, destinationOf(CONFIG))),
                            destination,
                            true));
        }
        var candidate = candidate(CONFIG);

        assertThat(runner().run(candidate).orElseThrow().healthy()).isTrue();
        assertThat(calls).containsExactly("postgresql:candidate-pw");

        var elsewhere = new HashMap<>(CONFIG);
        elsewhere.put("host", "evil.example.com");
        assertThat(runner().run(candidate(elsewhere)).orElseThrow().error().code())
                .isEqualTo("destination_mismatch");
        // a stored connection's request does not open a candidate row, nor a candidate request a credential row
        assertThat(runner().run(request(1)).orElseThrow().error().code()).isEqualTo("revoked");
        rows.clear();
        sealAs(tenant, 1, "stored-pw");
        assertThat(runner().run(candidate(CONFIG)).orElseThrow().error().code()).isEqualTo("revoked");
        assertThat(calls).containsExactly("postgresql:candidate-pw");
    }

    private ProbeRequested candidate(Map<String, Object> config) {
        return new ProbeRequested(
                "corr-" + UUID.randomUUID(),
                connection,
                tenant,
                "postgresql",
                "database",
                1,
                null,
                config,
                Map.of(),
                Instant.now(),
                "user-1",
                ProbeRequested.CANDIDATE);
    }

    @Test
    void aMissingRowIsRevokedAndNothingIsChecked() {
        sealAs(tenant, 1, "pw");

        var rotatedAway = runner().run(request(2)).orElseThrow();

        assertThat(rotatedAway.healthy()).isFalse();
        assertThat(rotatedAway.error().code()).isEqualTo("revoked");
        assertThat(rotatedAway.error().message()).contains("no longer exists");
        assertThat(calls).isEmpty();
    }

    @Test
    void anotherTenantsRowIsNotFound() {
        sealAs(TenantId.of("someone-else"), 1, "pw");

        assertThat(runner().run(request(1)).orElseThrow().error().code()).isEqualTo("revoked");
        assertThat(calls).isEmpty();
    }

    @Test
    void aSealedBlobThatDoesNotOpenInThisContextGivesNoResult() {
        sealAs(tenant, 1, "pw");
        rows.put(connection + "/" + tenant.value() + "/2", rows.get(connection + "/" + tenant.value() + "/1"));

        assertThat(runner().run(request(2))).isEmpty();
        assertThat(calls).isEmpty();
    }

    @Test
    void fiveFailuresOpenTheCircuitAndThenNothingIsCheckedUntilItHalfOpens() {
        properties = new ProbeProperties(
                List.of(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                1,
                Duration.ofMinutes(2),
                new ProbeProperties.CircuitBreaker(5, 50, Duration.ofMillis(300), 100),
                1);
        var runner = runner();
        sealAs(tenant, 1, "pw");
        answer.set(Outcome.failed(Failure.UNREACHABLE));
        for (int i = 0; i < 4; i++) {
            assertThat(runner.run(request(1)).orElseThrow().error().code()).isEqualTo("unreachable");
        }
        answer.set(Outcome.failed(Failure.TIMEOUT));
        assertThat(runner.run(request(1)).orElseThrow().error().code()).isEqualTo("timeout");
        assertThat(calls).hasSize(5);

        var open = runner.run(request(1)).orElseThrow();

        assertThat(open.healthy()).isFalse();
        assertThat(open.error().code()).isEqualTo("circuit_open");
        assertThat(open.latencyMs()).isZero();
        assertThat(calls).hasSize(5);

        answer.set(Outcome.healthy());
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(runner.run(request(1)).orElseThrow().healthy())
                                .isTrue());
        assertThat(calls).hasSize(6);
        assertThat(runner.run(request(1)).orElseThrow().healthy()).isTrue();
    }

    @Test
    void theCircuitOfOneConnectionLeavesTheOthersAlone() {
        var runner = runner();
        sealAs(tenant, 1, "pw");
        answer.set(Outcome.failed(Failure.UNEXPECTED_RESPONSE, 500));
        for (int i = 0; i < 5; i++) {
            runner.run(request(1));
        }
        assertThat(runner.run(request(1)).orElseThrow().error().code()).isEqualTo("circuit_open");

        var other = new ConnectionId(UUID.randomUUID());
        try (var credential = Credential.of(Map.of("username", "app", "password", "pw"))) {
            var destination = destinationOf(CONFIG).digest();
            rows.put(
                    other + "/" + tenant.value() + "/1",
                    new SealedRow(
                            VAULT.seal(
                                    credential,
                                    new SealingContext(tenant, other, 1, SealingContext.CREDENTIAL, destination)),
                            destination,
                            true));
        }
        var request = request(1);
        var otherRequest = new ProbeRequested(
                request.correlationId(),
                other,
                tenant,
                "postgresql",
                "database",
                1,
                null,
                request.config(),
                Map.of(),
                Instant.now(),
                "user-1");
        assertThat(runner.run(otherRequest).orElseThrow().error().code()).isEqualTo("unexpected_response");
    }

    @Test
    void refusedCredentialsBlockedDestinationsAndUnusableConfigNeverOpenTheCircuit() {
        var runner = runner();
        sealAs(tenant, 1, "pw");
        for (var failure :
                List.of(Failure.CREDENTIALS_REJECTED, Failure.BLOCKED_DESTINATION, Failure.UNUSABLE_CONFIG)) {
            answer.set(Outcome.failed(failure));
            for (int i = 0; i < 6; i++) {
                assertThat(runner.run(request(1)).orElseThrow().error().code()).isEqualTo(failure.code());
            }
        }
        assertThat(calls).hasSize(18);
    }

    @Test
    void aStaleRequestAndAnUnknownVendorGiveNoResult() {
        sealAs(tenant, 1, "pw");
        var request = request(1);
        var stale = new ProbeRequested(
                request.correlationId(),
                connection,
                tenant,
                "postgresql",
                "database",
                1,
                null,
                request.config(),
                Map.of(),
                Instant.now().minus(Duration.ofMinutes(3)),
                "user-1");
        var unknown = new ProbeRequested(
                request.correlationId(),
                connection,
                tenant,
                "oracle",
                "database",
                1,
                null,
                request.config(),
                Map.of(),
                Instant.now(),
                "user-1");

        assertThat(runner().run(stale)).isEmpty();
        assertThat(runner().run(unknown)).isEmpty();
        assertThat(calls).isEmpty();
    }

    @Test
    void aCheckThatThrowsIsAnUnexpectedResponseWithoutItsMessage() {
        sealAs(tenant, 1, "pw");
        var runner = new ProbeRunner(
                vendor -> Optional.of(check((target, credential) -> {
                    throw new IllegalStateException("server said: password " + credential.value("password"));
                })),
                sealed,
                VAULT,
                new ConnectionBreakers(properties),
                properties);

        ProbeCompleted result = runner.run(request(1)).orElseThrow();

        assertThat(result.error().code()).isEqualTo("unexpected_response");
        assertThat(result.error().message()).doesNotContain("pw").doesNotContain("server said");
    }

    @Test
    void aRequestThatPointsTheCredentialAtAnotherHostIsADestinationMismatchAndOpensNothing() {
        sealAs(tenant, 1, "pw");
        var elsewhere = new HashMap<>(CONFIG);
        elsewhere.put("host", "collector.attacker.example");

        var result = runner().run(request(1, elsewhere)).orElseThrow();

        assertThat(result.healthy()).isFalse();
        assertThat(result.error().code()).isEqualTo("destination_mismatch");
        assertThat(result.error().message()).doesNotContain("pw");
        assertThat(calls).isEmpty();
    }

    @Test
    void everyRoutingFieldIsPartOfTheDestinationButTheDatabaseNameIsNot() {
        sealAs(tenant, 1, "pw");
        for (var change : List.of(
                Map.<String, Object>of("port", 6543),
                Map.<String, Object>of("tls_mode", "disable"),
                Map.<String, Object>of("host", "DB.example.com."))) {
            var moved = new HashMap<>(CONFIG);
            moved.putAll(change);
            assertThat(runner().run(request(1, moved)).orElseThrow().error().code())
                    .as("%s", change)
                    .isEqualTo("destination_mismatch");
        }
        assertThat(calls).isEmpty();

        var otherDatabase = new HashMap<>(CONFIG);
        otherDatabase.put("database", "reporting");
        otherDatabase.put("port", "5432");
        assertThat(runner().run(request(1, otherDatabase)).orElseThrow().healthy())
                .isTrue();
        assertThat(calls).containsExactly("postgresql:pw");
    }

    @Test
    void aRowWhoseStoredDestinationWasAlteredStillDoesNotOpenForTheNewOne() {
        var elsewhere = new HashMap<>(CONFIG);
        elsewhere.put("host", "collector.attacker.example");
        sealAs(tenant, 1, "pw");
        var row = rows.get(connection + "/" + tenant.value() + "/1");
        rows.put(
                connection + "/" + tenant.value() + "/1",
                new SealedRow(row.ciphertext(), destinationOf(elsewhere).digest(), true));

        assertThat(runner().run(request(1, elsewhere))).isEmpty();
        assertThat(calls).isEmpty();
    }

    @Test
    void aRowSealedBeforeBindingOpensOnlyForTheDestinationRecordedForIt() {
        sealUnbound(1, "legacy", destinationOf(CONFIG).digest());
        var elsewhere = new HashMap<>(CONFIG);
        elsewhere.put("host", "collector.attacker.example");

        assertThat(runner().run(request(1, elsewhere)).orElseThrow().error().code())
                .isEqualTo("destination_mismatch");
        assertThat(calls).isEmpty();
        assertThat(runner().run(request(1)).orElseThrow().healthy()).isTrue();
        assertThat(calls).containsExactly("postgresql:legacy");
    }

    @Test
    void aRowSealedBeforeBindingWithNoDestinationRecordedYetOpensForNothing() {
        sealUnbound(1, "legacy", null);

        assertThat(runner().run(request(1)).orElseThrow().error().code()).isEqualTo("destination_mismatch");
        assertThat(calls).isEmpty();
    }

    @Test
    void aHostTheVendorMayNotReachIsBlockedBeforeTheVaultIsRead() {
        var forbidden = new HashMap<>(CONFIG);
        forbidden.put("host", FORBIDDEN_HOST);
        sealFor(tenant, 1, "pw", forbidden);

        assertThat(runner().run(request(1, forbidden)).orElseThrow().error().code())
                .isEqualTo("blocked_destination");
        assertThat(calls).isEmpty();
    }
}
