package dev.patchbay.command.connection;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionIdsTest {

    @Test
    void idsAreVersion7AndOrderedByTime() {
        var earlier = ConnectionIds.next(Instant.parse("2026-11-24T10:00:00Z"));
        var later = ConnectionIds.next(Instant.parse("2026-11-24T10:00:01Z"));

        assertThat(earlier.value().version()).isEqualTo(7);
        assertThat(earlier.value().variant()).isEqualTo(2);
        assertThat(earlier.toString()).isLessThan(later.toString());
    }
}
