package dev.patchbay.contracts.connection;

/**
 * What a command response hands the client so that a later read can wait for that write: the connection and the
 * version the write produced. On the wire it is the {@code Consistency-Token} header, opaque to clients and signed
 * for the tenant it was issued to (platform's {@code ConsistencyTokens}), so that no one can make a read wait for a
 * write that never happened.
 */
public record ConsistencyToken(ConnectionId connectionId, long version) {}
