package dev.patchbay.probe.connector;

import dev.patchbay.probe.check.CheckFailed;
import dev.patchbay.probe.check.DestinationBlocked;
import dev.patchbay.probe.check.DestinationGuard;
import org.apache.kafka.clients.HostResolver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;

/**
 * The Kafka client's name resolution for one check, through the guard: every host the client is about to connect
 * to, a bootstrap server or a broker the cluster advertises, is checked first, and the client gets only the address
 * the guard checked (under the host's name, for TLS). A blocked host gets an {@link UnknownHostException}, so the
 * client never opens a socket to it, and the check learns of it through {@link #blocked()} instead of waiting for the
 * client to give up.
 */
final class GuardedHostResolver implements HostResolver {

    /** The guard judges addresses, not ports, and Kafka asks for a host only: any valid port does. */
    private static final int ANY_PORT = 9092;

    private final DestinationGuard guard;
    private final CompletableFuture<Void> blocked = new CompletableFuture<>();

    GuardedHostResolver(DestinationGuard guard) {
        this.guard = guard;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        try {
            var destination = guard.check(host, ANY_PORT);
            return new InetAddress[] {destination.socketAddress().getAddress()};
        } catch (DestinationBlocked refused) {
            blocked.complete(null);
            // A fixed text: the client logs it, and the reason is the guard's business.
            throw new UnknownHostException("destination not allowed");
        } catch (CheckFailed unresolved) {
            throw new UnknownHostException("host does not resolve");
        }
    }

    /** Completes when the client asked for a host the guard refused. */
    CompletableFuture<Void> blocked() {
        return blocked;
    }
}
