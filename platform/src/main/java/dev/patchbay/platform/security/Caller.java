package dev.patchbay.platform.security;

import dev.patchbay.contracts.connection.TenantId;

import java.util.Set;

/**
 * Who is calling, as the verified token says: the tenant whose data every operation is confined to, the subject
 * recorded as actor on every event, and the roles.
 */
public record Caller(TenantId tenant, String subject, Set<Role> roles) {

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }
}
