package org.keepvip.agent.daemon;

import org.keepvip.agent.redis.RedisWiring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.ParseResult;
import org.keepvip.vrrp.state.Event;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import org.keepvip.agent.loop.InstancePlan;
import org.keepvip.agent.loop.LoopEvent;

/**
 * H3 against a real redis-server pair on 127.0.0.1: the replica's link is cut while the master takes
 * writes (the master locks the replica's ACL user out), and {@link RedisWiring}'s events, fed into the
 * instance built from keepalived.conf, must put it in FAULT — and take it out once the replica has
 * caught up. No namespaces, no root; skipped without redis-server.
 */
class RedisLagWiringTest {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final List<Process> servers = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final BlockingQueue<LoopEvent> events = new LinkedBlockingQueue<>();
    private ScheduledExecutorService timer;
    private int masterPort;
    private int replicaPort;

    @BeforeEach
    void pair() throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "redis-server not installed");
        masterPort = freePort();
        replicaPort = freePort();
        start(masterPort);
        try (Jedis m = jedis(masterPort)) {
            // The replica logs in as its own user, so the test can lock it out and nobody else.
            m.sendCommand(Protocol.Command.ACL, "SETUSER", "repl", "on", ">replpw", "~*", "&*", "+@all");
            m.set("seed", "1");
        }
        start(replicaPort, "--replicaof", "127.0.0.1", Integer.toString(masterPort), "--masteruser", "repl",
                "--masterauth", "replpw");
        await("replica in sync", () -> info(replicaPort).contains("master_link_status:up")
                && offset(replicaPort) == offset(masterPort));
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (timer != null) {
            timer.shutdownNow();
        }
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        for (Process p : servers) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aReplicaCutOffWhileTheMasterTakesWritesGoesFaultAndRecoversWhenItCatchesUp() throws Exception {
        KeepalivedConfig c = config("max_lag_bytes 20000\n    lag_penalty fault");
        VrrpInstance machine = machine(c);
        RedisWiring w = wiring(c);
        await("eligible at first", () -> feed(machine) && machine.state() == VrrpState.BACKUP);
        assertThat(w.lagVerdict().eligible()).isTrue();

        try (Jedis m = jedis(masterPort)) {
            m.sendCommand(Protocol.Command.ACL, "SETUSER", "repl", "off");
            m.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica");
            String value = "x".repeat(1000);
            for (int i = 0; i < 100; i++) {
                m.set("k" + i, value);
            }
        }
        await("FAULT by redis-lag", () -> feed(machine) && machine.state() == VrrpState.FAULT);
        assertThat(machine.status().faults()).contains("tracker redis-lag:r1 failed");
        assertThat(w.lagVerdict().eligible()).isFalse();
        assertThat(w.lagVerdict().reason()).containsPattern("replica is \\d+ bytes behind the master's offset \\d+ "
                + "\\(limit 20000\\)");

        try (Jedis m = jedis(masterPort)) {
            m.sendCommand(Protocol.Command.ACL, "SETUSER", "repl", "on");
        }
        await("BACKUP again once caught up", () -> feed(machine) && machine.state() == VrrpState.BACKUP);
        assertThat(offset(replicaPort)).isEqualTo(offset(masterPort));
        assertThat(w.lagVerdict().eligible()).isTrue();
    }

    @Test
    void aDeadMasterDoesNotMakeAnUpToDateReplicaIneligible() throws Exception {
        // Link-down limit 1 s: without the "time only while the master answers" rule the replica would
        // go FAULT a second after the master's death and nobody would take over.
        KeepalivedConfig c = config("max_lag_seconds 1\n    max_lag_bytes 20000\n    lag_penalty fault");
        VrrpInstance machine = machine(c);
        RedisWiring w = wiring(c);
        await("eligible at first", () -> feed(machine) && machine.state() == VrrpState.BACKUP
                && w.lagVerdict().reason().startsWith("replica up to date"));

        servers.get(0).destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        await("the replica's link down for 3 s", () -> feed(machine) && w.lastHealth()
                .map(h -> h.info() != null && h.info().masterLinkDownSinceSeconds() >= 3).orElse(false));
        feed(machine);
        assertThat(machine.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(w.lagVerdict().eligible()).isTrue();
        assertThat(w.lagVerdict().reason()).contains("not answering: judged against its last answer");
    }

    // ---------------------------------------------------------------- plumbing

    private KeepalivedConfig config(String lagLines) throws IOException {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, """
                redis_instance r1 {
                    address 127.0.0.1:%d
                    interval 0.05
                    timeout 0.25
                    rise 1
                    fall 1
                    peer_port %d
                    %s
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    mcast_src_ip 192.0.2.1
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                    track_redis {
                        r1
                    }
                }
                """.formatted(replicaPort, masterPort, lagLines));
        ParseResult r = ConfigParser.parse(f.toString(), new FileConfigSource(), null);
        assertThat(r.hasErrors()).as(r.diagnostics().toString()).isFalse();
        return r.config();
    }

    private static VrrpInstance machine(KeepalivedConfig c) throws IOException {
        InstancePlan p = ConfigMapper.plan(c, c.instance("VI_1").orElseThrow(),
                (ifname, v6) -> InetAddress.getByName("192.0.2.1"));
        VrrpInstance m = new VrrpInstance(p.machine());
        m.handle(new Event.Start(0, true));
        return m;
    }

    private RedisWiring wiring(KeepalivedConfig c) throws Exception {
        RedisWiring w = new RedisWiring(c.redisInstance("r1").orElseThrow());
        closing.add(w);
        // As the lane does when the VRRP master's advert is learned: replicate from it (already so).
        w.demote(InetAddress.getByName("127.0.0.1"));
        w.startChecks(timer, events::add);
        return w;
    }

    /** Delivers the queued tracker events to the machine, as the event loop does; always true. */
    private boolean feed(VrrpInstance m) {
        LoopEvent e;
        while ((e = events.poll()) != null) {
            if (e instanceof LoopEvent.TrackerChanged t) {
                m.handle(new Event.TrackerResult(System.nanoTime(), t.trackerId(), t.ok()));
                m.drainActions();
            }
        }
        return true;
    }

    /** Waits for {@code condition}, woken by each event the wiring posts (or every 100 ms). */
    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what + "; replica: " + info(replicaPort));
            }
            LoopEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null) {
                events.add(e); // let the condition's feed() deliver it in order
            }
        }
    }

    private void start(int port, String... extra) throws IOException {
        Path d = Files.createDirectories(dir.resolve("redis-" + port));
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--dir", d.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--protected-mode", "no", "--repl-diskless-sync-delay", "0",
                "--logfile", d.resolve("redis.log").toString()));
        cmd.addAll(List.of(extra));
        servers.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(d.resolve("out.log").toFile())
                .start());
        try {
            await("redis on " + port, () -> {
                try (Jedis j = jedis(port)) {
                    return "PONG".equals(j.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static Jedis jedis(int port) {
        return new Jedis("127.0.0.1", port, 1000);
    }

    private static String info(int port) {
        try (Jedis j = jedis(port)) {
            return j.info("replication");
        } catch (RuntimeException e) {
            return "unreachable: " + e;
        }
    }

    private static long offset(int port) {
        for (String line : info(port).split("\r?\n")) {
            if (line.startsWith("master_repl_offset:")) {
                return Long.parseLong(line.substring("master_repl_offset:".length()).trim());
            }
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
