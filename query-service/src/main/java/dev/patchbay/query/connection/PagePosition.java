package dev.patchbay.query.connection;

import java.time.Instant;
import java.util.UUID;

/** Where a page of the newest-first list ends: the sort key of its last connection. */
record PagePosition(Instant createdAt, UUID id) {
}
