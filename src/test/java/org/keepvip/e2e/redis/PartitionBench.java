package org.keepvip.e2e.redis;

import static org.keepvip.e2e.redis.RedisPair.PORT;
import static org.keepvip.e2e.redis.RedisPair.VIP;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;
import redis.clients.jedis.HostAndPort;

/**
 * scripts/bench-partition: three network partitions, four ways of running a Redis pair, the cost of
 * each in acknowledged writes lost, seconds with two writable masters behind the client path, and
 * time to one writable master. Skipped unless {@code -Dkeepvip.bench.partition=ROUNDS} is given; the
 * method is in the script's header and docs/benchmarks.md ("Partitions").
 */
class PartitionBench {
    /** The four stacks. */
    enum Stack {
        KEEPVIP_PAIR("keepvip pair mode"),
        KEEPVIP_SENTINEL("keepvip Sentinel mode"),
        /**
         * The shipped redis_check.sh forks bash, timeout and redis-cli twice: on a loaded 2-vCPU host it
         * took over 2 s, so keepalived flapped between FAULT and MASTER with no partition at all. The
         * check runs every 2 s (as the operators' keepalived stacks run theirs), with timeout 5 and fall 2.
         */
        KEEPALIVED("keepalived + shipped hooks"),
        HAPROXY("Sentinel + HAProxy");

        final String label;

        Stack(String label) {
            this.label = label;
        }
    }

    /** The three cuts, all made in the switch namespace with one nftables bridge table. */
    enum Scenario {
        LINK("(a) a-b link cut"),
        ISOLATED("(b) master isolated"),
        ONE_WAY("(c) a->b dropped");

        final String label;

        Scenario(String label) {
            this.label = label;
        }
    }

    /** The figures of one run; a text instead of a number where the run could not measure it. */
    record Result(Stack stack, Scenario scenario, int round, String lost, String dual, String toOne, String outage,
                  String note) {}

    static final Duration PARTITION = Duration.ofSeconds(Long.getLong("keepvip.bench.partitionSeconds", 12));
    static final int DOWN_AFTER_MS = Integer.getInteger("keepvip.bench.downAfterMs", 5000);
    static final int FAILOVER_TIMEOUT_MS = Integer.getInteger("keepvip.bench.failoverTimeoutMs", 10000);
    static final int MAX_LAG = Integer.getInteger("keepvip.bench.maxLag", 2);
    /** How long after the heal the stack has to end with one master and its replica. */
    static final Duration CONVERGE = Duration.ofSeconds(40);
    /** Bucket of the two-writable-masters count. */
    static final long BUCKET_NANOS = Duration.ofMillis(100).toNanos();
    static final int HAPROXY_PORT = 6380;
    /**
     * Each writer's rate: a steady load rather than as fast as Redis answers, so the writers do not
     * starve the daemons under test of CPU on a small host.
     */
    static final int WRITES_PER_SECOND = Integer.getInteger("keepvip.bench.writesPerSecond", 1000);


    static final String LOAD_AT_START = loadAverage();

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Test
    void benchPartition() throws Exception {
        String rounds = System.getProperty("keepvip.bench.partition");
        Assumptions.assumeTrue(rounds != null && !rounds.isBlank(), "set -Dkeepvip.bench.partition=ROUNDS to run");
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server", "redis-cli", "nft");
        List<Stack> stacks = pick(Stack.class, System.getProperty("keepvip.bench.stacks", ""));
        List<Scenario> scenarios = pick(Scenario.class, System.getProperty("keepvip.bench.scenarios", ""));
        int n = Integer.parseInt(rounds.trim());
        List<Result> results = new ArrayList<>();
        for (int round = 1; round <= n; round++) {
            for (Scenario sc : scenarios) {
                for (Stack st : stacks) {
                    Result r = runSafely(st, sc, round);
                    System.out.printf("[bench] round %d %s %s: lost %s, two writable %s, one writable master %s,"
                            + " client outage %s%s%n", round, sc, st, r.lost(), r.dual(), r.toOne(), r.outage(),
                            r.note().isEmpty() ? "" : " (" + r.note() + ")");
                    results.add(r);
                }
            }
        }
        String report = report(results);
        System.out.println(report);
        Path out = Path.of(System.getProperty("keepvip.bench.out", "target/bench-partition.txt"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
    }

    private static <E extends Enum<E>> List<E> pick(Class<E> type, String list) {
        if (list.isBlank()) {
            return List.of(type.getEnumConstants());
        }
        List<E> out = new ArrayList<>();
        for (String x : list.split(",")) {
            out.add(Enum.valueOf(type, x.strip().toUpperCase(Locale.ROOT)));
        }
        return out;
    }

    /** One run; a stack that cannot be set up here (a binary missing, no settling) is reported, not faked. */
    private static Result runSafely(Stack st, Scenario sc, int round) {
        String missing = switch (st) {
            case KEEPALIVED -> missingBinary("keepalived");
            case HAPROXY -> missingBinary("haproxy", "redis-sentinel");
            case KEEPVIP_SENTINEL -> missingBinary("redis-sentinel", "java");
            case KEEPVIP_PAIR -> missingBinary("java");
        };
        if (missing != null) {
            return unmeasured(st, sc, round, "not measured: " + missing + " not installed");
        }
        try {
            return once(st, sc, round);
        } catch (Exception | AssertionError e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            System.out.printf("[bench] %s %s failed: %s%n", sc, st, e);
            return unmeasured(st, sc, round, "not measured: " + why);
        }
    }

    private static Result unmeasured(Stack st, Scenario sc, int round, String why) {
        return new Result(st, sc, round, "-", "-", "-", "-", why);
    }

    private static String missingBinary(String... names) {
        for (String b : names) {
            try {
                if (run("sh", "-c", "command -v " + b).exitCode != 0) {
                    return b;
                }
            } catch (IOException e) {
                return b;
            }
        }
        return null;
    }

    private static Result once(Stack st, Scenario sc, int round) throws Exception {
        Lab lab = Lab.builder().host("a").host("b").host("s").host("ca").client().build();
        RedisPair pair;
        try {
            pair = new RedisPair(lab, "0.1");
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        try (RedisPair p = pair) {
            try {
                return measure(p, st, sc, round);
            } finally {
                if (System.getProperty("keepvip.bench.logs") != null) {
                    dumpLogs(p);
                }
            }
        }
    }

    private static Result measure(RedisPair p, Stack st, Scenario sc, int round) throws Exception {
        Lab lab = p.lab;
        Node s = lab.node("s");
        Node ca = lab.node("ca");
        p.sentinelDownAfterMs = DOWN_AFTER_MS;
        p.sentinelTimeout = "1"; // the documented default
        p.checkLines = ""; // every documented redis_instance default
        p.startRedis(p.a, null);
        p.startRedis(p.b, p.a);
        p.awaitReplicaOf(p.b, p.a, Duration.ofSeconds(10));
        Map<String, String> hostOf = new HashMap<>();
        for (Node n : List.of(p.a, p.b)) {
            hostOf.put(p.withJedis(n.ipv4(), 2000, Writer::runId), n.name());
        }
        HostAndPort entry = new HostAndPort(VIP, PORT);
        switch (st) {
            case KEEPVIP_PAIR -> {
                p.redisExtra = "    min_replicas_to_write 1\n    min_replicas_max_lag " + MAX_LAG;
                p.startKeepvip(p.a, 150);
                p.awaitVipOn(p.a, Duration.ofSeconds(20));
                p.startKeepvip(p.b, 100);
                Await.until(Duration.ofSeconds(20), "b's keepvip BACKUP", () -> p.state(p.b).equals("BACKUP"));
                Await.until(Duration.ofSeconds(10), "a enforces min-replicas",
                        () -> minReplicas(p, p.a).equals("enforced"));
            }
            case KEEPVIP_SENTINEL -> {
                startSentinels(p, List.of(p.a, p.b, s));
                p.startKeepvip(p.a, 250);
                p.awaitVipOn(p.a, Duration.ofSeconds(20));
                p.startKeepvip(p.b, 250);
                Await.until(Duration.ofSeconds(20), "b's keepvip in FAULT (a is the named master)",
                        () -> p.state(p.b).equals("FAULT"));
            }
            case KEEPALIVED -> {
                p.keepalivedIntervalSeconds = 2;
                p.keepalivedTimeoutSeconds = 5;
                p.keepalivedFall = 2;
                p.startKeepalived(p.a, 150, p.b);
                p.awaitVipOn(p.a, Duration.ofSeconds(20));
                LabProcess kb = p.startKeepalived(p.b, 100, p.a);
                try {
                    Await.until(Duration.ofSeconds(40), "b's keepalived BACKUP",
                            () -> kb.output().contains("Entering BACKUP STATE"));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; b's keepalived:\n" + kb.output());
                }
            }
            case HAPROXY -> {
                startSentinels(p, List.of(p.a, p.b, s));
                for (Node c : List.of(p.client, ca)) {
                    startHaproxy(p, c);
                }
                entry = new HostAndPort("127.0.0.1", HAPROXY_PORT);
            }
            default -> throw new IllegalStateException();
        }
        HostAndPort target = entry;
        try (Writer wc = Writer.identifying(lab.executor(p.client), () -> target, "c:", WRITES_PER_SECOND);
                Writer wa = Writer.identifying(lab.executor(ca), () -> target, "ca:", WRITES_PER_SECOND)) {
            long settled = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            Await.until(Duration.ofSeconds(20), "both writers acknowledged 200 writes, 2 s in service",
                    () -> wc.ackCount() >= 200 && wa.ackCount() >= 200 && System.nanoTime() - settled > 0);
            long cut = System.nanoTime();
            nft(p, "add table bridge kvpart\nadd chain bridge kvpart cut { type filter hook forward priority 0;"
                    + " policy accept; }\n" + rules(sc, p, s, ca));
            Thread.sleep(PARTITION.toMillis());
            long heal = System.nanoTime();
            nft(p, "delete table bridge kvpart\n");
            // After the heal: one master, the other replicating from it, and for a VIP stack the VIP on
            // that master only; then both clients acknowledged by it (the client path followed).
            Optional<Node> fin = awaitOneMaster(p, st);
            System.out.printf("[logs] cut at %s%n", java.time.LocalTime.now().minusNanos(System.nanoTime() - cut));
            String note = "";
            if (fin.isEmpty() && st != Stack.HAPROXY) {
                // Both Redis masters, but the VIP on one: what the clients see is that one's data.
                for (Node m : List.of(p.a, p.b)) {
                    Node r = m == p.a ? p.b : p.a;
                    if (p.holdsVip(m) && !p.holdsVip(r) && p.role(m).orElse("").equals("master")) {
                        note = "not converged " + CONVERGE.toSeconds() + " s after the heal (" + roles(p)
                                + "): figures against the VIP holder";
                        fin = Optional.of(m);
                    }
                }
            }
            if (fin.isEmpty()) {
                return new Result(st, sc, round, "-", dual(acksOf(wc, wa), cut), "-",
                        outage(wc.acks(), cut, System.nanoTime()),
                        "no single master with its replica " + CONVERGE.toSeconds() + " s after the heal ("
                                + roles(p) + "): loss not measured");
            }
            Node f = fin.get();
            String fid = idOf(hostOf, f);
            long converged = System.nanoTime();
            boolean followed = awaitUntil(Duration.ofSeconds(20), () -> ackedBy(wc, fid, converged)
                    && ackedBy(wa, fid, converged));
            if (!followed) {
                note = join(note, "a client did not reach the final master within 20 s of convergence");
            }
            long stopped = System.nanoTime();
            wc.close();
            wa.close();
            List<Writer.Ack> all = acksOf(wc, wa);
            long lost = missing(p, f, wc) + missing(p, f, wa);
            long lostBefore = missing(p, f, wc, cut) + missing(p, f, wa, cut);
            String lostText = String.format(Locale.ROOT, "%d of %d", lost, all.size());
            if (lostBefore > 0) {
                note = join(note, lostBefore + " of the lost acknowledged before the cut (not yet replicated)");
            }
            long lastOther = all.stream().filter(x -> x.atNanos() >= cut && !fid.equals(x.server()))
                    .mapToLong(Writer.Ack::atNanos).max().orElse(cut);
            if (lastOther > cut) {
                note = join(note, "the other server's last acknowledged write " + secs(lastOther - cut)
                        + " s after the cut");
            }
            String kept = keptDataset(p, st);
            if (!kept.isEmpty()) {
                note = join(note, kept);
            }
            if (converged - heal < CONVERGE.toNanos()) {
                note = join(note, "final master " + f.name() + ", converged " + secs(converged - heal)
                        + " s after the heal");
            }
            String one = toOne(all, fid, cut);
            if (!followed && one.equals("never")) {
                one = ">" + secs(stopped - cut);
            }
            return new Result(st, sc, round, lostText, dual(all, cut), one, outage(wc.acks(), cut, stopped), note);
        }
    }

    /** With -Dkeepvip.bench.logs: every daemon's log of the run, for finding out why a stack did what it did. */
    private static void dumpLogs(RedisPair p) throws IOException {
        try (var files = Files.list(p.lab.tempDir())) {
            for (Path f : files.filter(x -> x.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                System.out.printf("[logs] --- %s (%d lines, the last 200)%n", f.getFileName(), lines.size());
                lines.subList(Math.max(0, lines.size() - 200), lines.size())
                        .forEach(l -> System.out.println("[logs] " + l));
            }
        }
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "; " + b;
    }

    private static String idOf(Map<String, String> hostOf, Node n) {
        return hostOf.entrySet().stream().filter(e -> e.getValue().equals(n.name())).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    private static List<Writer.Ack> acksOf(Writer... ws) {
        List<Writer.Ack> all = new ArrayList<>();
        for (Writer w : ws) {
            all.addAll(w.acks());
        }
        all.sort((x, y) -> Long.compare(x.atNanos(), y.atNanos()));
        return all;
    }

    private static boolean ackedBy(Writer w, String server, long after) {
        List<Writer.Ack> acks = w.acks();
        for (int i = acks.size() - 1; i >= 0 && acks.get(i).atNanos() > after; i--) {
            if (server.equals(acks.get(i).server())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The nftables rules of each cut, on the switch's forward hook (per egress port, flooded frames
     * included): the cables stay up, so no daemon sees a link change, only silence.
     */
    private static String rules(Scenario sc, RedisPair p, Node s, Node ca) {
        StringBuilder r = new StringBuilder();
        java.util.function.BiConsumer<Node, Node> drop = (from, to) -> r.append("add rule bridge kvpart cut iifname \"")
                .append(from.switchPort()).append("\" oifname \"").append(to.switchPort()).append("\" drop\n");
        switch (sc) {
            case LINK -> {
                drop.accept(p.a, p.b);
                drop.accept(p.b, p.a);
            }
            case ISOLATED -> {
                // a and its client host ca on one side; b, the third Sentinel host and the client on the other.
                for (Node in : List.of(p.a, ca)) {
                    for (Node out : List.of(p.b, s, p.client)) {
                        drop.accept(in, out);
                        drop.accept(out, in);
                    }
                }
            }
            case ONE_WAY -> drop.accept(p.a, p.b);
            default -> throw new IllegalStateException();
        }
        return r.toString();
    }

    private static void nft(RedisPair p, String script) throws IOException {
        Path f = p.lab.writeFile("nft-" + System.nanoTime() + ".nft", script);
        Ran r = run("ip", "netns", "exec", p.lab.switchNamespace(), "nft", "-f", f.toString());
        if (r.exitCode != 0) {
            throw new IllegalStateException("nft -f " + f + ": " + r.output);
        }
    }

    private record Ran(int exitCode, String output) {}

    private static Ran run(String... argv) throws IOException {
        Process pr = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes());
        try {
            if (!pr.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                pr.destroyForcibly();
                return new Ran(-1, out + " (timed out)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pr.destroyForcibly();
            return new Ran(-1, out + " (interrupted)");
        }
        return new Ran(pr.exitValue(), out);
    }

    private static void startSentinels(RedisPair p, List<Node> at) {
        p.sentinels = at;
        for (Node n : at) {
            p.startSentinel(n, FAILOVER_TIMEOUT_MS);
        }
        for (Node n : at) {
            Await.until(Duration.ofSeconds(30), "Sentinel on " + n.name() + " knows the replica and 2 Sentinels",
                    () -> p.sentinelReady(n));
        }
    }

    /**
     * HAProxy as such stacks are built: mode tcp, one backend listing both Redis servers, a tcp-check
     * in one session (PING, INFO REPLICATION expecting role:master, QUIT), check inter 1s, timeout
     * connect 2s; here on each client host (the writers' own proxy), so each side of a cut has one.
     */
    private static void startHaproxy(RedisPair p, Node at) {
        String conf = """
                global
                    maxconn 1024
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                frontend redis_in
                    bind 127.0.0.1:%d
                    default_backend redis_master
                backend redis_master
                    option tcp-check
                    tcp-check connect
                    tcp-check send PING\\r\\n
                    tcp-check expect string +PONG
                    tcp-check send info\\ replication\\r\\n
                    tcp-check expect string role:master
                    tcp-check send QUIT\\r\\n
                    tcp-check expect string +OK
                    server a %s:%d check inter 1s
                    server b %s:%d check inter 1s
                """.formatted(HAPROXY_PORT, p.a.ipv4(), PORT, p.b.ipv4(), PORT);
        Path file = p.lab.writeFile("haproxy-" + at.name() + ".cfg", conf);
        LabProcess h = p.lab.start(at, "haproxy-" + at.name(), "haproxy", "-db", "-f", file.toString());
        Await.until(Duration.ofSeconds(15), "HAProxy on " + at.name() + " routes to a", () -> {
            if (!h.isAlive()) {
                throw new AssertionError("haproxy on " + at.name() + " exited: " + h.output());
            }
            try {
                return p.lab.inNamespace(at, () -> {
                    try (var j = new redis.clients.jedis.Jedis(new HostAndPort("127.0.0.1", HAPROXY_PORT),
                            redis.clients.jedis.DefaultJedisClientConfig.builder().connectionTimeoutMillis(500)
                                    .socketTimeoutMillis(500).build())) {
                        return "OK".equals(j.set("haproxy-ready", "1"));
                    }
                });
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The one master after the heal (the other replicating from it, link up; a VIP stack: VIP there only). */
    private static Optional<Node> awaitOneMaster(RedisPair p, Stack st) {
        Node[] found = new Node[1];
        boolean ok = awaitUntil(CONVERGE, () -> {
            for (Node m : List.of(p.a, p.b)) {
                Node r = m == p.a ? p.b : p.a;
                if (p.role(m).orElse("").equals("master") && replicates(p, r, m)
                        && (st == Stack.HAPROXY || p.holdsVip(m) && !p.holdsVip(r))) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return ok ? Optional.of(found[0]) : Optional.empty();
    }

    private static boolean replicates(RedisPair p, Node replica, Node master) {
        try {
            String info = p.withJedis(replica.ipv4(), 300, j -> j.info("replication"));
            return info.contains("role:slave") && info.contains("master_host:" + master.ipv4())
                    && info.contains("master_link_status:up");
        } catch (Exception e) {
            return false;
        }
    }

    private static String roles(RedisPair p) {
        return "a " + p.role(p.a).orElse("?") + (p.holdsVip(p.a) ? " with the VIP" : "") + ", b "
                + p.role(p.b).orElse("?") + (p.holdsVip(p.b) ? " with the VIP" : "");
    }

    private static boolean awaitUntil(Duration timeout, BooleanSupplier c) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - end < 0) {
            if (c.getAsBoolean()) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        return false;
    }

    /** Acknowledged writes of {@code w} the final master lacks (key by key, MGET in chunks). */
    private static long missing(RedisPair p, Node f, Writer w) throws Exception {
        return missing(p, f, w, Long.MAX_VALUE);
    }

    /** As above, among the writes acknowledged before {@code before}. */
    private static long missing(RedisPair p, Node f, Writer w, long before) throws Exception {
        List<Writer.Ack> acks = w.acks().stream().filter(x -> x.atNanos() - before < 0 || before == Long.MAX_VALUE)
                .toList();
        return p.withJedis(f.ipv4(), 10000, j -> {
            long n = 0;
            for (int i = 0; i < acks.size(); i += 1000) {
                List<Writer.Ack> chunk = acks.subList(i, Math.min(acks.size(), i + 1000));
                List<String> got = j.mget(chunk.stream().map(x -> w.key(x.n())).toArray(String[]::new));
                for (int k = 0; k < got.size(); k++) {
                    if (!Long.toString(chunk.get(k).n()).equals(got.get(k))) {
                        n++;
                    }
                }
            }
            return n;
        });
    }

    /**
     * Seconds after the cut during which two servers acknowledged writes: 100 ms buckets in which
     * writes acknowledged by both a and b fall.
     */
    static String dual(List<Writer.Ack> acks, long cut) {
        Map<Long, java.util.Set<String>> buckets = new LinkedHashMap<>();
        for (Writer.Ack x : acks) {
            if (x.atNanos() >= cut && x.server() != null) {
                buckets.computeIfAbsent((x.atNanos() - cut) / BUCKET_NANOS, k -> new java.util.HashSet<>())
                        .add(x.server());
            }
        }
        long both = buckets.values().stream().filter(v -> v.size() > 1).count();
        return secs(both * BUCKET_NANOS);
    }

    /**
     * Time from the cut to the first write the final master acknowledged after the last write any other
     * server acknowledged: from then on it was the one writable master behind the client path.
     */
    static String toOne(List<Writer.Ack> acks, String fin, long cut) {
        long lastOther = cut;
        for (Writer.Ack x : acks) {
            if (x.atNanos() >= cut && !fin.equals(x.server())) {
                lastOther = Math.max(lastOther, x.atNanos());
            }
        }
        for (Writer.Ack x : acks) {
            if (x.atNanos() >= lastOther && fin.equals(x.server())) {
                return secs(x.atNanos() - cut);
            }
        }
        return "never";
    }

    /** The longest time after the cut without an acknowledged write for the majority side's client. */
    static String outage(List<Writer.Ack> acks, long cut, long end) {
        long prev = cut;
        long worst = 0;
        for (Writer.Ack x : acks) {
            if (x.atNanos() >= cut) {
                worst = Math.max(worst, x.atNanos() - prev);
                prev = x.atNanos();
            }
        }
        return secs(Math.max(worst, end - prev));
    }

    static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    /** keepvip pair mode keeps a resynced loser's dataset on disk; names it for the note. */
    private static String keptDataset(RedisPair p, Stack st) {
        if (st != Stack.KEEPVIP_PAIR) {
            return "";
        }
        for (Node n : List.of(p.a, p.b)) {
            try {
                String saved = p.status(n).instances().get(0).redis().savedDataset();
                if (saved != null) {
                    return n.name() + "'s diverged dataset kept on disk";
                }
            } catch (IOException | RuntimeException e) {
                // no status: nothing to report
            }
        }
        return "";
    }

    private static String minReplicas(RedisPair p, Node n) {
        try {
            var r = p.status(n).instances().get(0).redis();
            return r == null || r.minReplicas() == null ? "" : r.minReplicas().state();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static String report(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Partition %d s; Sentinel down-after-milliseconds %d, failover-timeout"
                + " %d; keepvip pair min_replicas_to_write 1, min_replicas_max_lag %d; two writers at %d writes/s"
                + " each%n", PARTITION.toSeconds(), DOWN_AFTER_MS, FAILOVER_TIMEOUT_MS, MAX_LAG, WRITES_PER_SECOND));
        sb.append("Load average at the start: ").append(LOAD_AT_START).append(", at the end: ").append(loadAverage())
                .append('\n');
        sb.append(String.format(Locale.ROOT, "%-22s %-27s %5s  %-17s %9s %8s %8s%n", "scenario", "stack", "round",
                "acked writes lost", "2 masters", "1 master", "outage"));
        for (Scenario sc : Scenario.values()) {
            for (Stack st : Stack.values()) {
                for (Result r : results) {
                    if (r.scenario() == sc && r.stack() == st) {
                        sb.append(String.format(Locale.ROOT, "%-22s %-27s %5d  %-17s %9s %8s %8s%n", sc.label,
                                st.label, r.round(), r.lost(), r.dual(), r.toOne(), r.outage()));
                        if (!r.note().isEmpty()) {
                            sb.append(String.format(Locale.ROOT, "%-22s   %s%n", "", r.note()));
                        }
                    }
                }
            }
        }
        sb.append("""
                  acked writes lost: writes acknowledged to either client (c: majority side, ca: a's side) that
                    the final master lacks after the heal, read back key by key
                  2 masters: seconds after the cut in which both Redis servers acknowledged writes through the
                    client path (VIP or HAProxy), in 100 ms buckets
                  1 master: seconds from the cut to the first write acknowledged by the final master after the
                    last one any other server acknowledged
                  outage: the majority-side client's longest time without an acknowledged write after the cut
                """);
        return sb.toString();
    }
}
