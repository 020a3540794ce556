package dev.patchbay.command.connection;

import dev.patchbay.vault.Credential;

import java.util.Map;

/**
 * The body of {@code POST /v1/connections}. Unknown fields are refused by the platform's JSON dialect; every rule
 * of the contract is checked by {@link ConnectionRequestRules}. The credential is a {@link Credential}: it cannot
 * leak through this record's {@code toString}.
 */
record CreateConnectionRequest(String vendor, String configName, Credential credential, String displayName,
        String baseUrl, Map<String, Object> config, String accountRef, String scope, String workspaceId,
        String endUserId, Map<String, Object> metadata) {
}
