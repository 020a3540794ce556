package dev.patchbay.query.connector;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** One entry of {@code GET /v1/connector-types}: what a vendor's connections need, and where they may point. */
record ConnectorTypeView(
        String vendor,
        String category,
        String displayName,
        List<String> requiredConfig,
        List<String> secretFields,
        boolean supportsWebhooks,

        @Schema(
                description = "The config fields that do not decide where the credential is sent. Every other config "
                        + "field and the origin of base_url are the connection's destination, which its credential is sealed "
                        + "for: changing them needs the complete credential again (else 400 PBAY-0010).")
        List<String> configOutsideDestination,

        @Schema(description = "The only hosts a base_url of this type may name; empty for any host.")
        List<String> allowedHosts,

        @Schema(
                description = "Secret fields a credential of this type may carry beside secret_fields, which it "
                        + "must carry (oauth2: refresh_token, without which the access token is not refreshed and the "
                        + "connection expires at its expires_at). Empty when every secret field is required.")
        List<String> optionalSecretFields) {}
