package org.keepvip.agent.sentinel;

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
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.sentinel.MasterAddress;
import org.keepvip.redis.sentinel.SentinelQuorum;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * {@link SentinelWatch} against real processes on 127.0.0.1: a redis-server master and replica and
 * three redis-sentinel (quorum 2). The verdicts are awaited as the watch delivers them.
 */
class SentinelWatchTest {
    private final List<Process> processes = new ArrayList<>();
    private Path dir;
    private final BlockingQueue<SentinelQuorum.Verdict> verdicts = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws IOException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void learnsTheMasterOnConnectFollowsSwitchMasterAndCountsLostSentinels() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server not installed");
        dir = Files.createTempDirectory("kvsentinel");
        int master = freePort();
        int replica = freePort();
        start("redis-master", "redis-server", "--port", "" + master, "--bind", "127.0.0.1", "--save", "",
                "--dir", dir.toString(), "--protected-mode", "no");
        start("redis-replica", "redis-server", "--port", "" + replica, "--bind", "127.0.0.1", "--save", "",
                "--dir", dir.toString(), "--protected-mode", "no", "--replicaof", "127.0.0.1", "" + master);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = freePort();
            ports.add(port);
            Path conf = dir.resolve("sentinel-" + i + ".conf");
            Files.writeString(conf, """
                    port %d
                    bind 127.0.0.1
                    protected-mode no
                    dir %s
                    sentinel monitor mymaster 127.0.0.1 %d 2
                    sentinel down-after-milliseconds mymaster 1000
                    sentinel failover-timeout mymaster 3000
                    """.formatted(port, dir, master));
            start("sentinel-" + i, "redis-server", conf.toString(), "--sentinel");
        }
        for (int port : ports) {
            await(Duration.ofSeconds(30), () -> knowsReplicaAndOthers(port));
        }
        List<RedisEndpoint> eps = ports.stream().map(p -> RedisEndpoint.of("127.0.0.1", p)).toList();
        MasterAddress first = new MasterAddress("127.0.0.1", master);
        MasterAddress second = new MasterAddress("127.0.0.1", replica);
        try (SentinelWatch w = SentinelWatch.start(eps, "mymaster", Duration.ofMillis(500), verdicts::add)) {
            // The first verdict waits for every Sentinel: no "1 of 3 reachable" on the way up.
            SentinelQuorum.Verdict v = next(Duration.ofSeconds(5), x -> true);
            assertThat(v.reachable()).isEqualTo(3);
            assertThat(v.master()).contains(first);

            // Sentinel refuses (NOGOODSLAVE) until it has a fresh INFO of the replica: ask until it agrees.
            await(Duration.ofSeconds(20), () -> failoverAccepted(ports.get(0)));
            v = next(Duration.ofSeconds(20), x -> x.master().equals(Optional.of(second)));
            assertThat(v.majorityReachable()).isTrue();

            // Two Sentinels die: their connections end, they no longer count, nobody is named.
            processes.get(3).destroyForcibly();
            processes.get(4).destroyForcibly();
            v = next(Duration.ofSeconds(5), x -> x.reachable() == 1);
            assertThat(v.master()).isEmpty();
            assertThat(v.summary()).startsWith("1 of 3 Sentinels reachable");

            // A hung Sentinel keeps its connection open: only the PINGs notice it, within the timeout.
            long t0 = System.nanoTime();
            new ProcessBuilder("kill", "-STOP", "" + processes.get(2).pid()).start().waitFor();
            try {
                v = next(Duration.ofSeconds(5), x -> x.reachable() == 0);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as("noticed after sentinel_timeout 500 ms and at most a PING period more")
                        .isBetween(400L, 1500L);
            } finally {
                new ProcessBuilder("kill", "-CONT", "" + processes.get(2).pid()).start().waitFor();
            }
            v = next(Duration.ofSeconds(5), x -> x.reachable() == 1);
            assertThat(v.master()).isEmpty();
        }
    }

    /** sentinel_password_file: AUTH to a Sentinel with requirepass; a wrong password counts it as lost, and says why. */
    @Test
    void authenticatesToASentinelWithRequirepass() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server not installed");
        dir = Files.createTempDirectory("kvsentinel");
        int master = freePort();
        start("redis-master", "redis-server", "--port", "" + master, "--bind", "127.0.0.1", "--save", "",
                "--dir", dir.toString(), "--protected-mode", "no");
        int port = freePort();
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, """
                port %d
                bind 127.0.0.1
                dir %s
                requirepass s3cret
                sentinel monitor mymaster 127.0.0.1 %d 1
                """.formatted(port, dir, master));
        start("sentinel", "redis-server", conf.toString(), "--sentinel");
        await(Duration.ofSeconds(10), () -> {
            try (Jedis j = new Jedis("127.0.0.1", port, 500)) {
                j.auth("s3cret");
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        });
        RedisEndpoint ep = RedisEndpoint.of("127.0.0.1", port);
        try (SentinelWatch w = SentinelWatch.start(List.of(ep.withPassword("s3cret")), "mymaster",
                Duration.ofMillis(500), verdicts::add)) {
            SentinelQuorum.Verdict v = next(Duration.ofSeconds(5), x -> x.reachable() == 1);
            assertThat(v.master()).contains(new MasterAddress("127.0.0.1", master));
        }
        verdicts.clear();
        try (SentinelWatch w = SentinelWatch.start(List.of(ep.withPassword("wrong")), "mymaster",
                Duration.ofMillis(500), verdicts::add)) {
            SentinelQuorum.Verdict v = next(Duration.ofSeconds(5), x -> true);
            assertThat(v.reachable()).isZero();
            assertThat(String.join(" ", v.views())).containsIgnoringCase("pass");
        }
    }

    private SentinelQuorum.Verdict next(Duration timeout, Predicate<SentinelQuorum.Verdict> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SentinelQuorum.Verdict> seen = new ArrayList<>();
        while (true) {
            SentinelQuorum.Verdict v = verdicts.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (v == null) {
                throw new AssertionError("no such verdict within " + timeout + "; seen: " + seen);
            }
            seen.add(v);
            if (wanted.test(v)) {
                return v;
            }
        }
    }

    private void start(String name, String... cmd) throws IOException {
        processes.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start());
    }

    private static boolean knowsReplicaAndOthers(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port, 500)) {
            List<?> replicas = (List<?>) j.sendCommand(Protocol.Command.SENTINEL, "replicas", "mymaster");
            List<?> others = (List<?>) j.sendCommand(Protocol.Command.SENTINEL, "sentinels", "mymaster");
            return replicas.size() == 1 && others.size() == 2;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean failoverAccepted(int sentinelPort) {
        try (Jedis j = new Jedis("127.0.0.1", sentinelPort, 2000)) {
            j.sendCommand(Protocol.Command.SENTINEL, "failover", "mymaster");
            return true;
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            if (String.valueOf(e.getMessage()).startsWith("NOGOODSLAVE")) {
                return false;
            }
            throw e;
        }
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout);
            }
            Thread.sleep(20);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
