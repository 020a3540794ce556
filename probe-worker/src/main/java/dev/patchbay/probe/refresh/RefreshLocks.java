package dev.patchbay.probe.refresh;

import com.zaxxer.hikari.HikariDataSource;
import dev.patchbay.contracts.connection.ConnectionId;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * One refresh per connection at a time, across every worker: a PostgreSQL session-level advisory lock on a key
 * derived from the connection id, held on a database connection of its own for the whole refresh and given back in
 * {@code close}. A worker that dies loses its session and so its locks; nothing is left to clean up.
 *
 * <p>The connections come from a small pool of their own, the only writable one of the worker: the worker's main
 * pool is read-only sessions, and a refresher writes one row, the staged credential (through the vault's store, on
 * the very connection that holds the lock). The pool is not a {@code DataSource} bean, so Boot's own (read-only)
 * pool stays the worker's only one for everything else.
 */
@Component
final class RefreshLocks {

    /**
     * The first key of the two-key advisory locks ({@code pg_try_advisory_lock(int, int)}), whose key space is apart
     * from the one-key locks': 2103, after issue 21 §3. The second key is the connection id's hash: two connections
     * that share it only wait for each other.
     */
    static final int LOCK_SPACE = 2103;

    private static final Logger log = LoggerFactory.getLogger(RefreshLocks.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final HikariDataSource pool;

    RefreshLocks(DataSourceProperties database, RefreshProperties properties) {
        pool = database.initializeDataSourceBuilder()
                .type(HikariDataSource.class)
                .build();
        pool.setPoolName("refresh-locks");
        pool.setReadOnly(false);
        // the refreshers of requests, and as many calls through the proxy renewing at once
        pool.setMaximumPoolSize(2 * properties.concurrency());
        pool.setMinimumIdle(0);
        pool.setConnectionTimeout(5_000);
        pool.setAutoCommit(true);
    }

    @PreDestroy
    void close() {
        pool.close();
    }

    /** A held lock: the connection that holds it, for the reads and the one write made under it. */
    final class Held implements AutoCloseable {

        private final Connection connection;
        private final ConnectionId id;
        private final JdbcClient jdbc;

        private Held(Connection connection, ConnectionId id) {
            this.connection = connection;
            this.id = id;
            this.jdbc = JdbcClient.create(new SingleConnectionDataSource(connection, true));
        }

        JdbcClient jdbc() {
            return jdbc;
        }

        @Override
        public void close() {
            try (connection) {
                try (var unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                    unlock.setInt(1, LOCK_SPACE);
                    unlock.setInt(2, id.value().hashCode());
                    unlock.execute();
                }
            } catch (SQLException e) {
                // The connection goes back to the pool broken, and Hikari drops it: the session, and its lock, end.
                log.warn("The refresh lock of connection {} was not released cleanly: {}", id, e.getSQLState());
            }
        }
    }

    /**
     * Takes the connection's lock, waiting up to {@code wait} for another refresher to let go of it. Empty when it
     * stayed taken all that time.
     */
    Optional<Held> hold(ConnectionId id, Duration wait) {
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException("no database connection for the refresh lock (" + e.getSQLState() + ")");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try (var lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            lock.setInt(1, LOCK_SPACE);
            lock.setInt(2, id.value().hashCode());
            while (true) {
                try (var result = lock.executeQuery()) {
                    if (result.next() && result.getBoolean(1)) {
                        return Optional.of(new Held(connection, id));
                    }
                }
                if (System.nanoTime() > deadline) {
                    connection.close();
                    return Optional.empty();
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(connection);
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw new IllegalStateException("the refresh lock could not be taken ("
                    + (e instanceof SQLException sql
                            ? sql.getSQLState()
                            : e.getClass().getName()) + ")");
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already broken: the pool drops it
        }
    }
}
