package dev.patchbay.platform.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a caller may do. {@code viewer}, {@code editor} and {@code admin} each include the ones before them.
 * {@code caller} stands apart: it uses connections through the proxy and nothing else, and no other role includes
 * it, so a workload that syncs data cannot change connections, and an editor cannot read data through a connection
 * unless its token also names {@code caller}.
 */
public enum Role {
    VIEWER,
    EDITOR,
    ADMIN,
    CALLER;

    public String authority() {
        return "ROLE_" + name().toLowerCase(Locale.ROOT);
    }

    /** This role and every role it includes. */
    public Set<Role> withIncluded() {
        return this == CALLER ? EnumSet.of(CALLER) : EnumSet.range(VIEWER, this);
    }

    public static Optional<Role> parse(String claimValue) {
        for (Role role : values()) {
            if (role.name().equalsIgnoreCase(claimValue)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
