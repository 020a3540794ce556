package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/** New connection ids: UUIDv7 (RFC 9562), time-ordered so that the event store and read tables index well. */
final class ConnectionIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    static ConnectionId next(Instant now) {
        long millis = now.toEpochMilli();
        long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new ConnectionId(new UUID(high, low));
    }

    private ConnectionIds() {}
}
