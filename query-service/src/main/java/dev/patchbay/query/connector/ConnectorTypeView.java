package dev.patchbay.query.connector;

import java.util.List;

/** One entry of {@code GET /v1/connector-types}: what a vendor's connections need. */
record ConnectorTypeView(String vendor, String category, String displayName, List<String> requiredConfig,
        List<String> secretFields, boolean supportsWebhooks) {
}
