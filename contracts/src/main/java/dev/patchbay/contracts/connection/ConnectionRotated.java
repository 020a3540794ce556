package dev.patchbay.contracts.connection;

import java.time.Instant;

/**
 * Emitted by command-service when a complete new credential replaced the old one: the new one is sealed, the old
 * one destroyed in the same transaction. A revoked connection is active again after a rotation.
 *
 * @param previousFingerprint the fingerprint of the credential it replaced, so auditors can follow the chain
 */
public record ConnectionRotated(
        ConnectionId connectionId,
        TenantId tenantId,
        long version,
        Instant occurredAt,
        String actor,
        CredentialInfo credential,
        String previousFingerprint)
        implements ConnectionEvent {}
