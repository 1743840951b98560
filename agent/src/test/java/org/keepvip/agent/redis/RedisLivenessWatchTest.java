package org.keepvip.agent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keepvip.redis.RedisEndpoint;
import redis.clients.jedis.Jedis;
import org.keepvip.agent.loop.LoopEvent;

/** {@link RedisLivenessWatch} against real redis-servers on 127.0.0.1 (skipped without redis-server). */
class RedisLivenessWatchTest {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");
    /** The benchmark's check interval: a kill must be seen well before the next periodic check would. */

    private final List<Process> servers = new ArrayList<>();
    private final List<RedisLivenessWatch> watches = new ArrayList<>();
    private final List<Runnable> closers = new ArrayList<>();
    private Path dir;
    private int port;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Files.isExecutable(BINARY), "redis-server not installed");
        dir = Files.createTempDirectory("kvwatch");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        watches.forEach(RedisLivenessWatch::close);
        closers.forEach(Runnable::run);
        for (Process p : servers) {
            p.destroyForcibly();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void killMinusNineFiresTheCallbackAtOnceAndARestartIsReconnected() throws Exception {
        Process redis = startRedis();
        AtomicLong firedAt = new AtomicLong();
        java.util.concurrent.Semaphore fired = new java.util.concurrent.Semaphore(0);
        RedisLivenessWatch w = watch(Duration.ofMillis(20), Duration.ofMillis(200), () -> {
            firedAt.set(System.nanoTime());
            fired.release();
        });
        List<String> latencies = new ArrayList<>();
        for (int round = 1; round <= 5; round++) {
            long connectsBefore = round;
            assertThat(await(5000, () -> w.connects() == connectsBefore
                    && clientList().contains("name=" + RedisLivenessWatch.CLIENT_NAME))).isTrue();

            long killedAt = System.nanoTime();
            redis.destroyForcibly(); // SIGKILL
            assertThat(fired.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            double latencyMs = (firedAt.get() - killedAt) / 1e6;
            latencies.add(String.format("%.3f", latencyMs));
            assertThat(w.losses()).isEqualTo(round);

            redis.waitFor(5, TimeUnit.SECONDS);
            redis = startRedis(); // same port: the watch reconnects
        }
        System.out.printf("[watch] kill -9 to callback, 5 kills: %s ms%n", latencies);
        assertThat(await(5000, () -> w.connects() == 6)).isTrue();
    }

    @Test
    void wiringRunsTheCheckAtOnceOnKill() throws Exception {
        startRedis();
        // A 60 s interval: the scheduled check cannot see the kill within the 5 s the test waits, so a
        // failure seen at all was run by the watch.
        Timeline t = wiring("interval 60\n timeout 0.2\n rise 1\n fall 1");
        long killedAt = t.killAfterOk();
        long failedAt = t.awaitFailed();
        double ms = (failedAt - killedAt) / 1e6;
        System.out.printf("[watch] wiring, fall 1, interval 60 s: kill -9 to tracker failed: %.3f ms, watch %s%n",
                ms, java.util.Arrays.toString(t.wiring.watchCounts()));
        assertThat(t.wiring.watchCounts()[0]).isEqualTo(1);
    }

    @Test
    void killMinusNineIsDefinitiveEveryTime() throws Exception {
        Process redis = startRedis();
        List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.Semaphore gone = new java.util.concurrent.Semaphore(0);
        AtomicLong goneAt = new AtomicLong();
        RedisLivenessWatch w = RedisLivenessWatch.start(RedisEndpoint.of("127.0.0.1", port), "test", () -> { },
                reason -> {
                    goneAt.set(System.nanoTime());
                    reasons.add(reason);
                    gone.release();
                }, Duration.ofMillis(20), Duration.ofMillis(200));
        watches.add(w);
        List<String> latencies = new ArrayList<>();
        int kills = 10;
        for (int round = 1; round <= kills; round++) {
            long connectsBefore = round;
            assertThat(await(5000, () -> w.connects() == connectsBefore
                    && clientList().contains("name=" + RedisLivenessWatch.CLIENT_NAME))).isTrue();
            long killedAt = System.nanoTime();
            redis.destroyForcibly(); // SIGKILL
            // Every kill, not most: the listener is closed by the time the drop is seen.
            assertThat(gone.tryAcquire(5, TimeUnit.SECONDS)).as("kill %d found definitive; reasons %s", round, reasons)
                    .isTrue();
            latencies.add(String.format("%.3f", (goneAt.get() - killedAt) / 1e6));
            redis.waitFor(5, TimeUnit.SECONDS);
            redis = startRedis();
        }
        System.out.printf("[watch] kill -9 to definitive verdict, %d kills: %s ms%n", kills, latencies);
        assertThat(reasons).hasSize(kills).allMatch(r -> r.equals("nothing listens on 127.0.0.1:" + port
                + " (connection refused)"));
        assertThat(w.definitive()).isEqualTo(kills);
        assertThat(w.losses()).isEqualTo(kills);
    }

    @Test
    void wiringFailsAtOnceWhenNothingListensAfterTheDrop() throws Exception {
        startRedis();
        // fall 3 with a 60 s interval: only a definitive failure can fail the check within the 5 s the test waits.
        Timeline t = wiring("interval 60\n timeout 0.2\n rise 1\n fall 3");
        long killedAt = t.killAfterOk();
        long failedAt = t.awaitFailed();
        System.out.printf("[watch] wiring, fall 3, interval 60 s: kill -9 to tracker failed: %.3f ms%n",
                (failedAt - killedAt) / 1e6);
        assertThat(t.wiring.watchCounts()).containsExactly(1, 0, 1);
        assertThat(t.wiring.checkStatus()).isEqualTo(org.keepvip.vrrp.state.RiseFallCounter.Status.FAILED);
        assertThat(t.events.stream().filter(e -> e[1] == 0)).hasSize(1);
    }

    @Test
    void wiringKeepsFallChecksAnIntervalApartWhenTheDropIsAmbiguous() throws Exception {
        startRedis();
        // fall 2: Redis drops every client (the watch too) and stops answering, but still listens: the
        // reconnect is accepted, nothing is definitive. The watch runs the first failed check at once,
        // the second comes an interval later (not back to back), so fall keeps keepalived's meaning of
        // N failed checks an interval apart.
        Timeline t = wiring("interval 0.4\n timeout 0.1\n rise 1\n fall 2");
        assertThat(await(5000, () -> t.events.stream().anyMatch(e -> e[1] == 1)
                && clientList().contains("name=" + RedisLivenessWatch.CLIENT_NAME))).isTrue();
        long droppedAt;
        try (Jedis j = new Jedis("127.0.0.1", port, 2000)) {
            // One transaction, so no client reconnects between the kill and the pause.
            j.sendCommand(redis.clients.jedis.Protocol.Command.MULTI);
            j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
            j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "PAUSE", "3000", "ALL");
            droppedAt = System.nanoTime();
            j.sendCommand(redis.clients.jedis.Protocol.Command.EXEC);
        }
        long failedAt = t.awaitFailed();
        double ms = (failedAt - droppedAt) / 1e6;
        System.out.printf("[watch] wiring, fall 2, interval 400 ms, clients dropped and Redis paused:"
                + " drop to tracker failed: %.3f ms%n", ms);
        assertThat(t.wiring.watchCounts()[0]).isEqualTo(1);
        assertThat(t.wiring.watchCounts()[2]).as("not definitive").isZero();
        assertThat(ms).isGreaterThanOrEqualTo(390.0);
    }

    /** A RedisWiring for {@code redis_instance r { address 127.0.0.1:PORT; OPTIONS }} on its own timer thread. */
    private Timeline wiring(String options) throws IOException {
        String text = "redis_instance r {\n address 127.0.0.1:" + port + "\n " + options + "\n}\n";
        Path conf = Files.writeString(dir.resolve("keepalived.conf"), text);
        var parsed = org.keepvip.vrrp.config.ConfigParser.parse(conf.toString(),
                new org.keepvip.agent.config.FileConfigSource(), null);
        assertThat(parsed.config()).as(parsed.diagnostics().toString()).isNotNull();
        RedisWiring w = new RedisWiring(parsed.config().redis().get(0));
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread th = new Thread(r, "test-timer");
                    th.setDaemon(true);
                    return th;
                });
        Timeline t = new Timeline(w, timer);
        closers.add(() -> {
            w.close();
            timer.shutdownNow();
        });
        w.startChecks(timer, e -> {
            if (e instanceof LoopEvent.TrackerChanged c) {
                t.events.add(new long[] {System.nanoTime(), c.ok() ? 1 : 0});
            }
        });
        return t;
    }

    private final class Timeline {
        final RedisWiring wiring;
        final java.util.concurrent.ScheduledExecutorService timer;
        final List<long[]> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        Timeline(RedisWiring wiring, java.util.concurrent.ScheduledExecutorService timer) {
            this.wiring = wiring;
            this.timer = timer;
        }

        /** Waits for the tracker to be OK and the watch to be connected, then SIGKILLs Redis; returns when. */
        long killAfterOk() throws InterruptedException {
            assertThat(await(5000, () -> events.stream().anyMatch(e -> e[1] == 1)
                    && clientList().contains("name=" + RedisLivenessWatch.CLIENT_NAME))).isTrue();
            long at = System.nanoTime();
            servers.get(servers.size() - 1).destroyForcibly();
            return at;
        }

        long awaitFailed() throws InterruptedException {
            assertThat(await(5000, () -> events.stream().anyMatch(e -> e[1] == 0))).isTrue();
            return events.stream().filter(e -> e[1] == 0).findFirst().orElseThrow()[0];
        }
    }

    @Test
    void worksWhenAuthIsRequiredWithoutSendingThePassword() throws Exception {
        Process redis = startRedis("--requirepass", "s3cret");
        CountDownLatch fired = new CountDownLatch(1);
        RedisLivenessWatch w = watch(Duration.ofMillis(20), Duration.ofMillis(200), fired::countDown);
        // SETNAME is refused (NOAUTH) but the connection stays: two clients once CLIENT LIST's own is counted.
        // The server lists the connection as soon as TCP is up, a moment before the watch counts it.
        assertThat(await(5000, () -> w.connects() == 1 && clientList("s3cret").lines().count() == 2)).isTrue();
        assertThat(clientList("s3cret")).doesNotContain("name=" + RedisLivenessWatch.CLIENT_NAME);
        assertThat(w.losses()).isZero();

        redis.destroyForcibly();
        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void clientKillLoopBacksOffInsteadOfSpinning() throws Exception {
        startRedis();
        AtomicLong triggered = new AtomicLong();
        RedisLivenessWatch w = watch(Duration.ofMillis(25), Duration.ofMillis(400), triggered::incrementAndGet);
        assertThat(await(5000, () -> w.connects() == 1)).isTrue();

        // Kill every normal client every 5 ms for 1.5 s (as a fence or an operator could).
        long windowNanos = TimeUnit.MILLISECONDS.toNanos(1500);
        Thread killer = new Thread(() -> {
            long end = System.nanoTime() + windowNanos;
            try (Jedis j = new Jedis("127.0.0.1", port, 2000)) {
                while (System.nanoTime() - end < 0) {
                    j.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                            .type(redis.clients.jedis.args.ClientType.NORMAL)
                            .skipMe(redis.clients.jedis.params.ClientKillParams.SkipMe.YES));
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-client-killer");
        killer.start();
        killer.join(10_000);
        long connects = w.connects();
        System.out.printf("[watch] CLIENT KILL every 5 ms for 1.5 s: %d connects, %d triggered checks%n",
                connects, triggered.get());
        // Backoff 25, 50, 100, 200, 400, 400, 400 ms...: about 7 reconnects in 1.5 s, not hundreds.
        assertThat(connects).isBetween(2L, 10L);
        assertThat(triggered.get()).isLessThanOrEqualTo(connects);
        // Once the killing stops it is connected again.
        assertThat(await(3000, () -> clientList().contains("name=" + RedisLivenessWatch.CLIENT_NAME))).isTrue();
    }

    @Test
    void closeReturnsPromptlyWhetherConnectedOrBackingOff() throws Exception {
        Process redis = startRedis();
        RedisLivenessWatch connected = watch(Duration.ofMillis(20), Duration.ofSeconds(5), () -> {});
        assertThat(await(5000, () -> connected.connects() == 1)).isTrue();
        connected.close();
        assertThat(await(1000, () -> !connected.isAlive())).isTrue();
        assertThat(connected.losses()).isZero(); // closing is not a loss: no check triggered

        redis.destroyForcibly();
        redis.waitFor(5, TimeUnit.SECONDS);
        // Nothing listening: the thread sits in a long backoff.
        RedisLivenessWatch backingOff = watch(Duration.ofSeconds(5), Duration.ofSeconds(5), () -> {});
        assertThat(await(1000, () -> backingOff.isAlive())).isTrue();
        backingOff.close(); // the thread would otherwise sleep out its 5 s backoff
        assertThat(await(1000, () -> !backingOff.isAlive())).isTrue();
    }

    @Test
    void tlsConnectionSeesTheKillAndClosesPromptly() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        String makeCerts = String.join("\n", "set -euo pipefail", "cd \"$1\"",
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt"
                        + " -days 1 -subj /CN=kvwatch-ca 2>/dev/null",
                "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key -out srv.csr"
                        + " -subj /CN=127.0.0.1 2>/dev/null",
                "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext",
                "openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 1"
                        + " -extfile san.ext 2>/dev/null");
        Process gen = new ProcessBuilder("bash", "-c", makeCerts, "make-certs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(gen.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(gen.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assumeTrue(gen.exitValue() == 0, "certificate generation failed: " + out);
        java.security.cert.Certificate ca;
        try (var in = Files.newInputStream(dir.resolve("ca.crt"))) {
            ca = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        try (var o = Files.newOutputStream(dir.resolve("ca.p12"))) {
            ks.store(o, "changeit".toCharArray());
        }
        int tlsPort;
        try (ServerSocket sock = new ServerSocket(0)) {
            tlsPort = sock.getLocalPort();
        }
        Process redis = startRedis("--tls-port", String.valueOf(tlsPort), "--tls-cert-file",
                dir.resolve("srv.crt").toString(), "--tls-key-file", dir.resolve("srv.key").toString(),
                "--tls-ca-cert-file", dir.resolve("ca.crt").toString(), "--tls-auth-clients", "no");
        RedisEndpoint ep = RedisEndpoint.of("127.0.0.1", tlsPort).withTls(new org.keepvip.redis.TlsSettings(
                dir.resolve("ca.p12"), "changeit".toCharArray(), null, null, true));
        AtomicLong firedAt = new AtomicLong();
        CountDownLatch fired = new CountDownLatch(1);
        RedisLivenessWatch w = RedisLivenessWatch.start(ep, "tls", () -> {
            firedAt.set(System.nanoTime());
            fired.countDown();
        }, Duration.ofMillis(20), Duration.ofMillis(200));
        watches.add(w);
        assertThat(await(5000, () -> w.connects() == 1
                && clientList().contains("name=" + RedisLivenessWatch.CLIENT_NAME))).isTrue();

        long killedAt = System.nanoTime();
        redis.destroyForcibly();
        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        double ms = (firedAt.get() - killedAt) / 1e6;
        System.out.printf("[watch] TLS: kill -9 to callback: %.3f ms%n", ms);

        redis.waitFor(5, TimeUnit.SECONDS);
        startRedis("--tls-port", String.valueOf(tlsPort), "--tls-cert-file", dir.resolve("srv.crt").toString(),
                "--tls-key-file", dir.resolve("srv.key").toString(), "--tls-ca-cert-file",
                dir.resolve("ca.crt").toString(), "--tls-auth-clients", "no");
        assertThat(await(5000, () -> w.connects() == 2)).isTrue();
        long t0 = System.nanoTime();
        w.close();
        assertThat(await(1000, () -> !w.isAlive())).isTrue();
        System.out.printf("[watch] TLS: close to thread end: %.3f ms%n", (System.nanoTime() - t0) / 1e6);
        assertThat(w.losses()).isEqualTo(1);
    }

    private RedisLivenessWatch watch(Duration min, Duration max, Runnable onLost) {
        RedisLivenessWatch w = RedisLivenessWatch.start(RedisEndpoint.of("127.0.0.1", port), "test", onLost, min, max);
        watches.add(w);
        return w;
    }

    private Process startRedis(String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--protected-mode", "no", "--logfile", dir.resolve("redis.log").toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
        servers.add(p);
        String pass = extra.length == 2 && extra[0].equals("--requirepass") ? extra[1] : null;
        if (!await(10_000, () -> clientList(pass) != null)) {
            throw new IOException("redis-server on port " + port + " did not start: "
                    + Files.readString(dir.resolve("stdout.log")));
        }
        return p;
    }

    private String clientList() {
        return clientList(null);
    }

    /** CLIENT LIST TYPE normal, or null while Redis does not answer. */
    private String clientList(String password) {
        try (Jedis j = new Jedis("127.0.0.1", port, 500)) {
            if (password != null) {
                j.auth(password);
            }
            return j.clientList(redis.clients.jedis.args.ClientType.NORMAL);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean await(long millis, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!safe(cond)) {
            if (System.nanoTime() - deadline >= 0) {
                return safe(cond);
            }
            Thread.sleep(5);
        }
        return true;
    }

    private static boolean safe(BooleanSupplier cond) {
        try {
            return cond.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
