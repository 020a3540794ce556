package dev.patchbay.contracts.connection;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Who a connection serves: the whole organization, one workspace, or one end user. */
public enum Scope {
    ORGANIZATION,
    WORKSPACE,
    USER;

    /**
     * One scope together with the ids that pin it down: a workspace scope's workspace, a user scope's end user (and
     * the workspace it sits in, or null for none).
     */
    public record Applicable(Scope scope, String workspaceId, String endUserId) {}

    /**
     * The rule both services resolve a connection by ("most specific scope wins"): the scopes that apply to that
     * workspace and end user (either may be null), most specific first. The end user's in that workspace, the end
     * user's in no workspace, the workspace's, and always the organization's last; a scope whose id is not given is
     * left out.
     */
    public static List<Applicable> mostSpecificFirst(String workspaceId, String endUserId) {
        var applicable = new ArrayList<Applicable>(4);
        if (endUserId != null) {
            if (workspaceId != null) {
                applicable.add(new Applicable(USER, workspaceId, endUserId));
            }
            applicable.add(new Applicable(USER, null, endUserId));
        }
        if (workspaceId != null) {
            applicable.add(new Applicable(WORKSPACE, workspaceId, null));
        }
        applicable.add(new Applicable(ORGANIZATION, null, null));
        return List.copyOf(applicable);
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> parse(String wireName) {
        return Arrays.stream(values())
                .filter(s -> s.wireName().equals(wireName))
                .findFirst();
    }

    @JsonCreator
    static Scope fromWire(String wireName) {
        return parse(wireName).orElseThrow(() -> new IllegalArgumentException("unknown scope"));
    }
}
