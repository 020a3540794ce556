package dev.patchbay.probe.check;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

/**
 * Classifies a transport failure by the exception types in its cause chain, never by a message: a message may hold
 * what the peer sent.
 */
public final class Failures {

    private Failures() {}

    /** The failure a transport exception means, or {@code otherwise} when its chain names none. */
    public static Failure classify(Throwable thrown, Failure otherwise) {
        for (var cause = thrown; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            var name = cause.getClass().getName();
            if (cause instanceof SSLException || name.equals("io.netty.handler.ssl.NotSslRecordException")) {
                return Failure.TLS_ERROR;
            }
            if (cause instanceof SocketTimeoutException
                    || cause instanceof TimeoutException
                    || cause instanceof java.sql.SQLTimeoutException
                    || name.equals("io.netty.channel.ConnectTimeoutException")
                    || name.equals("io.netty.handler.timeout.ReadTimeoutException")
                    || name.equals("org.apache.kafka.common.errors.TimeoutException")) {
                return Failure.TIMEOUT;
            }
            if (cause instanceof ConnectException
                    || cause instanceof NoRouteToHostException
                    || cause instanceof PortUnreachableException
                    || cause instanceof UnknownHostException
                    || cause instanceof UnresolvedAddressException) {
                return Failure.UNREACHABLE;
            }
        }
        return otherwise;
    }
}
