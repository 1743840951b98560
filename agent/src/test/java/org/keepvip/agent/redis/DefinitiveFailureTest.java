package org.keepvip.agent.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DefinitiveFailure} with real sockets on 127.0.0.1: only a refused connection to a local
 * address is definitive.
 */
class DefinitiveFailureTest {
    private static final Duration CONNECT = Duration.ofMillis(250);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void aClosedLocalPortIsDefinitive() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
        long t0 = System.nanoTime();
        DefinitiveFailure.Verdict v = DefinitiveFailure.afterWatchLoss(closed, CONNECT);
        long micros = (System.nanoTime() - t0) / 1000;
        assertThat(v.definitive()).as(v.reason()).isTrue();
        assertThat(v.reason()).isEqualTo("nothing listens on 127.0.0.1:" + closed.getPort() + " (connection refused)");
        System.out.printf("[definitive] refused connect on a closed localhost port: %d us%n", micros);
    }

    @Test
    void aListeningPortIsNotDefinitiveAndGetsNothingButAConnect() throws Exception {
        ServerSocket s = listen(50);
        DefinitiveFailure.Verdict v = DefinitiveFailure.afterWatchLoss(addressOf(s), CONNECT);
        assertThat(v.definitive()).isFalse();
        assertThat(v.reason()).contains("still accepted");
        try (Socket accepted = s.accept()) {
            accepted.setSoTimeout(2000);
            assertThat(accepted.getInputStream().read()).as("the probe sends nothing and closes").isEqualTo(-1);
        }
    }

    /** The race of a kill -9: the connection is queued by a listener that closes right after. */
    @Test
    void aListenerClosingWithTheConnectionQueuedIsDefinitive() throws Exception {
        ServerSocket s = listen(50);
        DefinitiveFailure.Verdict v = DefinitiveFailure.afterWatchLoss(addressOf(s), CONNECT, () -> {
            try {
                s.close(); // never accepted: the kernel resets the queued connection
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(v.definitive()).as(v.reason()).isTrue();
        assertThat(v.reason()).endsWith("(connection refused)");
    }

    /** Redis at maxclients accepts, answers an error and closes: alive, so ambiguous. */
    @Test
    void anAnsweringListenerIsNotDefinitive() throws Exception {
        ServerSocket s = listen(50);
        Thread server = new Thread(() -> {
            try (Socket c = s.accept()) {
                c.getOutputStream().write("-ERR max number of clients reached\r\n".getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII));
            } catch (java.io.IOException e) {
                // the test fails on the verdict
            }
        }, "test-maxclients");
        server.start();
        DefinitiveFailure.Verdict v = DefinitiveFailure.afterWatchLoss(addressOf(s), Duration.ofSeconds(5));
        server.join(5000);
        assertThat(v.definitive()).as(v.reason()).isFalse();
        assertThat(v.reason()).contains("still accepted (and answered)");
    }

    /**
     * A listener whose accept queue is full drops further SYNs (Linux, tcp_abort_on_overflow 0): the
     * connect times out, as against a hung host or a dropping firewall. Ambiguous.
     */
    @Test
    void aTimeoutIsNotDefinitive() throws Exception {
        ServerSocket s = listen(1);
        InetSocketAddress at = addressOf(s);
        // Never accepted: fill the queue (backlog 1 holds two) until a connect no longer completes.
        boolean full = false;
        for (int i = 0; i < 8 && !full; i++) {
            Socket c = new Socket();
            open.add(c);
            try {
                c.connect(at, 200);
            } catch (java.net.SocketTimeoutException e) {
                full = true;
            }
        }
        assertThat(full).as("the accept queue filled up").isTrue();
        long t0 = System.nanoTime();
        DefinitiveFailure.Verdict v = DefinitiveFailure.afterWatchLoss(at, Duration.ofMillis(100));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(v.definitive()).as(v.reason()).isFalse();
        assertThat(v.reason()).contains("timed out");
        assertThat(ms).as("bounded by the connect timeout").isBetween(90L, 2000L);
    }

    @Test
    void anAddressOfAnotherHostIsNeverProbed() {
        // TEST-NET-1 is on no interface of this host: no connection may even be tried (nothing is sent).
        InetSocketAddress remote = new InetSocketAddress("192.0.2.77", 6379);
        long t0 = System.nanoTime();
        DefinitiveFailure.Verdict v = DefinitiveFailure.afterWatchLoss(remote, Duration.ofSeconds(5));
        assertThat(v.definitive()).isFalse();
        assertThat(v.reason()).isEqualTo("192.0.2.77:6379 is not an address of this host");
        assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(1).toNanos());
        assertThat(DefinitiveFailure.afterWatchLoss(InetSocketAddress.createUnresolved("no-such-host.invalid", 6379),
                CONNECT).definitive()).isFalse();
    }

    @Test
    void localAddresses() throws Exception {
        assertThat(DefinitiveFailure.isLocal(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(DefinitiveFailure.isLocal(InetAddress.getByName("127.3.2.1"))).isTrue();
        assertThat(DefinitiveFailure.isLocal(InetAddress.getByName("::1"))).isTrue();
        assertThat(DefinitiveFailure.isLocal(InetAddress.getByName("0.0.0.0"))).isTrue();
        assertThat(DefinitiveFailure.isLocal(InetAddress.getByName("192.0.2.77"))).isFalse();
        assertThat(DefinitiveFailure.isLocal(InetAddress.getByName("2001:db8::77"))).isFalse();
        // An address on one of this host's interfaces counts, whichever it is.
        var any = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress()).findFirst();
        any.ifPresent(a -> assertThat(DefinitiveFailure.isLocal(a)).as(a.toString()).isTrue());
    }

    private ServerSocket listen(int backlog) throws Exception {
        ServerSocket s = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        open.add(s);
        return s;
    }

    private static InetSocketAddress addressOf(ServerSocket s) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }
}
