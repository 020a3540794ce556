package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionResource.Status;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.query.platform.CursorSigner;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PageCursorsTest {

    private static final TenantId TENANT = TenantId.of("t-cursor");
    private static final PagePosition POSITION =
            new PagePosition(Instant.parse("2026-11-24T10:00:00.123456Z"), UUID.randomUUID(), 100_000L);

    private final PageCursors cursors = new PageCursors(signer("a key that is long enough to sign cursors"));

    @Test
    void aCursorLeadsBackToItsPositionForTheSameTenantAndFilters() {
        var filter = new ConnectionFilter("belvo", Status.ACTIVE, null, "ws-1", null);
        var cursor = cursors.encode(TENANT, filter, POSITION);

        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(cursors.decode(TENANT, filter, cursor)).contains(POSITION);
    }

    @Test
    void theTotalOfTheFirstPageTravelsInTheCursor() {
        var cursor = cursors.encode(TENANT, ConnectionFilter.NONE, POSITION);

        assertThat(cursors.decode(TENANT, ConnectionFilter.NONE, cursor)
                        .orElseThrow()
                        .total())
                .isEqualTo(100_000L);
    }

    @Test
    void aCursorOfTheFirstFormatIsStillReadAndHasNoTotal() {
        var signer = signer("a key that is long enough to sign cursors");
        var position = ByteBuffer.allocate(28)
                .putLong(POSITION.createdAt().getEpochSecond())
                .putInt(POSITION.createdAt().getNano())
                .putLong(POSITION.id().getMostSignificantBits())
                .putLong(POSITION.id().getLeastSignificantBits())
                .array();
        var signed = new ByteArrayOutputStream();
        signed.write(1);
        for (var part : new String[] {"patchbay.connections.cursor", TENANT.value()}) {
            var utf8 = part.getBytes(StandardCharsets.UTF_8);
            signed.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
            signed.writeBytes(utf8);
        }
        for (int i = 0; i < 5; i++) {
            signed.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
        }
        signed.writeBytes(position);
        var cursor = ByteBuffer.allocate(1 + 28 + 32)
                .put((byte) 1)
                .put(position)
                .put(signer.sign(signed.toByteArray()))
                .array();

        var decoded = cursors.decode(
                TENANT,
                ConnectionFilter.NONE,
                Base64.getUrlEncoder().withoutPadding().encodeToString(cursor));

        assertThat(decoded).contains(new PagePosition(POSITION.createdAt(), POSITION.id(), (Long) null));
    }

    @Test
    void aCursorIsRefusedForAnotherTenantOrOtherFilters() {
        var cursor = cursors.encode(TENANT, ConnectionFilter.NONE, POSITION);

        assertThat(cursors.decode(TenantId.of("t-other"), ConnectionFilter.NONE, cursor))
                .isEmpty();
        assertThat(cursors.decode(TENANT, new ConnectionFilter("pluggy", null, null, null, null), cursor))
                .isEmpty();
        assertThat(cursors.decode(TENANT, new ConnectionFilter(null, null, null, null, "pluggy"), cursor))
                .isEmpty();
    }

    @Test
    void filtersCannotBeShiftedFromOneFieldToAnother() {
        var cursor = cursors.encode(TENANT, new ConnectionFilter("x", null, null, null, null), POSITION);

        assertThat(cursors.decode(TENANT, new ConnectionFilter(null, null, null, "x", null), cursor))
                .isEmpty();
    }

    @Test
    void everyAlteredByteIsNoticed() {
        var bytes = Base64.getUrlDecoder().decode(cursors.encode(TENANT, ConnectionFilter.NONE, POSITION));
        for (int i = 0; i < bytes.length; i++) {
            var altered = bytes.clone();
            altered[i] ^= 0x01;
            var cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
            assertThat(cursors.decode(TENANT, ConnectionFilter.NONE, cursor))
                    .as("byte %d altered", i)
                    .isEmpty();
        }
    }

    @Test
    void aCursorSignedWithAnotherKeyIsRefused() {
        var other = new PageCursors(signer("another key that is long enough as well"));

        assertThat(cursors.decode(TENANT, ConnectionFilter.NONE, other.encode(TENANT, ConnectionFilter.NONE, POSITION)))
                .isEmpty();
    }

    @Test
    void garbageIsRefusedWithoutAnException() {
        for (var garbage : new String[] {"", "!!!", "AAAA", "A".repeat(500), "djE6", "=+/"}) {
            assertThat(cursors.decode(TENANT, ConnectionFilter.NONE, garbage))
                    .as(garbage)
                    .isEmpty();
        }
    }

    private static CursorSigner signer(String key) {
        return new CursorSigner(key.getBytes(StandardCharsets.UTF_8));
    }
}
