package dev.patchbay.command.connection;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.Map;

/**
 * The body of {@code PATCH /v1/connections/{id}} as the OpenAPI document shows it. The controller reads the body as a
 * map, because "absent" and "null" differ here (null clears a field, absent leaves it); the rules are those of
 * {@link ConnectionRequestRules#checkUpdate}.
 */
@Schema(
        additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
        description = "Any of the fields; at least "
                + "one. A complete credential rotates it (credential version + 1); a partial one is refused.")
record UpdateConnectionRequest(
        @Schema(description = "May only be sent unchanged: the vendor is immutable")
        String vendor,

        @Schema(
                types = {"string", "null"},
                maxLength = 128)
        String displayName,

        @Schema(types = {"string", "null"}) String baseUrl,
        @Schema(types = {"object", "null"}) Map<String, Object> config,

        @Schema(
                types = {"string", "null"},
                maxLength = 256)
        String accountRef,

        @Schema(types = {"object", "null"}) Map<String, Object> metadata,

        @Schema(
                description = "Every secret field of the connector type (and any of its optional ones), as "
                        + "strings: rotates the credential. May carry expires_at (RFC 3339) or expires_in (seconds), "
                        + "as on create; a credential sent without either has no expiry.",
                types = "object",
                additionalPropertiesSchema = String.class)
        Map<String, String> credential) {}
