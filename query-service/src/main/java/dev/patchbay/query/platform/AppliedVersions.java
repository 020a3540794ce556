package dev.patchbay.query.platform;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import reactor.core.publisher.Mono;

/**
 * How far the projection has got with one connection: the version of the last event it applied, deleted or not.
 * Implemented by the feature that owns the read table; the consistency gate only asks.
 */
public interface AppliedVersions {

    /** The applied version, or empty when no event of that tenant's connection has been applied yet. */
    Mono<Long> appliedVersion(TenantId tenant, ConnectionId id);
}
