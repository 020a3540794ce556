package dev.patchbay.command.connection;

import dev.patchbay.command.platform.ConnectorTypes;
import dev.patchbay.command.platform.LiveTestProperties;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connector.Category;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.PrintableText;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.vault.Credential;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The contract's rules for a connection's fields (API.md, "Resource: connection"), checked all at once so that a
 * client sees every problem of a request in one answer. Plain field errors come first (PBAY-0001), then an unknown
 * vendor (PBAY-0005), then credential keys (PBAY-0002).
 */
@Component
class ConnectionRequestRules {

    static final Pattern CONFIG_NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");
    static final Pattern SCOPE_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$");
    /** Keys that name a secret have no place in config or metadata, which are stored and published in clear. */
    static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential|authorization).*");

    /**
     * Config keys that match {@link #SECRET_KEY} but name no secret: an OAuth2 type's token endpoint is where tokens
     * are obtained, a URL, and part of the connection's destination.
     */
    static final Set<String> NAMES_NO_SECRET = Set.of("body.config.token_endpoint");

    static final int MAX_DISPLAY_NAME = 128;
    static final int MAX_ACCOUNT_REF = 256;
    static final int MAX_METADATA_KEYS = 64;
    static final int MAX_MAP_BYTES = 32 * 1024;

    private final ConnectorTypes types;
    private final LiveTestProperties probe;
    private final JsonMapper json;

    ConnectionRequestRules(ConnectorTypes types, LiveTestProperties probe, JsonMapper json) {
        this.types = types;
        this.probe = probe;
        this.json = json;
    }

    /** A create request that passed every rule, with its connector type and normalised values. */
    record ValidCreate(ConnectorTypeRegistered type, Scope scope, String scopeKey, String baseUrl) {}

    ValidCreate checkCreate(CreateConnectionRequest request) {
        var errors = new ArrayList<FieldProblem>();
        require(errors, "body.vendor", request.vendor());
        require(errors, "body.config_name", request.configName());
        if (request.configName() != null
                && !CONFIG_NAME.matcher(request.configName()).matches()) {
            errors.add(new FieldProblem(
                    "body.config_name",
                    "must match " + CONFIG_NAME.pattern() + " (lower case, at most 63 characters)",
                    request.configName()));
        }
        if (request.credential() == null) {
            errors.add(FieldProblem.of("body.credential", "is required"));
        }
        checkDisplayName(errors, request.displayName());
        if (request.accountRef() != null
                && (request.accountRef().isBlank()
                        || request.accountRef().length() > MAX_ACCOUNT_REF
                        || !PrintableText.isPrintable(request.accountRef()))) {
            errors.add(new FieldProblem(
                    "body.account_ref",
                    "must be 1 to " + MAX_ACCOUNT_REF + " printable characters",
                    request.accountRef()));
        }
        var scope = checkScope(errors, request.scope(), request.workspaceId(), request.endUserId());
        checkMap(errors, "body.config", request.config(), Integer.MAX_VALUE);
        checkMap(errors, "body.metadata", request.metadata(), MAX_METADATA_KEYS);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }

        var type = registered(request.vendor());

        checkCredentialKeys(type, request.credential().fieldNames());
        checkCredentialValues(errors, request.credential());
        checkRequiredConfig(errors, type, request.config());
        checkTokenEndpoint(errors, type, request.config());
        var baseUrl = checkBaseUrl(errors, type, request.baseUrl());
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new ValidCreate(type, scope, scopeKey(scope, request.workspaceId(), request.endUserId()), baseUrl);
    }

    /**
     * A PATCH that passed every rule, typed: what it does to the connection's details (absent fields untouched, a
     * null clears one, the base URL normalised) and the vendor's registered type.
     */
    record ValidUpdate(DetailsPatch changes, ConnectorTypeRegistered type) {}

    /**
     * Checks a PATCH body (credential already taken out of it) against the connection's vendor, and parses it into a
     * {@link DetailsPatch}. The body arrives as the JSON object it is, not as a typed request: merge-patch tells a
     * field that is absent (keep it) from one that is null (clear it), and a 400 lists every wrongly typed field at
     * once, neither of which a data-bound class could answer. Past this method nothing sees the untyped body. A
     * credential must be complete: some secret fields only is a partial credential (PBAY-0003), others a mismatch
     * (PBAY-0002).
     */
    ValidUpdate checkUpdate(Map<String, Object> body, Credential credential, String vendor) {
        var errors = new ArrayList<FieldProblem>();
        var fields = new LinkedHashMap<String, Object>();
        body.forEach((name, value) -> {
            var location = "body." + name;
            switch (name) {
                case "vendor" -> {
                    if (!vendor.equals(value)) {
                        throw new ApiException(
                                ProblemCode.VENDOR_IMMUTABLE,
                                "A connection's vendor cannot change; " + "create a new connection instead.",
                                List.of(new FieldProblem(location, "must be " + vendor + " or left out", value)));
                    }
                }
                case "display_name", "account_ref", "base_url" -> {
                    if (value != null && !(value instanceof String)) {
                        errors.add(FieldProblem.of(location, "must be a string or null"));
                    } else {
                        fields.put(name, value);
                    }
                }
                case "config", "metadata" -> {
                    if (value != null && !(value instanceof Map)) {
                        errors.add(FieldProblem.of(location, "must be an object or null"));
                    } else {
                        fields.put(name, value);
                    }
                }
                default -> errors.add(FieldProblem.of(location, "is not a field that can be updated"));
            }
        });
        checkDisplayName(errors, (String) fields.get("display_name"));
        if (fields.get("account_ref") instanceof String ref
                && (ref.isBlank() || ref.length() > MAX_ACCOUNT_REF || !PrintableText.isPrintable(ref))) {
            errors.add(new FieldProblem(
                    "body.account_ref", "must be 1 to " + MAX_ACCOUNT_REF + " printable characters", ref));
        }
        checkMap(errors, "body.config", asMap(fields.get("config")), Integer.MAX_VALUE);
        checkMap(errors, "body.metadata", asMap(fields.get("metadata")), MAX_METADATA_KEYS);
        if (fields.isEmpty() && credential == null && errors.isEmpty()) {
            errors.add(FieldProblem.of("body", "names nothing to update"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        var type = registered(vendor);
        if (credential != null) {
            checkRotation(type, credential.fieldNames());
            checkCredentialValues(errors, credential);
        }
        if (fields.containsKey("config")) {
            checkRequiredConfig(errors, type, asMap(fields.get("config")));
            checkTokenEndpoint(errors, type, asMap(fields.get("config")));
        }
        if (fields.containsKey("base_url")) {
            fields.put("base_url", checkBaseUrl(errors, type, (String) fields.get("base_url")));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new ValidUpdate(DetailsPatch.fromWire(fields), type);
    }

    /**
     * The registered type of a vendor: the one a create names, or an existing connection's (whose type no running
     * probe worker may have registered right now).
     */
    private ConnectorTypeRegistered registered(String vendor) {
        return types.find(vendor)
                .orElseThrow(() -> new ApiException(
                        ProblemCode.UNKNOWN_VENDOR,
                        "No connector type '" + vendor
                                + "' is registered by a running probe worker; GET /v1/connector-types " + "lists them.",
                        List.of(new FieldProblem("body.vendor", "is not a registered connector type", vendor))));
    }

    /** A webhook signing secret: a string of 16 to 512 characters. */
    static void checkWebhookSecret(Credential secret) {
        if (secret == null
                || !secret.fieldNames().equals(Set.of("secret"))
                || !secret.expiry().isEmpty()) {
            throw ApiException.invalid(List.of(FieldProblem.of("body.secret", "is required, and is the only field")));
        }
        if (!secret.fieldsNotText().isEmpty()) {
            throw ApiException.invalid(List.of(FieldProblem.of("body.secret", "must be a string")));
        }
        int length = secret.value("secret").length();
        if (length < 16 || length > 512) {
            throw ApiException.invalid(List.of(FieldProblem.of("body.secret", "must be 16 to 512 characters")));
        }
    }

    private static void checkRotation(ConnectorTypeRegistered type, Set<String> sent) {
        var expected = new TreeSet<>(type.secretFields());
        var allowed = new TreeSet<>(expected);
        allowed.addAll(type.optionalSecretFields());
        if (!sent.containsAll(expected) && allowed.containsAll(sent)) {
            var missing = new TreeSet<>(expected);
            missing.removeAll(sent);
            throw new ApiException(
                    ProblemCode.PARTIAL_CREDENTIAL,
                    "A rotation replaces the whole credential: send " + "every one of " + expected
                            + ", or leave credential out to keep the current one.",
                    missing.stream()
                            .map(m -> FieldProblem.of("body.credential." + m, "is required to rotate"))
                            .toList());
        }
        checkCredentialKeys(type, sent);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    static String scopeKey(Scope scope, String workspaceId, String endUserId) {
        return ScopeKeys.of(scope, workspaceId, endUserId);
    }

    private static void require(List<FieldProblem> errors, String location, String value) {
        if (value == null || value.isBlank()) {
            errors.add(FieldProblem.of(location, "is required"));
        }
    }

    private static void checkDisplayName(List<FieldProblem> errors, String displayName) {
        if (displayName != null
                && (displayName.isBlank()
                        || displayName.codePointCount(0, displayName.length()) > MAX_DISPLAY_NAME
                        || !PrintableText.isPrintable(displayName))) {
            errors.add(new FieldProblem(
                    "body.display_name", "must be 1 to " + MAX_DISPLAY_NAME + " printable characters", displayName));
        }
    }

    private static Scope checkScope(List<FieldProblem> errors, String scopeName, String workspaceId, String endUserId) {
        var scope =
                scopeName == null ? Scope.ORGANIZATION : Scope.parse(scopeName).orElse(null);
        if (scope == null) {
            errors.add(new FieldProblem("body.scope", "must be organization, workspace or user", scopeName));
            return Scope.ORGANIZATION;
        }
        checkScopeId(errors, "body.workspace_id", workspaceId);
        checkScopeId(errors, "body.end_user_id", endUserId);
        switch (scope) {
            case ORGANIZATION -> {
                if (workspaceId != null || endUserId != null) {
                    errors.add(FieldProblem.of(
                            "body.scope", "an organization connection takes neither workspace_id nor end_user_id"));
                }
            }
            case WORKSPACE -> {
                if (workspaceId == null) {
                    errors.add(FieldProblem.of("body.workspace_id", "is required for scope workspace"));
                }
                if (endUserId != null) {
                    errors.add(FieldProblem.of("body.end_user_id", "is only for scope user"));
                }
            }
            case USER -> {
                if (endUserId == null) {
                    errors.add(FieldProblem.of("body.end_user_id", "is required for scope user"));
                }
            }
        }
        return scope;
    }

    private static void checkScopeId(List<FieldProblem> errors, String location, String value) {
        if (value != null && !SCOPE_ID.matcher(value).matches()) {
            errors.add(new FieldProblem(location, "must match " + SCOPE_ID.pattern(), value));
        }
    }

    private void checkMap(List<FieldProblem> errors, String location, Map<String, Object> map, int maxKeys) {
        if (map == null) {
            return;
        }
        if (map.size() > maxKeys) {
            errors.add(FieldProblem.of(location, "has " + map.size() + " keys; at most " + maxKeys + " are allowed"));
        }
        int bytes = json.writeValueAsString(map).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_MAP_BYTES) {
            errors.add(FieldProblem.of(
                    location, "is " + bytes + " bytes serialised; at most " + MAX_MAP_BYTES + " are allowed"));
        }
        if (holdsNul(map)) {
            // PostgreSQL's text and jsonb cannot hold it, so the read side could never store this connection
            errors.add(FieldProblem.of(location, "has a key or a string value with the NUL character (U+0000)"));
        }
        for (var key : map.keySet()) {
            if (key.isBlank() || key.length() > 128 || !PrintableText.isPrintable(key)) {
                errors.add(FieldProblem.of(
                        location,
                        "has a key that is empty, longer than 128 characters or has " + "control characters"));
            }
        }
        screenSecretKeys(errors, location, map);
    }

    /**
     * Refuses a key that names a secret at any depth, in objects and in objects inside arrays: config and metadata
     * are stored and published in clear, so {@code {"headers": {"Authorization": "..."}}} must not get in any more
     * than a top-level {@code api_key} does. The location names the key's full path ({@code [i]} for an array
     * element); the value is never echoed.
     */
    private static void screenSecretKeys(List<FieldProblem> errors, String location, Object value) {
        if (value instanceof Map<?, ?> map) {
            for (var entry : map.entrySet()) {
                var key = String.valueOf(entry.getKey());
                var here = location + "." + key;
                if (SECRET_KEY.matcher(key).matches() && !NAMES_NO_SECRET.contains(here)) {
                    errors.add(FieldProblem.of(here, "looks like a secret; secrets go in credential, which is sealed"));
                } else {
                    screenSecretKeys(errors, here, entry.getValue());
                }
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                screenSecretKeys(errors, location + "[" + i + "]", list.get(i));
            }
        }
    }

    /**
     * The credential's keys: every one of the type's secret fields, and of its optional secret fields (an OAuth2
     * refresh token) any or none; nothing else. Its expiry ({@code expires_at} or {@code expires_in}) is no key: it
     * was taken out of the credential as it was read.
     */
    private static void checkCredentialKeys(ConnectorTypeRegistered type, Set<String> sent) {
        var expected = new TreeSet<>(type.secretFields());
        var optional = new TreeSet<>(type.optionalSecretFields());
        if (sent.containsAll(expected) && sent.stream().allMatch(k -> expected.contains(k) || optional.contains(k))) {
            return;
        }
        var errors = new ArrayList<FieldProblem>();
        for (var missing : expected) {
            if (!sent.contains(missing)) {
                errors.add(FieldProblem.of("body.credential." + missing, "is required by " + type.vendor()));
            }
        }
        var takes = optional.isEmpty() ? "exactly " + expected : expected + ", and optionally " + optional;
        for (var extra : sent) {
            if (!expected.contains(extra) && !optional.contains(extra)) {
                errors.add(FieldProblem.of(
                        "body.credential",
                        "has a key that " + type.vendor() + " does not take (expected " + takes + ")"));
            }
        }
        throw new ApiException(
                ProblemCode.KEYS_MISMATCH,
                "The credential's keys must be " + takes + " for " + type.vendor() + ".",
                errors);
    }

    private static void checkCredentialValues(List<FieldProblem> errors, Credential credential) {
        for (var field : credential.fieldsNotText()) {
            errors.add(FieldProblem.of("body.credential." + field, "must be a string"));
        }
        for (var field : credential.emptyFields()) {
            errors.add(FieldProblem.of("body.credential." + field, "must not be empty"));
        }
    }

    private static void checkRequiredConfig(
            List<FieldProblem> errors, ConnectorTypeRegistered type, Map<String, Object> config) {
        for (var key : type.requiredConfig()) {
            var value = config == null ? null : config.get(key);
            if (value == null || value instanceof String text && text.isBlank()) {
                errors.add(FieldProblem.of("body.config." + key, "is required by " + type.vendor()));
            }
        }
    }

    /**
     * An OAuth2 type's token endpoint (config {@code token_endpoint}, where the type requires one) is where its
     * client secret and refresh token are sent: an absolute https URL (http only where insecure http is allowed),
     * without user info, query or fragment. It is part of the connection's destination. Never echoed, as a base URL.
     */
    private void checkTokenEndpoint(
            List<FieldProblem> errors, ConnectorTypeRegistered type, Map<String, Object> config) {
        if (config == null || !type.requiredConfig().contains(TOKEN_ENDPOINT)) {
            return;
        }
        var value = config.get(TOKEN_ENDPOINT);
        if (value == null || value instanceof String text && text.isBlank()) {
            return; // checkRequiredConfig says so
        }
        if (!(value instanceof String endpoint)) {
            errors.add(FieldProblem.of("body.config." + TOKEN_ENDPOINT, "must be a URL"));
            return;
        }
        // the rules of a base URL: config is stored and published in clear, so no user info and no query, where a
        // client secret could hide
        var problem = baseUrlProblem(endpoint);
        if (problem != null) {
            errors.add(FieldProblem.of("body.config." + TOKEN_ENDPOINT, problem));
        }
    }

    static final String TOKEN_ENDPOINT = "token_endpoint";

    private String checkBaseUrl(List<FieldProblem> errors, ConnectorTypeRegistered type, String baseUrl) {
        if (baseUrl == null) {
            if (Category.REST.wireName().equals(type.category())) {
                errors.add(FieldProblem.of("body.base_url", "is required for " + type.category() + " vendors"));
            }
            return null;
        }
        var problem = baseUrlProblem(baseUrl);
        if (problem != null) {
            // A URL may carry a credential (user info, a query token): it is never echoed.
            errors.add(FieldProblem.of("body.base_url", problem));
            return null;
        }
        if (!type.allowedHosts().isEmpty()
                && !type.allowedHosts().contains(URI.create(baseUrl).getHost().toLowerCase(Locale.ROOT))) {
            // An aggregator is reached only at its own hosts; another one is an operator's setting, not a tenant's.
            errors.add(new FieldProblem(
                    "body.base_url",
                    "must name one of the hosts allowed for " + type.vendor() + ": " + type.allowedHosts(),
                    baseUrl));
            return null;
        }
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    private String baseUrlProblem(String baseUrl) {
        URI uri;
        try {
            uri = new URI(baseUrl);
        } catch (URISyntaxException e) {
            return "is not a URL";
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null) {
            return "must be an absolute URL with a host";
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && probe.allowInsecureHttp())) {
            return "must use https";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not contain user info; credentials go in credential";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "must not have a query or fragment";
        }
        if (baseUrl.length() > 2048) {
            return "must be at most 2048 characters";
        }
        return null;
    }

    /** Whether a key or string anywhere in that JSON value holds U+0000. */
    private static boolean holdsNul(Object value) {
        if (value instanceof String text) {
            return text.indexOf('\u0000') >= 0;
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().anyMatch(entry -> holdsNul(entry.getKey()) || holdsNul(entry.getValue()));
        }
        if (value instanceof Collection<?> list) {
            return list.stream().anyMatch(ConnectionRequestRules::holdsNul);
        }
        return false;
    }
}
