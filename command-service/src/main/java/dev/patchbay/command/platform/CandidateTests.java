package dev.patchbay.command.platform;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.vault.Credential;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * How the probe feature tests a full candidate ({@code POST /v1/connections/test} with a credential) without
 * importing the connection feature, which validates it as a create and seals its credential for the one check.
 */
public interface CandidateTests {

    /** A connection as a create would describe it; nothing of it is stored. */
    record Candidate(
            String vendor,
            String configName,
            String baseUrl,
            Map<String, Object> config,
            Credential credential,
            String scope,
            String workspaceId,
            String endUserId,
            Map<String, Object> metadata) {}

    /** The check's result, and the id the candidate was checked under (never stored). */
    record Tested(ConnectionId id, String vendor, ProbeCompleted result) {}

    /** Validates the candidate as a create, checks it live, and keeps nothing; the credential is closed. */
    Mono<Tested> test(Caller caller, Candidate candidate);
}
