package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.query.platform.CursorSigner;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Opaque pagination cursors: base64url of a format byte, the position, the total counted on the first page, and an
 * HMAC-SHA256 over all of it, the tenant and the filters. So a cursor that was altered, forged, or issued to another
 * tenant or for other filters is refused instead of leaking or skipping rows, and later pages need no count: the
 * total travels with the cursor (it is the total of when the first page was read). Cursors of the first format,
 * without a total, are still read.
 */
@Component
class PageCursors {

    private static final byte FORMAT_WITHOUT_TOTAL = 1;
    private static final byte FORMAT = 2;
    private static final int POSITION_BYTES = 8 + 4 + 16;
    private static final int TOTAL_BYTES = 8;
    private static final int MAX_ENCODED_LENGTH = 128;

    private final CursorSigner signer;

    PageCursors(CursorSigner signer) {
        this.signer = signer;
    }

    String encode(TenantId tenant, ConnectionFilter filter, PagePosition position) {
        var positionBytes = ByteBuffer.allocate(POSITION_BYTES + TOTAL_BYTES)
                .putLong(position.createdAt().getEpochSecond())
                .putInt(position.createdAt().getNano())
                .putLong(position.id().getMostSignificantBits())
                .putLong(position.id().getLeastSignificantBits())
                .putLong(position.total())
                .array();
        var cursor = ByteBuffer.allocate(cursorBytes(FORMAT))
                .put(FORMAT)
                .put(positionBytes)
                .put(signer.sign(signed(FORMAT, tenant, filter, positionBytes)))
                .array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(cursor);
    }

    private static int positionBytes(byte format) {
        return format == FORMAT ? POSITION_BYTES + TOTAL_BYTES : POSITION_BYTES;
    }

    private static int cursorBytes(byte format) {
        return 1 + positionBytes(format) + CursorSigner.SIGNATURE_BYTES;
    }

    /** The position, or empty when the cursor is not one this service issued for this tenant and these filters. */
    Optional<PagePosition> decode(TenantId tenant, ConnectionFilter filter, String encoded) {
        if (encoded == null || encoded.isEmpty() || encoded.length() > MAX_ENCODED_LENGTH) {
            return Optional.empty();
        }
        try {
            var bytes = Base64.getUrlDecoder().decode(encoded);
            if (bytes.length == 0 || (bytes[0] != FORMAT && bytes[0] != FORMAT_WITHOUT_TOTAL)) {
                return Optional.empty();
            }
            var format = bytes[0];
            if (bytes.length != cursorBytes(format)) {
                return Optional.empty();
            }
            var positionBytes = Arrays.copyOfRange(bytes, 1, 1 + positionBytes(format));
            var signature = Arrays.copyOfRange(bytes, 1 + positionBytes(format), bytes.length);
            if (!signer.verify(signed(format, tenant, filter, positionBytes), signature)) {
                return Optional.empty();
            }
            var position = ByteBuffer.wrap(positionBytes);
            var createdAt = Instant.ofEpochSecond(position.getLong(), position.getInt());
            var id = new UUID(position.getLong(), position.getLong());
            Long total = format == FORMAT ? position.getLong() : null;
            if (total != null && total < 0) {
                return Optional.empty();
            }
            return Optional.of(new PagePosition(createdAt, id, total));
        } catch (IllegalArgumentException | BufferUnderflowException | DateTimeException malformed) {
            return Optional.empty();
        }
    }

    /** What the signature covers; every string is length-prefixed, so no two different inputs run together. */
    private static byte[] signed(byte format, TenantId tenant, ConnectionFilter filter, byte[] position) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(format);
            for (var part : new String[] {
                "patchbay.connections.cursor",
                tenant.value(),
                filter.vendor(),
                filter.status() == null ? null : filter.status().wireName(),
                filter.health(),
                filter.workspaceId(),
                filter.endUserId()
            }) {
                if (part == null) {
                    out.writeInt(-1);
                } else {
                    var utf8 = part.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(utf8.length);
                    out.write(utf8);
                }
            }
            out.write(position);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
