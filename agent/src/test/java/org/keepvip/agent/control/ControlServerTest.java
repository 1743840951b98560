package org.keepvip.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlServerTest {
    private Path dir;
    private Path sock;
    private ControlServer server;
    private final AtomicInteger reloads = new AtomicInteger();
    private volatile boolean rejectReload;
    private volatile boolean explode;

    private final ControlHandler handler = new ControlHandler() {
        @Override
        public StatusSnapshot status() {
            if (explode) {
                throw new IllegalStateException("loop is gone");
            }
            return Snapshots.sample();
        }

        @Override
        public ControlResponse reload() {
            reloads.incrementAndGet();
            return rejectReload ? ControlResponse.error("keepalived.conf line 3: unknown keyword 'foo'")
                    : ControlResponse.ok("reloaded: 2 instances kept");
        }

        @Override
        public ControlResponse switchover(String instance, String to) {
            return ControlResponse.ok("switchover " + instance + " to " + to);
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("kvt-ctl");
        sock = dir.resolve("run/keepvip.sock");
        server = ControlServer.start(sock, handler, Duration.ofMillis(400));
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private ControlClient client() {
        return new ControlClient(sock, Duration.ofSeconds(5));
    }

    /** Sends raw bytes and returns the raw answer line (null if closed without one). */
    private String raw(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            return LineChannel.readLine(ch, System.nanoTime() + 5_000_000_000L, 1 << 20);
        }
    }

    private static ControlResponse parse(String line) {
        return Json.LINE.fromJson(line, ControlResponse.class);
    }

    @Test
    void statusRoundTrip() throws Exception {
        assertThat(client().status()).isEqualTo(Snapshots.sample());
    }

    @Test
    void socketIsMode0660() throws Exception {
        assertThat(Files.getPosixFilePermissions(sock)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
    }

    @Test
    void reloadAndSwitchoverReachTheHandler() throws Exception {
        assertThat(client().reload()).isEqualTo(ControlResponse.ok("reloaded: 2 instances kept"));
        rejectReload = true;
        ControlResponse r = client().reload();
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("keepalived.conf line 3: unknown keyword 'foo'");
        assertThat(reloads).hasValue(2);
        assertThat(client().switchover("VI_1", "192.0.2.2").message()).isEqualTo("switchover VI_1 to 192.0.2.2");
        assertThat(client().switchover("VI_1", null).message()).isEqualTo("switchover VI_1 to null");
    }

    @Test
    void garbageGetsAnErrorAndTheServerKeepsServing() throws Exception {
        assertThat(parse(raw("{\"cmd\":\n")).error()).isEqualTo("bad request: not JSON");
        assertThat(parse(raw("hello\n")).error()).isEqualTo("bad request: not JSON");
        assertThat(parse(raw("{cmd:reload}\n")).error()).as("strict JSON only").isEqualTo("bad request: not JSON");
        assertThat(parse(raw("{\"cmd\":\"reload\"} now\n")).error())
                .isEqualTo("bad request: text after the JSON object");
        assertThat(reloads).as("neither ran a reload").hasValue(0);
        assertThat(parse(raw("\"status\"\n")).error()).isEqualTo("bad request: expected a JSON object");
        assertThat(parse(raw("[1,2]\n")).error()).isEqualTo("bad request: expected a JSON object");
        assertThat(parse(raw("{}\n")).error()).isEqualTo("bad request: missing \"cmd\"");
        assertThat(parse(raw("{\"cmd\":42}\n")).error()).isEqualTo("bad request: missing \"cmd\"");
        assertThat(parse(raw("{\"cmd\":\"format-disk\"}\n")).error()).isEqualTo("unknown command 'format-disk'");
        assertThat(parse(raw("{\"cmd\":\"switchover\"}\n")).error())
                .isEqualTo("bad request: switchover needs \"instance\"");
        assertThat(parse(raw("\u0000\u00ff\u0001\n")).ok()).isFalse();
        assertThat(parse(raw("x".repeat(70_000) + "\n")).error()).isEqualTo("request too long");
        // A request without newline, then end of stream, is still a request.
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap("{\"cmd\":\"reload\"}".getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            assertThat(parse(LineChannel.readLine(ch, System.nanoTime() + 5_000_000_000L, 1 << 20)).ok()).isTrue();
        }
        assertThat(client().status()).isEqualTo(Snapshots.sample());
    }

    @Test
    void aThrowingHandlerIsAnErrorResponse() throws Exception {
        explode = true;
        ControlResponse r = client().send(ControlRequest.status());
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("status failed: loop is gone");
        explode = false;
        assertThat(client().status()).isEqualTo(Snapshots.sample());
    }

    @Test
    void slowClientsAreDroppedAndDoNotBlockOthers() throws Exception {
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                idle.add(SocketChannel.open(UnixDomainSocketAddress.of(sock)));
            }
            long t0 = System.nanoTime();
            assertThat(client().status()).isEqualTo(Snapshots.sample());
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
            // The idle ones are closed by the server after its 400 ms read timeout.
            SocketChannel first = idle.get(0);
            String line = LineChannel.readLine(first, System.nanoTime() + 5_000_000_000L, 100);
            assertThat(line).isNull();
        } finally {
            for (SocketChannel c : idle) {
                c.close();
            }
        }
    }

    @Test
    void concurrentClients() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<StatusSnapshot>> fs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                fs.add(pool.submit(() -> client().status()));
            }
            for (Future<StatusSnapshot> f : fs) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(Snapshots.sample());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSecondDaemonIsRefusedAndAStaleSocketReplaced() throws Exception {
        assertThatThrownBy(() -> ControlServer.start(sock, handler))
                .isInstanceOf(IOException.class)
                .hasMessage("another keepvip is running (control socket " + sock + " answers)");
        // Simulate a killed daemon: a socket file with nobody listening.
        server.close();
        try (var ch = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(sock));
        }
        assertThat(sock).exists();
        assertThatThrownBy(() -> client().status()).isInstanceOf(DaemonNotRunningException.class)
                .hasMessageContaining("refuses connections");
        server = ControlServer.start(sock, handler);
        assertThat(client().status()).isEqualTo(Snapshots.sample());
    }

    @Test
    void aPathThatIsNotASocketIsRefused() throws Exception {
        Path file = dir.resolve("file.sock");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> ControlServer.start(file, handler))
                .hasMessage("control socket path " + file + " exists and is not a socket");
    }

    @Test
    void closeRemovesTheSocketAndClientsSeeNotRunning() throws Exception {
        server.close();
        assertThat(sock).doesNotExist();
        assertThatThrownBy(() -> client().status()).isInstanceOf(DaemonNotRunningException.class)
                .hasMessage("keepvip is not running (no control socket " + sock + ")");
    }
}
