package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionResource;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** One page of {@code GET /v1/connections}: newest first; {@code next_cursor} is null on the last page. */
@Schema(requiredProperties = {"data", "has_more", "next_cursor", "total"})
record ConnectionPage(
        List<ConnectionResource> data,
        boolean hasMore,

        @Schema(
                types = {"string", "null"},
                description = "Pass as cursor for the next page; null on the last page")
        String nextCursor,

        long total) {}
