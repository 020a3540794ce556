package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionResource.Status;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;

import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;

/**
 * The optional filters of {@code GET /v1/connections}. Each is an exact match; an absent or empty one matches
 * everything. A cursor is bound to the filters it was issued for.
 */
record ConnectionFilter(String vendor, Status status, String health, String workspaceId, String endUserId) {

    static final ConnectionFilter NONE = new ConnectionFilter(null, null, null, null, null);

    private static final int MAX_LENGTH = 256;
    private static final Set<String> HEALTH_STATES = Set.of("unknown", "healthy", "unhealthy");

    /** The filters of a request, or 400 validation_failed naming each bad one. */
    static ConnectionFilter of(String vendor, String status, String health, String workspaceId, String endUserId) {
        var problems = new ArrayList<FieldProblem>();
        vendor = text("query.vendor", vendor, problems);
        workspaceId = text("query.workspace_id", workspaceId, problems);
        endUserId = text("query.end_user_id", endUserId, problems);
        Status parsedStatus = null;
        status = blankToNull(status);
        if (status != null) {
            if (status.equals("active") || status.equals("revoked") || status.equals("expired")) {
                parsedStatus = Status.valueOf(status.toUpperCase(Locale.ROOT));
            } else {
                problems.add(new FieldProblem("query.status", "must be active, revoked or expired", status));
            }
        }
        health = blankToNull(health);
        if (health != null && !HEALTH_STATES.contains(health)) {
            problems.add(new FieldProblem("query.health", "must be unknown, healthy or unhealthy", health));
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new ConnectionFilter(vendor, parsedStatus, health, workspaceId, endUserId);
    }

    private static String text(String location, String value, ArrayList<FieldProblem> problems) {
        value = blankToNull(value);
        if (value != null && value.length() > MAX_LENGTH) {
            problems.add(FieldProblem.of(location, "must be at most " + MAX_LENGTH + " characters"));
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
