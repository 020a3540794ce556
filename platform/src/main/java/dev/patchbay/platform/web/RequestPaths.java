package dev.patchbay.platform.web;

import java.util.regex.Pattern;

/**
 * Request paths as they may be written anywhere (logs, problem instances, metrics): a webhook delivery's path holds
 * its raw token, which is never written out.
 */
public final class RequestPaths {

    private static final Pattern WEBHOOK_DELIVERY = Pattern.compile("^(/v1/webhooks/(?!tokens/)[^/]+/)[^/]+(/?)$");

    public static String redacted(String path) {
        return path == null ? null : WEBHOOK_DELIVERY.matcher(path).replaceFirst("$1{token}$2");
    }

    private RequestPaths() {}
}
