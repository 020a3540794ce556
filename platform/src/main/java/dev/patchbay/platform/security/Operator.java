package dev.patchbay.platform.security;

/**
 * Who is calling an operation that spans tenants, as a verified operator token says: only a subject, recorded as
 * actor. An operator has no tenant and no tenant role; a tenant's token is never an operator's.
 */
public record Operator(String subject) {}
