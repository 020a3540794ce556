package dev.patchbay.query.connector;

import java.util.List;

/** The body of {@code GET /v1/connector-types}, sorted by vendor. */
record ConnectorTypeList(List<ConnectorTypeView> data) {}
