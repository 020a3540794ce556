package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.Scope;

/**
 * The scope part of the live connections' name index ({@code live_connections.scope_key}): one key per scope, and
 * never one key for two scopes. Ids may hold {@code :} and {@code @}, so a key that only joins them with such
 * separators is ambiguous ({@code user:u@workspace:w} was both user {@code u} in workspace {@code w} and user
 * {@code u@workspace:w} in none); here each id is written after its length in characters, so where it ends never
 * depends on what it contains:
 * <ul>
 * <li>{@code organization}</li>
 * <li>{@code workspace:<length>:<workspace id>}</li>
 * <li>{@code user:<length>:<end user id>}, and in a workspace
 * {@code user:<length>:<end user id>:workspace:<length>:<workspace id>}</li>
 * </ul>
 * Migration V7 wrote every earlier row in this form; its SQL must keep building exactly these strings.
 */
final class ScopeKeys {

    private ScopeKeys() {}

    static String of(Scope scope, String workspaceId, String endUserId) {
        return switch (scope) {
            case ORGANIZATION -> organization();
            case WORKSPACE -> workspace(workspaceId);
            case USER -> user(endUserId, workspaceId);
        };
    }

    static String organization() {
        return "organization";
    }

    static String workspace(String workspaceId) {
        return "workspace:" + part(workspaceId);
    }

    /** An end user's key, in that workspace, or in none when {@code workspaceId} is null. */
    static String user(String endUserId, String workspaceId) {
        return "user:" + part(endUserId) + (workspaceId == null ? "" : ":workspace:" + part(workspaceId));
    }

    /** Length in code points, which is what PostgreSQL's {@code char_length} counts in the migration. */
    private static String part(String id) {
        return id.codePointCount(0, id.length()) + ":" + id;
    }
}
