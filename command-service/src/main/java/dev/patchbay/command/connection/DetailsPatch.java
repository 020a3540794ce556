package dev.patchbay.command.connection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What a PATCH does to a connection's {@link ConnectionDetails}: the fields it names take the values in
 * {@code values} (a null clears one; a cleared config or metadata is an empty map), the others keep theirs.
 */
record DetailsPatch(Set<Field> named, ConnectionDetails values) {

    /** The updatable fields, in the order {@code ConnectionUpdated.changedFields} lists them. */
    enum Field {
        DISPLAY_NAME("display_name", ConnectionDetails::displayName),
        BASE_URL("base_url", ConnectionDetails::baseUrl),
        ACCOUNT_REF("account_ref", ConnectionDetails::accountRef),
        CONFIG("config", ConnectionDetails::config),
        METADATA("metadata", ConnectionDetails::metadata);

        private final String wireName;
        private final Function<ConnectionDetails, Object> value;

        Field(String wireName, Function<ConnectionDetails, Object> value) {
            this.wireName = wireName;
            this.value = value;
        }

        String wireName() {
            return wireName;
        }
    }

    static final DetailsPatch NONE = new DetailsPatch(Set.of(), new ConnectionDetails(null, null, null, null, null));

    DetailsPatch {
        named = named.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(named));
    }

    /**
     * The patch a checked PATCH body stands for: its updatable fields by wire name, each value of its JSON type
     * ({@link ConnectionRequestRules#checkUpdate} has checked both).
     *
     * @throws FieldIsNotUpdatable for a name that is not one of {@link Field}
     */
    @SuppressWarnings("unchecked")
    static DetailsPatch fromWire(Map<String, Object> fields) {
        var named = EnumSet.noneOf(Field.class);
        for (var name : fields.keySet()) {
            named.add(field(name));
        }
        return new DetailsPatch(
                named,
                new ConnectionDetails(
                        (String) fields.get("display_name"),
                        (String) fields.get("base_url"),
                        (String) fields.get("account_ref"),
                        (Map<String, Object>) fields.get("config"),
                        (Map<String, Object>) fields.get("metadata")));
    }

    private static Field field(String wireName) {
        for (var field : Field.values()) {
            if (field.wireName.equals(wireName)) {
                return field;
            }
        }
        throw new FieldIsNotUpdatable(wireName);
    }

    boolean names(Field field) {
        return named.contains(field);
    }

    /** The details after this patch. */
    ConnectionDetails applyTo(ConnectionDetails current) {
        return new ConnectionDetails(
                pick(Field.DISPLAY_NAME, ConnectionDetails::displayName, current),
                pick(Field.BASE_URL, ConnectionDetails::baseUrl, current),
                pick(Field.ACCOUNT_REF, ConnectionDetails::accountRef, current),
                pick(Field.CONFIG, ConnectionDetails::config, current),
                pick(Field.METADATA, ConnectionDetails::metadata, current));
    }

    /** The wire names of the fields whose value differs between the two, in {@link Field} order. */
    static List<String> changed(ConnectionDetails before, ConnectionDetails after) {
        var changed = new ArrayList<String>();
        for (var field : Field.values()) {
            if (!Objects.equals(field.value.apply(before), field.value.apply(after))) {
                changed.add(field.wireName);
            }
        }
        return changed;
    }

    private <T> T pick(Field field, Function<ConnectionDetails, T> value, ConnectionDetails current) {
        return value.apply(names(field) ? values : current);
    }
}
