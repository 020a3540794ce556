package dev.patchbay.platform;

/**
 * The one rule for text that Patchbay stores, logs and puts on events from a request or a token (a tenant, a subject,
 * a display name, a config key): no control character (C0, DEL, C1) and no line or paragraph separator (U+2028,
 * U+2029). PostgreSQL refuses a NUL in text, so such a value would fail in the read tables for ever, and a line break
 * in a log line forges another line.
 */
public final class PrintableText {

    private PrintableText() {}

    public static boolean isPrintable(String text) {
        return text.codePoints().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029);
    }
}
