package dev.patchbay.command.connection;

import dev.patchbay.command.connection.DetailsPatch.Field;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DetailsPatchTest {

    private static final ConnectionDetails CURRENT = new ConnectionDetails(
            "Warehouse", "https://a.example", "acct-1", Map.of("host", "db"), Map.of("team", "data"));

    @Test
    void aPatchFromTheWireNamesWhatWasSentAndNullClearsConfigToAnEmptyMap() {
        var body = new HashMap<String, Object>();
        body.put("account_ref", null);
        body.put("config", null);
        body.put("display_name", "Warehouse (EU)");
        var patch = DetailsPatch.fromWire(body);

        assertThat(patch.named()).containsExactly(Field.DISPLAY_NAME, Field.ACCOUNT_REF, Field.CONFIG);
        assertThat(patch.applyTo(CURRENT))
                .isEqualTo(new ConnectionDetails(
                        "Warehouse (EU)", "https://a.example", null, Map.of(), Map.of("team", "data")));
    }

    @Test
    void aFieldFixedAtCreationIsNotUpdatable() {
        assertThatThrownBy(() -> DetailsPatch.fromWire(Map.of("display_name", "x", "vendor", "pluggy")))
                .isInstanceOfSatisfying(
                        FieldIsNotUpdatable.class, e -> assertThat(e.field()).isEqualTo("vendor"));
    }

    @Test
    void changedListsTheFieldsThatDifferInWireOrder() {
        var after = new ConnectionDetails("Warehouse", "https://b.example", "acct-1", Map.of(), Map.of("team", "ops"));
        assertThat(DetailsPatch.changed(CURRENT, after)).containsExactly("base_url", "config", "metadata");
        assertThat(DetailsPatch.changed(CURRENT, CURRENT)).isEmpty();
        assertThat(DetailsPatch.NONE.applyTo(CURRENT)).isEqualTo(CURRENT);
        assertThat(List.of(Field.values()))
                .extracting(Field::wireName)
                .containsExactly("display_name", "base_url", "account_ref", "config", "metadata");
    }
}
