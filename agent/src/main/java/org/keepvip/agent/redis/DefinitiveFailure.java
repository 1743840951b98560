package org.keepvip.agent.redis;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The one place that decides which failure of the local Redis is definitive, i.e. fails its check at
 * once instead of after {@code fall} failed checks an {@code interval} apart.
 *
 * <p>Exactly one is: the watch connection ({@link RedisLivenessWatch}) dropped, and a new TCP
 * connection to the Redis address, which is an address of this host, is refused. The kernel then
 * says nothing listens on the port: redis-server is gone (killed, crashed, shut down), and waiting
 * for more failed checks can only delay the failover.
 *
 * <p>The drop can be seen before the listener is gone: an exiting process's sockets are closed one
 * after the other in no fixed order (in the tests, 1 kill -9 in 5 dropped the client first), and a
 * listener still accepts, in the kernel, while it waits for its turn. Closing it then resets every
 * connection in its accept queue. So an accepted connection is held, unanswered, for up to the
 * connect timeout: reset or ended without a byte, the listener closed with it queued, and one more
 * connection decides (refused: definitive). A live Redis keeps it open (or, at {@code maxclients},
 * answers with an error before closing it): ambiguous.
 *
 * <p>Everything else stays ambiguous and keeps rise/fall: the reconnect succeeds (Redis closed our
 * connection itself: {@code timeout}, {@code CLIENT KILL}, {@code maxclients}, or it restarted
 * already), times out (hung or overloaded host, a full accept queue, a firewall dropping), fails
 * otherwise (no route, no memory), and every answer of a Redis that does answer (LOADING, BUSY, a
 * slow PING, an authentication or TLS error). So is a refusal from an address of another host: a
 * firewall's reject looks the same there.
 */
final class DefinitiveFailure {

    private DefinitiveFailure() {
    }

    /** What one reconnect attempt found: definitive or not, and why, for the log. */
    record Verdict(boolean definitive, String reason) {
    }

    /**
     * Tries a TCP connection to {@code redis} after its watch connection dropped (nothing is sent
     * on it; see the class comment for the second one). Sends nothing at all when the address is
     * not local. Bounded by twice {@code timeout} (three times when the listener closes meanwhile);
     * never throws.
     */
    static Verdict afterWatchLoss(InetSocketAddress redis, Duration timeout) {
        return afterWatchLoss(redis, timeout, () -> { });
    }

    /** As above; {@code accepted} runs once the first connection is up (tests close the listener there). */
    static Verdict afterWatchLoss(InetSocketAddress redis, Duration timeout, Runnable accepted) {
        String where = redis.isUnresolved() ? redis.getHostString() + ":" + redis.getPort()
                : redis.getAddress().getHostAddress() + ":" + redis.getPort();
        if (redis.isUnresolved() || !isLocal(redis.getAddress())) {
            return new Verdict(false, where + " is not an address of this host");
        }
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket s = new Socket()) {
            s.connect(redis, millis);
            accepted.run();
            s.setSoTimeout(millis);
            try {
                if (s.getInputStream().read() >= 0) {
                    return new Verdict(false, "a connection to " + where + " is still accepted (and answered)");
                }
            } catch (SocketTimeoutException e) {
                return new Verdict(false, "a connection to " + where + " is still accepted");
            } catch (IOException e) {
                // reset: the listener closed with our connection in its queue
            }
        } catch (IOException e) {
            return refusedOrNot(e, where);
        }
        try (Socket again = new Socket()) {
            again.connect(redis, millis);
            return new Verdict(false, "a connection to " + where + " is accepted again");
        } catch (IOException e) {
            return refusedOrNot(e, where);
        }
    }

    private static Verdict refusedOrNot(IOException e, String where) {
        if (refused(e)) {
            return new Verdict(true, "nothing listens on " + where + " (connection refused)");
        }
        return new Verdict(false, "reconnect to " + where + " failed: " + e);
    }

    /** ECONNREFUSED: the kernel answered the SYN with a reset (a timeout or an unreachable network is not). */
    static boolean refused(IOException e) {
        // Java reports ECONNREFUSED and ETIMEDOUT alike as ConnectException; only the message tells them apart.
        return e instanceof ConnectException && e.getMessage() != null
                && e.getMessage().startsWith("Connection refused");
    }

    /** Loopback, the wildcard, or an address assigned to one of this host's interfaces (in our namespace). */
    static boolean isLocal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
