package org.keepvip.e2e.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.keepvip.agent.control.ControlClient;
import org.keepvip.agent.control.ControlResponse;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * A Redis master/replica pair behind one VIP: a lab with hosts a and b and the client, a real
 * redis-server on each host (bound to every address, so it answers on the VIP too), and keepvip on
 * each host checking its local Redis in-process. a starts as master (priority 150), b as its replica
 * (priority 100); both use nopreempt, as etc/keepalived.conf.redis-pair-node1 does.
 */
final class RedisPair implements AutoCloseable {
    static final String VIP = "192.0.2.200";
    static final int PORT = 6379;
    static final Path HOME = Path.of(System.getProperty("keepvip.home", "../.."));
    static final Path JAR = HOME.resolve("agent/target/keepvip-agent.jar");

    final Lab lab;
    final Node a;
    final Node b;
    final Node client;
    final ExecutorService clientNs;
    private final Map<String, LabProcess> redis = new HashMap<>();
    private final Map<String, LabProcess> keepvip = new HashMap<>();
    private final Map<String, Path> sockets = new HashMap<>();
    /** Where the running keepvip's lines begin in its node's log (a restart appends to the same file). */
    private final Map<String, Integer> logFrom = new HashMap<>();
    private final Map<String, Integer> restarts = new HashMap<>();
    private final List<LabProcess> stopped = new ArrayList<>();
    private final String advertInt;
    /** keepvip's Redis check tuning: timeout (s) and rise = fall. */
    String checkTimeout = "0.15";
    int checkFall = 2;
    /**
     * When set, the redis_instance's check lines (interval, timeout, rise, fall, weight,
     * promote_timeout) are exactly these instead of the tuning above; "" keeps every documented default.
     */
    String checkLines;
    /** Extra lines for the redis_instance block (e.g. max_lag_bytes). */
    String redisExtra = "";
    /** Replicas log in to their master as ACL user "repl" (password "replpw"), which a test can lock out. */
    boolean replUser;
    /** When set, each keepvip serves metrics on its node's address at this port ({@code metrics_listen}). */
    int metricsPort;
    /** Extra lines for global_defs (e.g. vrrp_rt_priority). */
    String globalExtra = "";
    /**
     * Start keepvip through scripts/keepvip, with the JVM options a deployment runs it with (the
     * serial collector, C1 only), rather than with {@code java -jar}'s defaults (G1, whose pauses at
     * start-up reached 117 ms on a loaded 2-vCPU host, and C2).
     */
    boolean viaLauncher;
    /** Sentinel mode: the hosts whose Sentinels keepvip listens to (empty: pair mode). */
    List<Node> sentinels = List.of();

    /** keepalived's check script: interval and timeout, s (the script's own deadline is 200 ms less), and fall. */
    int keepalivedIntervalSeconds = 1;
    int keepalivedTimeoutSeconds = 1;
    int keepalivedFall = 1;
    /** Sentinel's {@code down-after-milliseconds} for the Sentinels this pair starts. */
    int sentinelDownAfterMs = 1000;
    /** keepvip's {@code sentinel_timeout} in Sentinel mode, in seconds. */
    String sentinelTimeout = SENTINEL_TIMEOUT;

    /** A pair in {@code lab}, which must have hosts a and b and the client; nothing started yet. */
    RedisPair(Lab lab, String advertInt) throws IOException {
        this.lab = lab;
        this.a = lab.node("a");
        this.b = lab.node("b");
        this.client = lab.client();
        this.clientNs = lab.executor(client);
        this.advertInt = advertInt;
    }

    /** Builds the lab and starts both Redis servers, b replicating a; no VIP agent yet. */
    static RedisPair redisOnly(String advertInt) throws Exception {
        Lab lab = Lab.builder().host("a").host("b").client().build();
        try {
            RedisPair p = new RedisPair(lab, advertInt);
            p.startRedis(p.a, null);
            p.startRedis(p.b, p.a);
            p.awaitReplicaOf(p.b, p.a, Duration.ofSeconds(10));
            return p;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    /**
     * Stock keepalived with the shipped hook scripts: redis_check.sh every second, fall 1 (its
     * fastest), a failing check is FAULT; notify_master / notify_backup promote and demote Redis.
     */
    LabProcess startKeepalived(Node n, int priority, Node peer) {
        Path scripts = HOME.resolve("scripts").toAbsolutePath().normalize();
        String conf = """
                global_defs {
                    router_id %s
                    script_user root
                }
                vrrp_script chk_redis {
                    script "%s/redis_check.sh -p %d -t %d"
                    interval %d
                    timeout %d
                    fall %d
                    rise 1
                }
                vrrp_instance VI_R {
                    state BACKUP
                    interface eth0
                    version 3
                    virtual_router_id 72
                    priority %d
                    advert_int %s
                    nopreempt
                    virtual_ipaddress {
                        %s/24
                    }
                    track_script {
                        chk_redis
                    }
                    notify_master "%s/redis_master.sh -p %d -m %s -t 2000"
                    notify_backup "%s/redis_backup.sh -p %d -m %s -t 2000"
                }
                """.formatted(n.name(), scripts, PORT, keepalivedTimeoutSeconds * 1000 - 200, keepalivedIntervalSeconds,
                keepalivedTimeoutSeconds, keepalivedFall, priority, advertInt, VIP, scripts, PORT, peer.ipv4(),
                scripts, PORT, peer.ipv4());
        Path file = lab.writeFile("ka-" + n.name() + ".conf", conf);
        Path dir = lab.tempDir();
        return lab.start(n, "ka-" + n.name(), "keepalived", "-n", "-l", "-D", "-f", file.toString(),
                "-p", dir.resolve("ka-" + n.name() + ".pid").toString(),
                "-r", dir.resolve("ka-" + n.name() + "-vrrp.pid").toString());
    }

    /** A Redis Sentinel on {@code n} (port 26379) monitoring a's Redis, quorum 2, down-after {@link #sentinelDownAfterMs}. */
    LabProcess startSentinel(Node n) {
        return startSentinel(n, 10000);
    }

    /**
     * As {@link #startSentinel(Node)}, with {@code failover-timeout}: it is also how long a failed-over
     * master must report itself master before Sentinel makes it a replica.
     */
    LabProcess startSentinel(Node n, int failoverTimeoutMs) {
        String conf = """
                port 26379
                bind 0.0.0.0
                protected-mode no
                dir %s
                sentinel monitor mymaster %s %d 2
                sentinel down-after-milliseconds mymaster %d
                sentinel failover-timeout mymaster %d
                sentinel parallel-syncs mymaster 1
                """.formatted(lab.tempDir(), a.ipv4(), PORT, sentinelDownAfterMs, failoverTimeoutMs);
        Path file = lab.writeFile("sentinel-" + n.name() + ".conf", conf);
        return lab.start(n, "sentinel-" + n.name(), "redis-sentinel", file.toString());
    }

    /** Builds the lab, starts both Redis servers (b replicating a) and both keepvips; waits for a to hold the VIP. */
    static RedisPair start(String advertInt) throws Exception {
        return start(advertInt, p -> { });
    }

    /** As {@link #start(String)}, with {@code setup} adjusting the pair before anything starts. */
    static RedisPair start(String advertInt, java.util.function.Consumer<RedisPair> setup) throws Exception {
        Lab lab = Lab.builder().host("a").host("b").client().build();
        try {
            RedisPair p = new RedisPair(lab, advertInt);
            setup.accept(p);
            p.startRedis(p.a, null);
            p.startRedis(p.b, p.a);
            p.awaitReplicaOf(p.b, p.a, Duration.ofSeconds(10));
            p.startKeepvip(p.a, 150);
            p.awaitVipOn(p.a, Duration.ofSeconds(20));
            p.startKeepvip(p.b, 100);
            Await.until(Duration.ofSeconds(20), "b's keepvip BACKUP under a", () -> p.state(p.b).equals("BACKUP"));
            // b's keepvip demotes its Redis (REPLICAOF a) once it hears a, some time after it reports
            // BACKUP: a test that then acts on b's Redis or its replication would race that hook.
            p.awaitDemoted(p.b, p.a);
            return p;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    /**
     * Sentinel mode: hosts a, b and s, Redis on a (master) and b (replica), a Sentinel on each of the
     * three hosts (quorum 2, down-after 1 s, failover-timeout 3 s), and keepvip on a and b listening to
     * them; waits until a serves the VIP and b waits in FAULT (its Redis is not the named master).
     */
    static RedisPair startWithSentinels(String advertInt) throws Exception {
        Lab lab = Lab.builder().host("a").host("b").host("s").client().build();
        try {
            RedisPair p = new RedisPair(lab, advertInt);
            p.sentinels = List.of(p.a, p.b, lab.node("s"));
            p.startRedis(p.a, null);
            p.startRedis(p.b, p.a);
            p.awaitReplicaOf(p.b, p.a, Duration.ofSeconds(10));
            for (Node n : p.sentinels) {
                p.startSentinel(n, 3000);
            }
            for (Node n : p.sentinels) {
                Await.until(Duration.ofSeconds(30), "Sentinel on " + n.name() + " knows the replica and 2 Sentinels",
                        () -> p.sentinelReady(n));
            }
            // Priorities decide nothing in Sentinel mode; a high one makes the skew after a release short.
            p.startKeepvip(p.a, 250);
            p.awaitVipOn(p.a, Duration.ofSeconds(20));
            p.startKeepvip(p.b, 250);
            Await.until(Duration.ofSeconds(20), "b's keepvip in FAULT (a is the named master)",
                    () -> p.state(p.b).equals("FAULT"));
            return p;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    /** A Jedis to the Sentinel on {@code n}, from the client namespace's thread that runs it. */
    private static Jedis sentinelClient(Node n) {
        return new Jedis(new HostAndPort(n.ipv4(), 26379), DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(500).socketTimeoutMillis(500).build());
    }

    boolean sentinelReady(Node n) {
        try {
            return lab.inNamespace(client, () -> {
                try (Jedis j = sentinelClient(n)) {
                    List<?> replicas = (List<?>) j.sendCommand(Protocol.Command.SENTINEL,
                            "replicas", "mymaster");
                    List<?> others = (List<?>) j.sendCommand(Protocol.Command.SENTINEL,
                            "sentinels", "mymaster");
                    return replicas.size() >= 1 && others.size() >= 2;
                }
            });
        } catch (Exception e) {
            return false;
        }
    }

    /** The master the Sentinel on {@code n} names ("ip:port"), empty when it does not answer. */
    Optional<String> sentinelMaster(Node n) {
        try {
            return Optional.of(lab.inNamespace(client, () -> {
                try (Jedis j = sentinelClient(n)) {
                    List<String> m = j.sentinelGetMasterAddrByName("mymaster");
                    return m.get(0) + ":" + m.get(1);
                }
            }));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    Path dataDir(Node n) {
        Path d = lab.tempDir().resolve("redis-" + n.name());
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return d;
    }

    /** Starts redis-server on {@code n} (AOF on, so a restart keeps data unless the dir is wiped). */
    LabProcess startRedis(Node n, Node replicaOf) {
        int k = restarts.merge(n.name(), 1, Integer::sum);
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(PORT),
                "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", dataDir(n).toString(),
                "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--daemonize", "no",
                "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0", "--loglevel", "notice"));
        if (replUser) {
            cmd.addAll(List.of("--user", "repl", "on", ">replpw", "~*", "&*", "+@all", "--masteruser", "repl",
                    "--masterauth", "replpw"));
        }
        if (replicaOf != null) {
            cmd.addAll(List.of("--replicaof", replicaOf.ipv4(), Integer.toString(PORT)));
        }
        LabProcess p = lab.start(n, "redis-" + n.name() + "-" + k, cmd.toArray(String[]::new));
        redis.put(n.name(), p);
        Await.until(Duration.ofSeconds(10), "redis on " + n.name() + " answering", () -> role(n).isPresent());
        return p;
    }

    /**
     * Sends SIGKILL straight from this JVM (no fork) and waits for the process to be gone. Returns
     * {kill sent, process reaped} as System.nanoTime() values.
     */
    long[] killRedisNow(Node n) {
        LabProcess p = redis.get(n.name());
        ProcessHandle h = ProcessHandle.of(p.pid()).orElseThrow();
        long t0 = System.nanoTime();
        h.destroyForcibly();
        p.awaitExit(Duration.ofSeconds(5));
        return new long[] {t0, System.nanoTime()};
    }

    LabProcess redisProcess(Node n) {
        return redis.get(n.name());
    }

    /** kill -9 of {@code n}'s redis-server. */
    void killRedis(Node n) {
        LabProcess p = redis.get(n.name());
        p.signal("KILL");
        p.awaitExit(Duration.ofSeconds(5));
    }

    void signalRedis(Node n, String signal) {
        redis.get(n.name()).signal(signal);
        if (signal.equals("STOP")) {
            stopped.add(redis.get(n.name()));
        } else if (signal.equals("CONT")) {
            stopped.remove(redis.get(n.name()));
        }
    }

    String config(Node n, int priority) {
        return """
                global_defs {
                    router_id %s
                %s
                }
                redis_instance r6379 {
                    address 127.0.0.1:%d
                %s
                    fence on
                %s
                %s
                }
                vrrp_instance VI_R {
                    state BACKUP
                    interface eth0
                    version 3
                    virtual_router_id 71
                    priority %d
                    advert_int %s
                    nopreempt
                    # After a split brain the survivor re-announces the VIP when it hears the loser, and
                    # the loser, yielding, sends one more advert so that the survivor does hear it
                    # (otherwise a client's ARP entry can point at the loser for tens of seconds).
                    garp_lower_prio_repeat 3
                    higher_prio_send_advert
                    virtual_ipaddress {
                        %s/24
                    }
                    track_redis {
                        r6379
                    }
                }
                """.formatted(n.name(), (metricsPort > 0 ? "    metrics_listen " + n.ipv4() + ":" + metricsPort : "")
                        + globalExtra,
                PORT, checkLines != null ? checkLines : """
                    interval 0.05
                    timeout %s
                    rise %d
                    fall %d
                    weight -60
                    promote_timeout 3""".formatted(checkTimeout, checkFall, checkFall),
                sentinels.isEmpty() ? "    peer_port " + PORT : sentinelLines(), redisExtra, priority,
                advertInt, VIP);
    }

    /** The redis_instance lines of Sentinel mode: the lab's Sentinels, a short sentinel_timeout. */
    private String sentinelLines() {
        StringBuilder b = new StringBuilder("    sentinel {\n");
        sentinels.forEach(n -> b.append("        ").append(n.ipv4()).append(":26379\n"));
        return b.append("    }\n    sentinel_master mymaster\n    sentinel_timeout ").append(sentinelTimeout)
                .toString();
    }

    /** sentinel_timeout in Sentinel mode, in seconds. */
    static final String SENTINEL_TIMEOUT = "0.5";

    void startKeepvip(Node n, int priority) {
        Path conf = lab.writeFile("kv-" + n.name() + ".conf", config(n, priority));
        Path socket = lab.tempDir().resolve("kv-" + n.name() + ".sock");
        logFrom.put(n.name(), keepvip.containsKey(n.name()) ? keepvipLog(n).length() : 0);
        LabProcess p = viaLauncher
                ? lab.start(n, "kv-" + n.name(), "env", "KEEPVIP_NO_BUILD=1", HOME.resolve("scripts/keepvip").toAbsolutePath().normalize().toString(),
                        "run", "-f", conf.toString(), "--socket", socket.toString())
                : lab.start(n, "kv-" + n.name(), "java", "-jar", JAR.toString(), "run", "-f", conf.toString(),
                        "--socket", socket.toString());
        keepvip.put(n.name(), p);
        sockets.put(n.name(), socket);
        Await.until(Duration.ofSeconds(30), "keepvip on " + n.name() + " answering (log " + p.log() + ")", () -> {
            if (!p.isAlive()) {
                throw new AssertionError("keepvip on " + n.name() + " exited: " + p.output());
            }
            return !state(n).isEmpty();
        });
    }

    LabProcess keepvipProcess(Node n) {
        return keepvip.get(n.name());
    }

    /** The instance's VRRP state, "" when the daemon does not answer. */
    String state(Node n) {
        try {
            return status(n).instances().get(0).state();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    StatusSnapshot status(Node n) throws IOException {
        return new ControlClient(sockets.get(n.name()), Duration.ofSeconds(3)).status();
    }

    ControlResponse switchover(Node from, Node to, long timeoutMs) throws IOException {
        return new ControlClient(sockets.get(from.name()), Duration.ofSeconds(40)).switchover("VI_R",
                to.ipv4() + "@" + timeoutMs);
    }

    Path socket(Node n) {
        return sockets.get(n.name());
    }

    /** Runs {@code task} with a Jedis connected (from the client namespace) to {@code host}. */
    <T> T withJedis(String host, int timeoutMs, java.util.function.Function<Jedis, T> task) throws Exception {
        Callable<T> c = () -> {
            try (Jedis j = new Jedis(new HostAndPort(host, PORT), DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(timeoutMs).socketTimeoutMillis(timeoutMs).build())) {
                return task.apply(j);
            }
        };
        return lab.inNamespace(client, c);
    }

    /** ROLE of {@code n}'s Redis ("master" / "slave"), empty when it does not answer. */
    Optional<String> role(Node n) {
        try {
            return Optional.of(withJedis(n.ipv4(), 300, j -> (String) j.role().get(0)));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    long dbsize(Node n) throws Exception {
        return withJedis(n.ipv4(), 2000, Jedis::dbSize);
    }

    void awaitReplicaOf(Node replica, Node master, Duration timeout) {
        Await.until(timeout, replica.name() + " replicating from " + master.name() + " with link up", () -> {
            try {
                String info = withJedis(replica.ipv4(), 300, j -> j.info("replication"));
                return info.contains("master_host:" + master.ipv4()) && info.contains("master_link_status:up");
            } catch (Exception e) {
                return false;
            }
        });
    }

    boolean holdsVip(Node n) {
        return lab.hasAddress(n, VIP);
    }

    void awaitVipOn(Node n, Duration timeout) {
        Node other = n.equals(a) ? b : a;
        Await.until(timeout, VIP + " on " + n.name() + " only", () -> holdsVip(n) && !holdsVip(other));
    }

    /** Acknowledged writes whose key the master behind the VIP does not have. */
    long missing(List<Writer.Ack> acks) throws Exception {
        return withJedis(VIP, 5000, j -> {
            long missing = 0;
            for (int i = 0; i < acks.size(); i += 1000) {
                List<Writer.Ack> chunk = acks.subList(i, Math.min(acks.size(), i + 1000));
                List<String> got = j.mget(chunk.stream().map(x -> "w:" + x.n()).toArray(String[]::new));
                for (int k = 0; k < got.size(); k++) {
                    if (!Long.toString(chunk.get(k).n()).equals(got.get(k))) {
                        missing++;
                    }
                }
            }
            return missing;
        });
    }

    /** Acknowledged writes missing among those acknowledged before {@code nanos}. */
    long missingBefore(List<Writer.Ack> acks, long nanos) throws Exception {
        return missing(acks.stream().filter(x -> x.atNanos() < nanos).toList());
    }

    String keepvipLog(Node n) {
        try {
            return Files.readString(keepvip.get(n.name()).log());
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Waits until {@code n}'s running keepvip has logged its demote to a replica of {@code master}'s
     * Redis; a line of an earlier keepvip on {@code n} (same log file) does not count.
     */
    void awaitDemoted(Node n, Node master) {
        java.util.regex.Pattern demoted = java.util.regex.Pattern.compile("redis r6379: demote ok;[^\\n]*; master "
                + java.util.regex.Pattern.quote(master.ipv4()) + ";");
        Await.until(Duration.ofSeconds(20), n.name() + "'s keepvip: " + demoted,
                () -> demoted.matcher(keepvipLog(n).substring(logFrom.get(n.name()))).find());
    }

    /** {@code n}'s keepvip log once it holds every one of {@code texts}: see {@link LabProcess#awaitOutput}. */
    String awaitKeepvipLog(Node n, String... texts) {
        return keepvip.get(n.name()).awaitOutput(texts);
    }

    @Override
    public void close() {
        for (LabProcess p : stopped) {
            try {
                p.signal("CONT");
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        lab.close();
    }
}
