package dev.patchbay.vault;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A credential in plaintext: the values of a connector type's secret fields. It exists only between a request and
 * its sealing, and inside a probe. It cannot be written as JSON, its {@code toString} names the fields only, and
 * {@link #close()} wipes the values.
 */
public final class Credential implements AutoCloseable {

    /**
     * The members of a credential object that are not secret but say when it expires ({@code expires_at}, an RFC 3339
     * instant, or {@code expires_in}, seconds): kept apart from the secret fields, never sealed, never fingerprinted.
     */
    public static final Set<String> EXPIRY_FIELDS = Set.of("expires_at", "expires_in");

    private final Map<String, byte[]> values;
    private final Set<String> notText;
    private final Map<String, Object> expiry;

    private Credential(Map<String, byte[]> values, Set<String> notText) {
        this(values, notText, Map.of());
    }

    private Credential(Map<String, byte[]> values, Set<String> notText, Map<String, Object> expiry) {
        this.values = values;
        this.notText = notText;
        this.expiry = expiry;
    }

    /**
     * The credential of a request body. A value that is not a string is kept as a field name only, so validation
     * can name it without ever holding or echoing its value. {@link #EXPIRY_FIELDS} are no secret fields: they are
     * kept apart, as sent, for {@link #expiry()}.
     */
    @JsonCreator
    public static Credential fromJson(Map<String, Object> body) {
        var values = new TreeMap<String, byte[]>();
        var notText = new TreeSet<String>();
        var expiry = new TreeMap<String, Object>();
        body.forEach((name, value) -> {
            if (EXPIRY_FIELDS.contains(name)) {
                expiry.put(name, value);
            } else if (value instanceof String text) {
                values.put(name, text.getBytes(StandardCharsets.UTF_8));
            } else {
                notText.add(name);
            }
        });
        return new Credential(values, notText, Collections.unmodifiableMap(expiry));
    }

    /**
     * The expiry members the credential object was sent with ({@code expires_at}, {@code expires_in}), as sent (a
     * string, a number, or anything else a client put there): for the caller to check; empty when none was sent.
     */
    public Map<String, Object> expiry() {
        return expiry;
    }

    public static Credential of(Map<String, String> fields) {
        var values = new TreeMap<String, byte[]>();
        fields.forEach((name, value) -> values.put(name, value.getBytes(StandardCharsets.UTF_8)));
        return new Credential(values, new TreeSet<>());
    }

    /** Every field name sent, sorted, whatever its value. */
    public Set<String> fieldNames() {
        var names = new TreeSet<>(values.keySet());
        names.addAll(notText);
        return Collections.unmodifiableSet(names);
    }

    /** The fields whose value is not a string. */
    public Set<String> fieldsNotText() {
        return Collections.unmodifiableSet(notText);
    }

    /** The fields whose value is an empty string. */
    public Set<String> emptyFields() {
        var empty = new TreeSet<String>();
        values.forEach((name, value) -> {
            if (value.length == 0) {
                empty.add(name);
            }
        });
        return empty;
    }

    /** One value, for the single use that needs it (a driver's connect call). */
    public String value(String field) {
        var value = values.get(field);
        if (value == null) {
            throw new IllegalArgumentException("the credential has no field " + field);
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    /** The value bytes of every field, in field order: what the fingerprint is computed over. */
    Map<String, byte[]> rawValues() {
        return Collections.unmodifiableMap(values);
    }

    /** The canonical plaintext that is sealed: length-prefixed names and values in field order. */
    byte[] toPlaintext() {
        var out = new ByteArrayOutputStream();
        values.forEach((name, value) -> {
            writeChunk(out, name.getBytes(StandardCharsets.UTF_8));
            writeChunk(out, value);
        });
        return out.toByteArray();
    }

    static Credential fromPlaintext(byte[] plaintext) {
        var buffer = ByteBuffer.wrap(plaintext);
        var values = new LinkedHashMap<String, byte[]>();
        while (buffer.hasRemaining()) {
            var name = new String(readChunk(buffer), StandardCharsets.UTF_8);
            values.put(name, readChunk(buffer));
        }
        return new Credential(new TreeMap<>(values), new TreeSet<>());
    }

    private static void writeChunk(ByteArrayOutputStream out, byte[] chunk) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(chunk.length).array());
        out.writeBytes(chunk);
    }

    private static byte[] readChunk(ByteBuffer buffer) {
        var chunk = new byte[buffer.getInt()];
        buffer.get(chunk);
        return chunk;
    }

    /** Overwrites every value in memory. */
    @Override
    public void close() {
        values.values().forEach(value -> Arrays.fill(value, (byte) 0));
    }

    /** A credential is never written out: this refuses any attempt to serialise it as JSON. */
    @JsonValue
    Object refuseSerialisation() {
        throw new UnsupportedOperationException("a credential is never serialised");
    }

    @Override
    public String toString() {
        return "Credential" + fieldNames() + "(values redacted)";
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
