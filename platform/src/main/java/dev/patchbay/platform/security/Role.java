package dev.patchbay.platform.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a caller may do. Each role includes the ones below it. */
public enum Role {
    VIEWER,
    EDITOR,
    ADMIN;

    public String authority() {
        return "ROLE_" + name().toLowerCase(Locale.ROOT);
    }

    /** This role and every role it includes. */
    public Set<Role> withIncluded() {
        return EnumSet.range(VIEWER, this);
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
