package dev.patchbay.probe.refresh;

import java.time.Instant;

/**
 * What a token endpoint answered a refresh grant, already told apart: new tokens, a refusal for good (RFC 6749 §5.2's
 * {@code invalid_grant}, {@code invalid_client}, {@code unauthorized_client}), or a failure that may pass. Nothing of
 * the endpoint's own words is kept ({@code error_description}, {@code error_uri}, a body): only the error code of a
 * refusal, one of three fixed names.
 */
sealed interface TokenAnswer {

    /**
     * New tokens.
     *
     * @param refreshToken the refresh token the endpoint sent, or null when it sent none (the old one is then kept)
     * @param expiresIn the access token's lifetime in seconds, or null when the endpoint did not say
     */
    record Issued(String accessToken, String refreshToken, Long expiresIn) implements TokenAnswer {

        @Override
        public String toString() {
            return "Issued[tokens redacted, refresh token " + (refreshToken == null ? "kept" : "new") + ", expires_in "
                    + expiresIn + "]";
        }
    }

    /** @param error {@code invalid_grant}, {@code invalid_client} or {@code unauthorized_client} */
    record Refused(String error) implements TokenAnswer {}

    /**
     * A failure that may pass: {@code timeout}, {@code unreachable}, {@code tls_error}, {@code server_error},
     * {@code rate_limited} or {@code unexpected_response}.
     *
     * @param retryAfter when the endpoint asked to be left alone until (a 429's or 503's {@code Retry-After}), or null
     */
    record Failed(String code, Instant retryAfter) implements TokenAnswer {}
}
