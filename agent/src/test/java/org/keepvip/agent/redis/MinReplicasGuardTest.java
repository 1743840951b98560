package org.keepvip.agent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.redis.MinReplicasPolicy.Mode;
import org.keepvip.redis.MinReplicasControl;
import org.keepvip.redis.PeerReach;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.RedisProbe;
import org.keepvip.vrrp.config.RedisInstance;
import org.keepvip.agent.loop.LoopEvent;

/**
 * {@link MinReplicasGuard} against a real redis-server pair on 127.0.0.1: enforced with the replica
 * attached, relaxed when the replica's Redis is gone (refused), isolated when the peer is silent
 * (the probe stands in for a cut link, which loopback cannot make), and the operator's values back
 * when the node leaves MASTER or the guard closes. Skipped without redis-server.
 */
class MinReplicasGuardTest {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");
    private static final RedisInstance.MinReplicas WANT = new RedisInstance.MinReplicas(1, 3);

    @TempDir
    Path dir;
    private final List<Process> servers = new ArrayList<>();
    private final BlockingQueue<LoopEvent> events = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : servers) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void enforcesWithTheReplicaRelaxesWhenItsRedisIsGoneAndRestoresOnClose() throws Exception {
        int[] ports = pair();
        RedisEndpoint master = RedisEndpoint.of("127.0.0.1", ports[0]);
        MinReplicasControl control = new MinReplicasControl(master);
        control.apply(new MinReplicasControl.Setting(0, 7)); // the operator's own values
        MinReplicasGuard g = new MinReplicasGuard("r1", WANT, master, control, PeerReach::probe, 0);
        g.start(events::add);
        assertThat(tracker()).isTrue();
        g.masterStarted(null);
        await("enforced", () -> check(g, master) == Mode.ENFORCED);
        await("Redis holds it", () -> control.read().orElseThrow().equals(new MinReplicasControl.Setting(1, 3)));
        assertThat(g.status().applied()).isEqualTo(1);
        assertThat(g.status().reason()).contains("1 of 1 replica(s) within 3 s", "online");

        servers.get(1).destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        await("relaxed", () -> check(g, master) == Mode.RELAXED);
        await("Redis relaxed", () -> control.read().orElseThrow().toWrite() == 0);
        assertThat(g.status().reason()).contains("refuses connections", "takes no writes");
        assertThat(events).as("never isolated").isEmpty();

        g.close();
        assertThat(control.read()).contains(new MinReplicasControl.Setting(0, 7));
        assertThat(g.status().applied()).isNull();
    }

    @Test
    void aSilentPeerIsolatesUntilTheDemoteAndTheOperatorsValuesComeBack() throws Exception {
        int[] ports = pair();
        RedisEndpoint master = RedisEndpoint.of("127.0.0.1", ports[0]);
        MinReplicasControl control = new MinReplicasControl(master);
        Function<RedisEndpoint, PeerReach.Result> silent = ep -> new PeerReach.Result(PeerReach.Reach.UNREACHABLE,
                "peer " + ep.address() + " does not answer (connect timed out)");
        try (MinReplicasGuard g = new MinReplicasGuard("r1", WANT, master, control, silent, 0)) {
            g.start(events::add);
            assertThat(tracker()).isTrue();
            g.masterStarted(null);
            await("enforced", () -> check(g, master) == Mode.ENFORCED);
            servers.get(1).destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            await("isolated", () -> check(g, master) == Mode.ISOLATED);
            assertThat(tracker()).as("priority drops").isFalse();
            assertThat(g.status().reason()).contains("127.0.0.1:" + ports[1], "a dead host and a cut link look alike");
            assertThat(control.read().orElseThrow().toWrite()).as("Redis keeps refusing writes").isEqualTo(1);

            g.masterEnded(false); // fenced: the operator's values, still isolated
            await("restored", () -> control.read().orElseThrow().equals(new MinReplicasControl.Setting(0, 10)));
            assertThat(events).isEmpty();
            g.masterEnded(true); // demoted: replicating from the survivor
            assertThat(tracker()).isTrue();
            assertThat(g.mode()).isEqualTo(Mode.NOT_MASTER);
        }
    }

    private Mode check(MinReplicasGuard g, RedisEndpoint master) {
        try (RedisProbe p = RedisProbe.of(master)) {
            g.onCheck(p.check(), true);
        }
        return g.mode();
    }

    private boolean tracker() throws InterruptedException {
        LoopEvent e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).isInstanceOf(LoopEvent.TrackerChanged.class);
        LoopEvent.TrackerChanged t = (LoopEvent.TrackerChanged) e;
        assertThat(t.trackerId()).isEqualTo("redis-replicas:r1");
        return t.ok();
    }

    /** A master and its replica, in sync; returns their ports. */
    private int[] pair() throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "redis-server not installed");
        int m = freePort();
        int r = freePort();
        start(m);
        start(r, "--replicaof", "127.0.0.1", Integer.toString(m));
        RedisEndpoint ep = RedisEndpoint.of("127.0.0.1", m);
        await("replica attached", () -> {
            try (RedisProbe p = RedisProbe.of(ep)) {
                var i = p.check().info();
                return i != null && i.replicas().stream().anyMatch(x -> "online".equals(x.state()));
            }
        });
        return new int[] {m, r};
    }

    private void start(int port, String... extra) throws Exception {
        Path d = Files.createDirectories(dir.resolve("r" + port));
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--dir", d.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no"));
        cmd.addAll(List.of(extra));
        servers.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(d.resolve("log").toFile()).start());
        RedisEndpoint ep = RedisEndpoint.of("127.0.0.1", port);
        await("redis on " + port, () -> {
            try (RedisProbe p = RedisProbe.of(ep)) {
                return p.check().info() != null;
            }
        });
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!cond.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
