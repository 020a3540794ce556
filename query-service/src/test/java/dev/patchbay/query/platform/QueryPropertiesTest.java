package dev.patchbay.query.platform;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryPropertiesTest {

    @Test
    void toStringNeverPrintsTheCursorKey() {
        var key = "a-cursor-key-that-must-stay-secret-0123456789";

        var text = new QueryProperties(Duration.ofSeconds(5), key, 3).toString();

        assertThat(text).doesNotContain(key).contains("5S", "3");
    }

    @Test
    void aShortCursorKeyIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> new QueryProperties(Duration.ofSeconds(5), "short-secret", 3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("patchbay.query.cursor-key")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void theConsistencyWaitIsAboveZeroAndUnderAMinute() {
        assertThatThrownBy(() -> new QueryProperties(Duration.ZERO, null, 3)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new QueryProperties(Duration.ofMinutes(2), null, 3))
                .isInstanceOf(IllegalStateException.class);
        assertThatNoException().isThrownBy(() -> new QueryProperties(Duration.ofMillis(300), "k".repeat(32), 3));
    }

    @Test
    void theProjectionRunsOnOneToAsManyThreadsAsTheTopicHasPartitions() {
        assertThatThrownBy(() -> new QueryProperties(Duration.ofSeconds(5), null, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("patchbay.query.projection-concurrency");
        assertThatThrownBy(() -> new QueryProperties(Duration.ofSeconds(5), null, 7))
                .isInstanceOf(IllegalStateException.class);
        assertThatNoException().isThrownBy(() -> new QueryProperties(Duration.ofSeconds(5), null, 1));
        assertThatNoException().isThrownBy(() -> new QueryProperties(Duration.ofSeconds(5), null, 6));
    }
}
