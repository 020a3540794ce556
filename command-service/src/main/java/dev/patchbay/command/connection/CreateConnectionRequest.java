package dev.patchbay.command.connection;

import dev.patchbay.vault.Credential;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

/**
 * The body of {@code POST /v1/connections}. Unknown fields are refused by the platform's JSON dialect; every rule
 * of the contract is checked by {@link ConnectionRequestRules}. The credential is a {@link Credential}: it cannot
 * leak through this record's {@code toString}.
 */
@Schema(additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
record CreateConnectionRequest(
        @Schema(
                description = "A connector type id from GET /v1/connector-types; immutable after create",
                requiredMode = Schema.RequiredMode.REQUIRED,
                examples = "pluggy")
        String vendor,

        @Schema(
                description = "The tenant-scoped name, unique among the tenant's live connections",
                requiredMode = Schema.RequiredMode.REQUIRED,
                pattern = "^[a-z0-9][a-z0-9._-]{0,62}$",
                examples = "pluggy-main")
        String configName,

        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Credential credential,

        @Schema(maxLength = 128, examples = "Pluggy production")
        String displayName,

        @Schema(
                description = "Required for rest vendors: an absolute https URL without user info",
                examples = "https://api.pluggy.ai")
        String baseUrl,

        @Schema(description = "Non-secret type-specific fields, with the connector type's required_config")
        Map<String, Object> config,

        @Schema(description = "Opaque vendor account reference (Pluggy item id, Belvo link id)", maxLength = 256)
        String accountRef,

        @Schema(
                allowableValues = {"organization", "workspace", "user"},
                defaultValue = "organization")
        String scope,

        @Schema(description = "Required for scope workspace")
        String workspaceId,

        @Schema(description = "Required for scope user") String endUserId,

        @Schema(description = "Operator config merged into upstream calls; at most 64 keys, never secret")
        Map<String, Object> metadata) {}
