package dev.patchbay.query.connection;

import java.time.Instant;
import java.util.UUID;

/**
 * Where a page of the newest-first list ends: the sort key of its last connection, and the {@code total} that the
 * first page counted, which every later page repeats instead of counting again (null in a cursor of the first
 * format, which carried no total: such a page counts).
 */
record PagePosition(Instant createdAt, UUID id, Long total) {

    PagePosition(Instant createdAt, UUID id, long total) {
        this(createdAt, id, Long.valueOf(total));
    }
}
