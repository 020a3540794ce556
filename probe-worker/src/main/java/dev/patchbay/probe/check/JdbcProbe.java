package dev.patchbay.probe.check;

import dev.patchbay.vault.Credential;
import org.springframework.stereotype.Component;

import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A database check: log in at the guard's checked address and run {@code SELECT 1}. The URL is built here from the
 * host (a plain DNS name, or else the checked IP literal), the port and a database name that are validated, so no
 * config value can add driver options (a {@code ?socketFactory=} or the like) to it; the credential travels only in
 * the driver's properties. The host's name stays in the URL because TLS ({@link TlsMode}) checks the certificate
 * against it; the connection still goes only to the checked address, which {@link CheckSockets} pins.
 *
 * <p>Every socket of the check comes from {@link CheckSockets}, pinned to the checked address, and the check has a
 * hard deadline, {@code patchbay.probe.check-timeout}: when it passes, the check's sockets are closed, whatever the
 * server is still sending, and the check is a {@code timeout}. The drivers' own timeouts bound each connect and
 * each read, not the whole: a server that sends a byte every few seconds would otherwise hold the thread forever.
 */
@Component
public final class JdbcProbe {

    /** Plain identifiers only: a name with {@code ?}, {@code /} or {@code &} could smuggle options into the URL. */
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_$.-]{0,62}");

    /** A DNS name whose last label is not a number: safe in a URL, and never read as an address. */
    private static final Pattern DNS_NAME = Pattern.compile(
            "([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    /** Closes the sockets of checks that run out of time; one thread, as it only closes sockets. */
    private static final ScheduledExecutorService DEADLINES = deadlines();

    private final DestinationGuard guard;
    private final ProbeProperties properties;

    public JdbcProbe(DestinationGuard guard, ProbeProperties properties) {
        this.guard = guard;
        this.properties = properties;
    }

    /** The timeouts this worker gives each check. */
    public ProbeProperties properties() {
        return properties;
    }

    /**
     * Connects and runs {@code SELECT 1}.
     *
     * @param scheme the URL's scheme, {@code jdbc:postgresql:} or {@code jdbc:mariadb:}
     * @param driverOptions the driver's own timeout, TLS and safety options; the credential is added here
     * @param tls the connection's TLS mode, as the options apply it: with TLS required, a server that broke off the
     *        connection setup (SQLState class 08, no transport error) is a {@code tls_error}. Both drivers end so
     *        when the server offers no TLS, and say that only in a message, which is never read
     */
    public Outcome selectOne(
            Driver driver,
            String scheme,
            ProbeTarget target,
            Credential credential,
            Properties driverOptions,
            TlsMode tls) {
        var database = target.requiredText("database");
        if (!DATABASE.matcher(database).matches()) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        var host = target.requiredText("host");
        int port = target.port("port");
        Destination destination;
        try {
            destination = guard.check(host, port);
        } catch (DestinationBlocked blocked) {
            return Outcome.failed(Failure.BLOCKED_DESTINATION);
        }
        var name = destination.host().endsWith(".")
                ? destination.host().substring(0, destination.host().length() - 1)
                : destination.host();
        var urlHost = DNS_NAME.matcher(name).matches() ? name : destination.ipLiteral();
        var url = scheme + "//" + urlHost + ":" + port + "/" + database;
        var info = new Properties();
        info.putAll(driverOptions);
        try (var lease = CheckSockets.lease(destination, urlHost)) {
            // PgJDBC reads the first two, MariaDB Connector/J the first and the third; each ignores the others.
            info.setProperty("socketFactory", CheckSockets.class.getName());
            info.setProperty("socketFactoryArg", lease.key());
            info.setProperty(CheckSockets.LEASE_OPTION, lease.key());
            info.setProperty("user", credential.value("username"));
            info.setProperty("password", credential.value("password"));
            var deadline =
                    DEADLINES.schedule(lease::expire, properties.checkTimeout().toMillis(), TimeUnit.MILLISECONDS);
            try {
                var outcome = connectAndSelect(driver, url, info, tls == TlsMode.VERIFY_FULL ? lease : null);
                return lease.expired() && !outcome.isHealthy() ? Outcome.failed(Failure.TIMEOUT) : outcome;
            } finally {
                deadline.cancel(false);
            }
        } finally {
            info.clear();
        }
    }

    /** @param tlsRequired the check's lease when TLS is required, else null */
    private Outcome connectAndSelect(Driver driver, String url, Properties info, CheckSockets.Lease tlsRequired) {
        try (var connection = driver.connect(url, info)) {
            if (connection == null) {
                return Outcome.failed(Failure.UNUSABLE_CONFIG);
            }
            try (var statement = connection.createStatement()) {
                statement.setQueryTimeout(
                        (int) Math.max(1, properties.checkTimeout().toSeconds()));
                try (var rows = statement.executeQuery("SELECT 1")) {
                    return rows.next() && rows.getInt(1) == 1
                            ? Outcome.healthy()
                            : Outcome.failed(Failure.UNEXPECTED_RESPONSE);
                }
            }
        } catch (SQLException e) {
            if (tlsRequired != null
                    && tlsRequired.connected()
                    && e.getSQLState() != null
                    && e.getSQLState().startsWith("08")
                    && Failures.classify(e, null) == null) {
                return Outcome.failed(Failure.TLS_ERROR, e.getSQLState());
            }
            return classify(e);
        } catch (RuntimeException e) {
            return Outcome.failed(Failures.classify(e, Failure.UNEXPECTED_RESPONSE));
        }
    }

    private static ScheduledExecutorService deadlines() {
        var executor = new ScheduledThreadPoolExecutor(1, task -> {
            var thread = new Thread(task, "check-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** By SQLState class and cause types only: a driver's message may quote what the server sent. */
    static Outcome classify(SQLException e) {
        var state = e.getSQLState();
        if (state != null && state.startsWith("28")) {
            return Outcome.failed(Failure.CREDENTIALS_REJECTED, state);
        }
        var transport = Failures.classify(e, null);
        if (transport != null) {
            return Outcome.failed(transport);
        }
        if (state != null && state.startsWith("08")) {
            return Outcome.failed(Failure.UNREACHABLE, state);
        }
        return Outcome.failed(Failure.UNEXPECTED_RESPONSE, state);
    }
}
