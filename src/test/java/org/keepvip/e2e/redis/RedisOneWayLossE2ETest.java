package org.keepvip.e2e.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.redis.RedisPair.PORT;
import static org.keepvip.e2e.redis.RedisPair.VIP;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;
import org.keepvip.e2e.lab.Subnet;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Pair mode, loss in one direction only: everything the master (a) sends to the replica's host (b) is
 * dropped at b's switch port, while b's traffic to a, and both hosts' traffic to the client, pass.
 * b hears no adverts and takes over; a hears b's lower-priority adverts and stays MASTER (its GARPs
 * pull the client back); a's replica link is gone, so with {@code min_replicas_to_write 1} a stops
 * acknowledging writes within the lag and, isolated, drops to priority 1 and yields to b. After the
 * heal a is resynced from b, its dataset kept first, and the split brain reported.
 *
 * <p>The cut is {@code one_way_loss.py}, a relay in the switch namespace between b's port and the
 * bridge (this kernel has neither nftables nor tc classifiers). Printed: acknowledged writes lost
 * after the heal (checked key by key), seconds during which both hosts held the VIP and accepted a
 * write, time to one writable master, the client's longest gap. Asserted: what pair mode
 * guarantees (no acknowledged write later than the lag bound lost, two writable VIP holders for no
 * longer than the bound, the loser's dataset kept, the split brain reported naming both).
 */
class RedisOneWayLossE2ETest {
    private static final int MAX_LAG = 2;
    /** As in RedisSplitBrainE2ETest: Redis counts the lag in whole seconds, refreshed once a second. */
    private static final Duration WRITE_BOUND = Duration.ofMillis((MAX_LAG + 2) * 1000L + 500);
    /** How long the cut lasts: past b's second GARP burst (garp_master_delay, 5 s) so the client follows b. */
    private static final Duration CUT = Duration.ofSeconds(8);

    @BeforeAll
    static void prerequisites() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server", "redis-cli");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs python3");
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void lossFromMasterToReplicaOnlyIsBoundedByMinReplicasAndTheLosersDataIsKept() throws Exception {
        Path[] mode = new Path[1];
        LabProcess[] relay = new LabProcess[1];
        try (RedisPair p = RedisPair.start("0.1", q -> {
            q.redisExtra = "    min_replicas_to_write 1\n    min_replicas_max_lag " + MAX_LAG;
            mode[0] = q.lab.writeFile("one-way-mode", "pass\n");
            relay[0] = insertRelay(q, mode[0]);
        })) {
            Await.until(Duration.ofSeconds(15), "a enforces min-replicas", () -> minReplicas(p, p.a).equals("enforced"));
            try (Writer w = new Writer(p.lab.executor(p.client), VIP, PORT);
                    WritableHolders holders = new WritableHolders(p)) {
                Await.until(Duration.ofSeconds(10), "200 writes acknowledged through the VIP, holders sampled",
                        () -> w.ackCount() >= 200 && holders.rounds() >= 5);
                Files.writeString(mode[0], "drop\n");
                long cut = System.nanoTime();
                Await.until(Duration.ofSeconds(5), "the relay drops a's frames to b",
                        () -> relay[0].output().contains("drop "));
                Await.until(Duration.ofSeconds(10), "b MASTER", () -> p.state(p.b).equals("MASTER"));
                Await.until(Duration.ofSeconds(15), "a isolated and out of MASTER", () ->
                        minReplicas(p, p.a).equals("isolated") || !p.state(p.a).equals("MASTER"));
                Await.until(Duration.ofSeconds(15), "a no longer MASTER", () -> !p.state(p.a).equals("MASTER"));
                long before = w.ackCount();
                Await.until(CUT.plus(Duration.ofSeconds(10)), "the cut lasted " + CUT.toSeconds() + " s",
                        () -> System.nanoTime() - cut >= CUT.toNanos());
                boolean clientOnB = w.ackCount() > before;

                Files.writeString(mode[0], "pass\n");
                long heal = System.nanoTime();
                try {
                    Await.until(Duration.ofSeconds(15), "b MASTER, a BACKUP", () -> p.state(p.b).equals("MASTER")
                            && p.state(p.a).equals("BACKUP"));
                    p.awaitVipOn(p.b, Duration.ofSeconds(5));
                    p.awaitReplicaOf(p.a, p.b, Duration.ofSeconds(20));
                    Await.until(Duration.ofSeconds(10), "a's split brain report", () -> p.keepvipLog(p.a)
                            .contains("split brain healed"));
                } catch (AssertionError e) {
                    for (Node n : List.of(p.a, p.b)) {
                        p.keepvipLog(n).lines().filter(l -> !l.contains("Changing effective priority"))
                                .skip(Math.max(0, p.keepvipLog(n).lines().count() - 80))
                                .forEach(l -> System.out.println("[one-way] " + n.name() + ": " + l));
                        System.out.println("[one-way] " + n.name() + " replication: " + p.withJedis(n.ipv4(), 1000,
                                j -> j.info("replication")).replace("\r\n", " "));
                    }
                    throw e;
                }
                Await.until(Duration.ofSeconds(20), "the client writes through the VIP again", () -> {
                    long n = w.ackCount();
                    return n > 0 && w.acks().get((int) n - 1).atNanos() > heal;
                });
                holders.close();
                w.close();

                List<Writer.Ack> acks = w.acks();
                long missing = p.missing(acks);
                long during = acks.stream().filter(x -> x.atNanos() >= cut).count();
                long lateMissing = p.missing(acks.stream().filter(x -> x.atNanos() >= cut + WRITE_BOUND.toNanos())
                        .toList());
                long lostBeforeCut = p.missingBefore(acks, cut);
                WritableHolders.Figures f = holders.figures(cut, heal);
                long gap = longestGap(acks, cut);
                String line = p.keepvipLog(p.a).lines().filter(l -> l.contains("split brain healed")).findFirst()
                        .orElseThrow();
                String saved = p.status(p.a).instances().get(0).redis().savedDataset();
                System.out.printf(Locale.ROOT, "[one-way] a -> b dropped for %.1f s (relay: %s), min_replicas_to_write 1,"
                                + " min_replicas_max_lag %d, advert_int 0.1%n", (heal - cut) / 1e9,
                        relay[0].output().lines().filter(l -> l.startsWith("pass ")).reduce((x, y) -> y).orElse("?"),
                        MAX_LAG);
                System.out.printf(Locale.ROOT, "[one-way] acknowledged writes through the VIP: %d, %d after the cut; lost"
                        + " after the heal (key by key): %d (%d acknowledged before the cut, not yet replicated; %d"
                        + " later than the %d ms bound)%n", acks.size(), during, missing, lostBeforeCut, lateMissing,
                        WRITE_BOUND.toMillis());
                List<Writer.Ack> lost = lostAcks(p, acks);
                System.out.printf(Locale.ROOT, "[one-way] the lost writes were acknowledged %s ms after the cut%n",
                        lost.isEmpty() ? "-" : (lost.get(0).atNanos() - cut) / 1_000_000 + ".."
                                + (lost.get(lost.size() - 1).atNanos() - cut) / 1_000_000);
                System.out.printf(Locale.ROOT, "[one-way] two hosts holding the VIP and accepting writes: %.2f s (%d of"
                        + " %d sampling rounds of ~%d ms); one writable master %.2f s after the cut; the client's"
                        + " longest gap in acknowledged writes %.2f s; the client on b before the heal: %s%n",
                        f.dualSeconds(), f.dualRounds(), f.rounds(), f.roundMillis(), f.oneWritableSeconds(),
                        gap / 1e9, clientOnB);
                System.out.println("[one-way] " + line.trim());
                for (Node n : List.of(p.a, p.b)) {
                    p.keepvipLog(n).lines().filter(l -> l.contains("STATE") || l.contains("MinReplicas")
                            || l.contains("split brain") || l.contains("fenced"))
                            .forEach(l -> System.out.println("[one-way] " + n.name() + ": " + l));
                }

                assertThat(p.missingBefore(acks, cut - Duration.ofSeconds(1).toNanos()))
                        .as("writes acknowledged a second before the cut had reached b").isZero();
                assertThat(lateMissing).as("no write acknowledged later than the lag bound is lost").isZero();
                assertThat(f.dualSeconds()).as("two writable VIP holders for at most the lag bound")
                        .isLessThanOrEqualTo(WRITE_BOUND.toMillis() / 1000.0 + f.roundMillis() / 1000.0);
                assertThat(line).contains("never received", p.b.ipv4(), "its dataset is kept in");
                assertThat(saved).as("status names a's kept dataset").isNotNull();
                assertThat(Path.of(saved)).exists().hasParent(p.dataDir(p.a));
                assertThat(line).contains(saved);
                assertThat(p.awaitKeepvipLog(p.a, "Redis_MinReplicas(r6379) isolated"))
                        .contains("Redis_MinReplicas(r6379) isolated");
            }
        }
    }

    /** b's switch port leaves the bridge; the relay joins it to a new port of the bridge, dropping per the mode file. */
    private static LabProcess insertRelay(RedisPair q, Path mode) {
        Node sw = new Node("sw", q.lab.switchNamespace(), "q-b", Subnet.ONE, "", "", "", "");
        for (String[] cmd : List.of(new String[] {"ip", "link", "set", q.b.switchPort(), "nomaster"},
                new String[] {"ip", "link", "add", "q-b", "type", "veth", "peer", "name", "q-br"},
                new String[] {"ip", "link", "set", "q-br", "master", Subnet.ONE.bridge()},
                new String[] {"ip", "link", "set", "q-br", "up"},
                new String[] {"ip", "link", "set", "q-b", "up"})) {
            q.lab.exec(sw, cmd).orThrow();
        }
        Path script;
        try {
            script = Path.of(RedisOneWayLossE2ETest.class.getResource("/one_way_loss.py").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        LabProcess relay = q.lab.start(sw, "one-way", "/usr/bin/python3", "-u", script.toString(), "q-b",
                q.b.switchPort(), q.a.mac(), mode.toString());
        Await.until(Duration.ofSeconds(10), "relay ready", () -> relay.output().contains("ready"));
        return relay;
    }

    /** The acknowledged writes the master behind the VIP lacks, in order. */
    private static List<Writer.Ack> lostAcks(RedisPair p, List<Writer.Ack> acks) throws Exception {
        return p.withJedis(VIP, 5000, j -> {
            List<Writer.Ack> out = new ArrayList<>();
            for (int i = 0; i < acks.size(); i += 1000) {
                List<Writer.Ack> chunk = acks.subList(i, Math.min(acks.size(), i + 1000));
                List<String> got = j.mget(chunk.stream().map(x -> "w:" + x.n()).toArray(String[]::new));
                for (int k = 0; k < got.size(); k++) {
                    if (!Long.toString(chunk.get(k).n()).equals(got.get(k))) {
                        out.add(chunk.get(k));
                    }
                }
            }
            return out;
        });
    }

    /** The longest time between two acknowledgements after {@code from}, in ns. */
    private static long longestGap(List<Writer.Ack> acks, long from) {
        long last = from;
        long gap = 0;
        for (Writer.Ack a : acks) {
            if (a.atNanos() >= from) {
                gap = Math.max(gap, a.atNanos() - last);
                last = a.atNanos();
            }
        }
        return gap;
    }

    private static String minReplicas(RedisPair p, Node n) {
        try {
            var r = p.status(n).instances().get(0).redis();
            return r == null || r.minReplicas() == null ? "" : r.minReplicas().state();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Rounds of: does a hold the VIP, does a's Redis take a write on a's own address (SET within
     * 200 ms: not paused, not READONLY, not NOREPLICAS); the same for b. A round in which both do is
     * a round with two hosts accepting writes through the VIP. Runs on a thread in the client's
     * namespace, with its own connections.
     */
    static final class WritableHolders implements AutoCloseable {
        record Round(long startNanos, long endNanos, boolean a, boolean b) {}

        record Figures(double dualSeconds, int dualRounds, int rounds, long roundMillis, double oneWritableSeconds) {}

        private final RedisPair p;
        private final List<Round> rounds = new ArrayList<>();
        private volatile boolean running = true;
        private final ExecutorService ns;
        private final Future<?> task;

        WritableHolders(RedisPair p) throws java.io.IOException {
            this.p = p;
            this.ns = p.lab.executor(p.client);
            this.task = ns.submit(this::loop);
        }

        private void loop() {
            Jedis[] conn = new Jedis[2];
            List<Node> nodes = List.of(p.a, p.b);
            long k = 0;
            while (running) {
                long start = System.nanoTime();
                boolean[] ok = new boolean[2];
                for (int i = 0; i < 2; i++) {
                    Node n = nodes.get(i);
                    boolean holds;
                    try {
                        holds = p.holdsVip(n);
                    } catch (RuntimeException e) {
                        return; // the lab is closing
                    }
                    ok[i] = holds && write(conn, i, n, k);
                }
                k++;
                synchronized (rounds) {
                    rounds.add(new Round(start, System.nanoTime(), ok[0], ok[1]));
                }
            }
            for (Jedis j : conn) {
                if (j != null) {
                    j.close();
                }
            }
        }

        private static boolean write(Jedis[] conn, int i, Node n, long k) {
            try {
                if (conn[i] == null) {
                    conn[i] = new Jedis(new HostAndPort(n.ipv4(), PORT), DefaultJedisClientConfig.builder()
                            .connectionTimeoutMillis(200).socketTimeoutMillis(200).build());
                }
                return "OK".equals(conn[i].set("probe:" + n.name(), Long.toString(k)));
            } catch (RuntimeException e) {
                try {
                    conn[i].close();
                } catch (RuntimeException ignored) {
                    // broken
                }
                conn[i] = null;
                return false;
            }
        }

        int rounds() {
            synchronized (rounds) {
                return rounds.size();
            }
        }

        /** Between the cut and the heal: time with two writable holders, and when it ended. */
        Figures figures(long cut, long heal) {
            List<Round> in;
            synchronized (rounds) {
                in = rounds.stream().filter(r -> r.endNanos() >= cut && r.startNanos() <= heal).toList();
            }
            long dual = 0;
            int dualRounds = 0;
            long lastDualEnd = cut;
            long total = 0;
            for (Round r : in) {
                total += r.endNanos() - r.startNanos();
                if (r.a() && r.b()) {
                    dual += r.endNanos() - r.startNanos();
                    dualRounds++;
                    lastDualEnd = r.endNanos();
                }
            }
            // One writable master: the first round after the last dual one in which exactly one host is.
            long one = -1;
            for (Round r : in) {
                if (r.startNanos() >= lastDualEnd && (r.a() ^ r.b())) {
                    one = r.endNanos();
                    break;
                }
            }
            return new Figures(dual / 1e9, dualRounds, in.size(), in.isEmpty() ? 0 : total / in.size() / 1_000_000,
                    one < 0 ? Double.NaN : (one - cut) / 1e9);
        }

        @Override
        public void close() throws Exception {
            running = false;
            try {
                task.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                task.cancel(true);
            }
        }
    }
}
