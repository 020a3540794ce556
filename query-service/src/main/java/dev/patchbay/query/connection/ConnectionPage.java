package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionResource;

import java.util.List;

/** One page of {@code GET /v1/connections}: newest first; {@code next_cursor} is null on the last page. */
record ConnectionPage(List<ConnectionResource> data, boolean hasMore, String nextCursor, long total) {
}
