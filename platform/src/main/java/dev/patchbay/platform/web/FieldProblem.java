package dev.patchbay.platform.web;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One thing wrong with a request: where, what, and the offending value, which is echoed except for anything
 * under {@code credential}, {@code secret}, {@code token} or {@code authorization}: never echoed.
 */
public record FieldProblem(
        String location,
        String message,
        @JsonInclude(JsonInclude.Include.NON_NULL) Object value) {

    private static final Pattern SENSITIVE = Pattern.compile("credential|secret|token|authorization|password");

    public FieldProblem {
        if (value != null && isSensitive(location)) {
            value = null;
        }
    }

    public static FieldProblem of(String location, String message) {
        return new FieldProblem(location, message, null);
    }

    public static boolean isSensitive(String location) {
        return location != null
                && SENSITIVE.matcher(location.toLowerCase(Locale.ROOT)).find();
    }
}
