package dev.patchbay.contracts.problem;

import java.net.URI;

/**
 * The stable, machine-readable errors of the HTTP API (API.md, "Error codes"). {@code type} is a stable URI,
 * {@code title} the short name, {@code code} the {@code PBAY-NNNN} that clients switch on.
 */
public enum ProblemCode {
    VALIDATION_FAILED(400, "PBAY-0001", "validation_failed"),
    KEYS_MISMATCH(400, "PBAY-0002", "keys_mismatch"),
    PARTIAL_CREDENTIAL(400, "PBAY-0003", "partial_credential"),
    VENDOR_IMMUTABLE(400, "PBAY-0004", "vendor_immutable"),
    UNKNOWN_VENDOR(400, "PBAY-0005", "unknown_vendor"),
    INVALID_PAGINATION(400, "PBAY-0006", "invalid_pagination"),
    WEBHOOKS_UNSUPPORTED(400, "PBAY-0009", "webhooks_unsupported"),
    CREDENTIAL_REQUIRED(400, "PBAY-0010", "credential_required"),
    CANDIDATE_UNHEALTHY(422, "PBAY-0011", "candidate_unhealthy"),
    INVALID_EXPIRY(400, "PBAY-0012", "invalid_expiry"),
    PAYLOAD_TOO_LARGE(413, "PBAY-0007", "payload_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "PBAY-0008", "unsupported_media_type"),
    UNAUTHENTICATED(401, "PBAY-0101", "unauthenticated"),
    FORBIDDEN(403, "PBAY-0102", "forbidden"),
    QUOTA_EXCEEDED(403, "PBAY-0103", "quota_exceeded"),
    NOT_FOUND(404, "PBAY-0201", "not_found"),
    METHOD_NOT_ALLOWED(405, "PBAY-0202", "method_not_allowed"),
    NOT_ACCEPTABLE(406, "PBAY-0203", "not_acceptable"),
    DUPLICATE_CONFIG_NAME(409, "PBAY-0301", "duplicate_config_name"),
    VERSION_MISMATCH(412, "PBAY-0302", "version_mismatch"),
    CONCURRENT_UPDATE(409, "PBAY-0303", "concurrent_update"),
    AMBIGUOUS_CONNECTION(409, "PBAY-0304", "ambiguous_connection"),
    RATE_LIMITED(429, "PBAY-0401", "rate_limited"),
    INTERNAL_ERROR(500, "PBAY-0500", "internal_error"),
    NOT_YET_CONSISTENT(503, "PBAY-0501", "not_yet_consistent"),
    PROBE_TIMEOUT(504, "PBAY-0502", "probe_timeout"),
    UNAVAILABLE(503, "PBAY-0503", "unavailable"),
    // The proxy (probe-worker's listener, /v1/connections/{id}/proxy/**): codes of their own, PBAY-06xx.
    PROXY_PATH_REFUSED(400, "PBAY-0601", "proxy_path_refused"),
    NOT_PROXIED(400, "PBAY-0602", "not_proxied"),
    PROXY_BUSY(429, "PBAY-0603", "proxy_busy"),
    CREDENTIAL_UNAVAILABLE(409, "PBAY-0604", "credential_unavailable"),
    DESTINATION_MISMATCH(409, "PBAY-0605", "destination_mismatch"),
    UPSTREAM_UNREACHABLE(502, "PBAY-0606", "upstream_unreachable"),
    BLOCKED_DESTINATION(502, "PBAY-0607", "blocked_destination"),
    CREDENTIAL_ECHOED(502, "PBAY-0608", "credential_echoed"),
    UPSTREAM_TOO_LARGE(502, "PBAY-0609", "upstream_too_large"),
    UPSTREAM_TIMEOUT(504, "PBAY-0610", "upstream_timeout"),
    CIRCUIT_OPEN(503, "PBAY-0611", "circuit_open"),
    CREDENTIAL_REJECTED(502, "PBAY-0612", "credential_rejected"),
    CONNECTION_EXPIRED(409, "PBAY-0613", "connection_expired"),
    AUDIT_UNAVAILABLE(503, "PBAY-0614", "audit_unavailable");

    private static final String TYPE_BASE = "https://patchbay.dev/problems/";

    private final int status;
    private final String code;
    private final String title;

    ProblemCode(int status, String code, String title) {
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public URI type() {
        return URI.create(TYPE_BASE + title.replace('_', '-'));
    }
}
