package dev.patchbay.command.connection;

import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.vault.Credential;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * When a credential sent with a create or a rotation expires (issue 21 §3): its object may carry {@code expires_at}
 * (an RFC 3339 instant) or {@code expires_in} (a positive whole number of seconds from the request's time), not both.
 * Neither is secret nor sealed; both are refused with 400 {@code invalid_expiry} (PBAY-0012) when malformed, both
 * sent, not positive, or already past. As everything under {@code credential}, the value is not echoed.
 */
final class CredentialExpiry {

    static final String EXPIRES_AT = "expires_at";
    static final String EXPIRES_IN = "expires_in";

    /** Ten years: beyond that an expiry is a mistake (or an overflow), not a plan. */
    static final Duration LONGEST = Duration.ofDays(3653);

    private CredentialExpiry() {}

    /** The instant the credential expires, to the millisecond; null when it was sent without an expiry. */
    static Instant of(Credential credential, Instant now) {
        var sent = credential.expiry();
        if (sent.isEmpty()) {
            return null;
        }
        if (sent.size() > 1) {
            throw invalid(
                    "body.credential",
                    "carries both expires_at and expires_in; send one",
                    "Send the credential's expiry as expires_at or as expires_in, not both.");
        }
        Instant expiresAt;
        if (sent.containsKey(EXPIRES_AT)) {
            expiresAt = instant(sent.get(EXPIRES_AT));
        } else {
            expiresAt = now.plusSeconds(seconds(sent.get(EXPIRES_IN)));
        }
        expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
        if (!expiresAt.isAfter(now)) {
            throw invalid(
                    "body.credential." + (sent.containsKey(EXPIRES_AT) ? EXPIRES_AT : EXPIRES_IN),
                    "is already in the past",
                    "The credential's expiry has already passed: send a credential that is still valid.");
        }
        if (expiresAt.isAfter(now.plus(LONGEST))) {
            throw invalid(
                    "body.credential." + (sent.containsKey(EXPIRES_AT) ? EXPIRES_AT : EXPIRES_IN),
                    "is more than ten years ahead",
                    "The credential's expiry is more than ten years ahead.");
        }
        return expiresAt;
    }

    private static Instant instant(Object value) {
        if (value instanceof String text) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException malformed) {
                // refused below, without the value
            }
        }
        throw invalid(
                "body.credential." + EXPIRES_AT,
                "must be an RFC 3339 date-time with its offset, such as 2026-12-31T23:59:59Z",
                "The credential's expires_at is not an RFC 3339 date-time.");
    }

    private static long seconds(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            var seconds = new BigInteger(value.toString());
            if (seconds.signum() > 0) {
                return seconds.min(BigInteger.valueOf(LONGEST.toSeconds() + 1)).longValueExact();
            }
        }
        throw invalid(
                "body.credential." + EXPIRES_IN,
                "must be a positive whole number of seconds",
                "The credential's expires_in is not a positive whole number of seconds.");
    }

    private static ApiException invalid(String location, String message, String detail) {
        return new ApiException(ProblemCode.INVALID_EXPIRY, detail, List.of(FieldProblem.of(location, message)));
    }
}
