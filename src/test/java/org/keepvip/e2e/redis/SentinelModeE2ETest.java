package org.keepvip.e2e.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.redis.RedisPair.PORT;
import static org.keepvip.e2e.redis.RedisPair.VIP;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Sentinel mode with real parts: redis-server on hosts a (master) and b (replica), three real
 * redis-sentinel processes on a, b and a third host s, keepvip on a and b listening to them, a
 * writer and a ROLE/VIP sampler in the client namespace. The Sentinels alone choose the master; the
 * VIP follows their majority.
 */
class SentinelModeE2ETest {

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server", "redis-sentinel");
    }

    @Test
    void killOfTheMastersRedisMovesTheVipToTheReplicaSentinelPromotes() throws Exception {
        try (RedisPair p = RedisPair.startWithSentinels("0.1");
                SwitchRecorder switches = new SwitchRecorder(p);
                ReadonlySampler sampler = new ReadonlySampler(p.lab.executor(p.client), p.lab, List.of(p.a, p.b), VIP);
                Writer w = new Writer(p.lab.executor(p.client), VIP, PORT)) {
            Await.until(Duration.ofSeconds(10), "500 writes acknowledged", () -> w.ackCount() >= 500);
            long[] kill = p.killRedisNow(p.a);
            Await.until(Duration.ofSeconds(15), "a Sentinel majority publishing +switch-master to b",
                    () -> switches.majorityAt() > 0);
            long majority = switches.majorityAt();
            p.awaitVipOn(p.b, Duration.ofSeconds(10));
            long vipSeen = System.nanoTime();
            long before = w.ackCount();
            Await.until(Duration.ofSeconds(10), "writes acknowledged again", () -> w.ackCount() >= before + 200);
            w.close();
            long firstAck = w.firstAckAfter(kill[1]).orElseThrow();
            // b's takeover lines, written by its log writer after the VIP is in (and held until then).
            String logB = p.awaitKeepvipLog(p.b, "Sentinel(r6379) this host serves", "confirmed master",
                    "Entering MASTER STATE");
            System.out.printf("[sentinel-e2e] kill -9: +switch-master from a majority %d ms after the kill, VIP seen on b"
                    + " %d ms after that, first write acknowledged %d ms after the kill; %d READONLY replies,"
                    + " %d samples%n", (majority - kill[0]) / 1_000_000, (vipSeen - majority) / 1_000_000,
                    (firstAck - kill[0]) / 1_000_000, w.readonlyReplies(), sampler.samples());
            timeline(p);
            // The VIP moved only once Sentinel's majority had switched, and only onto a Redis whose ROLE is master.
            assertThat(firstAck).isGreaterThan(switches.firstAt());
            assertThat(p.role(p.b)).contains("master");
            assertThat(p.state(p.b)).isEqualTo("MASTER");
            assertThat(p.state(p.a)).isEqualTo("FAULT");
            assertThat(p.keepvipLog(p.a).lines().filter(l -> l.contains("setting VIPs.")).count())
                    .as("a added the VIP once, at the start, never with its Redis dead").isEqualTo(1);
            assertThat(w.readonlyReplies()).isZero();
            sampler.close();
            assertThat(sampler.violations()).isEmpty();
            // b's keepvip confirmed what Sentinel did; it never promoted Redis itself.
            assertThat(logB).contains("Sentinel(r6379) this host serves", "confirmed master")
                    .doesNotContain("promoted: ROLE master confirmed");
            assertThat(logB.indexOf("Sentinel(r6379) this host serves")).isLessThan(logB.indexOf("Entering MASTER STATE"));

            // The old master restarts as the master it was: Sentinel makes it a replica, and it never serves the VIP.
            p.startRedis(p.a, null);
            p.awaitReplicaOf(p.a, p.b, Duration.ofSeconds(30));
            assertThat(p.holdsVip(p.a)).isFalse();
            assertThat(p.state(p.a)).isEqualTo("FAULT");
            String named = "Sentinels name " + p.b.ipv4() + ":" + PORT + " as master";
            assertThat(p.awaitKeepvipLog(p.a, named)).contains(named); // a's log writer may lag what Redis shows
        }
    }

    /**
     * SENTINEL FAILOVER with both Redis alive: the Sentinels demote a live master. a's keepvip fences
     * it (Sentinel itself makes it a replica only some seconds later) and releases; b takes over once
     * the majority has switched and its ROLE says master.
     */
    @Test
    void sentinelFailoverOfALiveMasterFencesItAndMovesTheVip() throws Exception {
        try (RedisPair p = RedisPair.startWithSentinels("0.1");
                SwitchRecorder switches = new SwitchRecorder(p);
                DualHolderSampler dual = new DualHolderSampler(p);
                Writer w = new Writer(p.lab.executor(p.client), VIP, PORT)) {
            Await.until(Duration.ofSeconds(10), "500 writes acknowledged", () -> w.ackCount() >= 500);
            // keepvip's own switchover would promote Redis itself: refused, Sentinel's FAILOVER is the way.
            var refused = p.switchover(p.a, p.b, 1000);
            assertThat(refused.ok()).isFalse();
            assertThat(refused.error()).contains("Sentinel mode", "SENTINEL FAILOVER mymaster");
            // Sentinel refuses (NOGOODSLAVE) until it has a fresh INFO of the replica: ask until it agrees.
            Await.until(Duration.ofSeconds(20), "a Sentinel accepting SENTINEL FAILOVER",
                    () -> askFailover(p));
            long asked = System.nanoTime();
            Await.until(Duration.ofSeconds(15), "a Sentinel majority publishing +switch-master to b",
                    () -> switches.majorityAt() > 0);
            p.awaitVipOn(p.b, Duration.ofSeconds(10));
            long before = w.ackCount();
            Await.until(Duration.ofSeconds(10), "writes acknowledged through b", () -> w.ackCount() >= before + 200);
            // Sentinel has not made a's Redis a replica yet (it waits some seconds): keepvip's fence holds its writes.
            boolean aStillMaster = p.role(p.a).filter("master"::equals).isPresent();
            boolean writable = p.withJedis(p.a.ipv4(), 300, j -> {
                try {
                    j.set("fenced-probe", "1");
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            });
            System.out.printf("[sentinel-e2e] SENTINEL FAILOVER: majority +switch-master %d ms after the request,"
                    + " first write through b %d ms after it; a's Redis still master: %s, writable: %s; %d READONLY,"
                    + " %d samples, %d with both holding the VIP%n", (switches.majorityAt() - asked) / 1_000_000,
                    (w.firstAckAfter(switches.majorityAt()).orElseThrow() - switches.majorityAt()) / 1_000_000,
                    aStillMaster, writable, w.readonlyReplies(), dual.samples(), dual.both());
            timeline(p);
            String named = "Sentinels name " + p.b.ipv4() + ":" + PORT + " as master";
            assertThat(p.awaitKeepvipLog(p.a, named, "fenced")).contains(named, "fenced"); // a's writer may lag
            assertThat(p.state(p.a)).isEqualTo("FAULT");
            assertThat(p.state(p.b)).isEqualTo("MASTER");
            if (aStillMaster) {
                assertThat(writable).as("a write straight to a's fenced Redis").isFalse();
            }
            assertThat(w.readonlyReplies()).isZero();
            // Sentinel then makes a's Redis a replica; keepvip lifts its pause.
            p.awaitReplicaOf(p.a, p.b, Duration.ofSeconds(30));
            Await.until(Duration.ofSeconds(5), "a's pause lifted", () -> p.keepvipLog(p.a).contains("write pause lifted"));
            w.close();
            dual.close();
            assertThat(dual.both()).isZero();

            // A reload may not switch the Sentinel settings of a running redis_instance; an unchanged one reloads.
            String conf = p.config(p.a, 250);
            p.lab.writeFile("kv-a.conf", conf.replace("sentinel_timeout " + RedisPair.SENTINEL_TIMEOUT,
                    "sentinel_timeout 0.7"));
            var reload = new org.keepvip.agent.control.ControlClient(p.socket(p.a), Duration.ofSeconds(10)).reload();
            assertThat(reload.ok()).isFalse();
            assertThat(reload.error()).contains("redis_instance r6379: changed sentinel settings need a restart");
            p.lab.writeFile("kv-a.conf", conf);
            reload = new org.keepvip.agent.control.ControlClient(p.socket(p.a), Duration.ofSeconds(10)).reload();
            assertThat(reload.ok()).as(String.valueOf(reload.error())).isTrue();
            assertThat(p.state(p.a)).isEqualTo("FAULT");
        }
    }

    /**
     * Host a (the master) loses every route to b and s: its keepvip reaches only its own Sentinel,
     * fences its Redis and releases the VIP within the documented bound; b and s's Sentinels no longer
     * reach a's Redis and fail over to b, which takes the VIP. Never do both hosts hold the VIP.
     */
    @Test
    void masterCutOffFromTheSentinelMajorityFencesAndReleasesAndTheMajoritysChoiceTakesOver() throws Exception {
        try (RedisPair p = RedisPair.startWithSentinels("0.1");
                DualHolderSampler dual = new DualHolderSampler(p);
                Writer w = new Writer(p.lab.executor(p.client), VIP, PORT)) {
            Await.until(Duration.ofSeconds(10), "500 writes acknowledged", () -> w.ackCount() >= 500);
            Node s = p.lab.node("s");
            long cut = System.nanoTime();
            p.lab.exec(p.a, "ip", "route", "add", "blackhole", p.b.ipv4() + "/32").orThrow();
            p.lab.exec(p.a, "ip", "route", "add", "blackhole", s.ipv4() + "/32").orThrow();
            Await.until(Duration.ofSeconds(10), "a releases the VIP", () -> !p.holdsVip(p.a));
            long released = System.nanoTime();
            // a's Redis is fenced: a write straight to it (not through the VIP) is not acknowledged.
            boolean writable = p.withJedis(p.a.ipv4(), 300, j -> {
                try {
                    j.set("fenced-probe", "1");
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            });
            Await.until(Duration.ofSeconds(20), "b serves the VIP", () -> p.holdsVip(p.b) && p.state(p.b).equals("MASTER"));
            long taken = System.nanoTime();
            long before = w.ackCount();
            Await.until(Duration.ofSeconds(10), "writes acknowledged through b", () -> w.ackCount() >= before + 100);
            double releaseMs = (released - cut) / 1e6;
            // The documented bound: 1.25 x sentinel_timeout to notice, at most 0.75 s to fence, then the VIP removal.
            double boundMs = 1.25 * Double.parseDouble(RedisPair.SENTINEL_TIMEOUT) * 1000 + 750;
            System.out.printf("[sentinel-e2e] a cut off: VIP released %.0f ms after the cut (bound %.0f ms), b serves"
                    + " %d ms after the cut; %d samples, %d with both holding the VIP%n", releaseMs, boundMs,
                    (taken - cut) / 1_000_000, dual.samples(), dual.both());
            assertThat(writable).as("a write straight to a's fenced Redis").isFalse();
            assertThat(p.awaitKeepvipLog(p.a, "Sentinels reachable, 2 needed", "fenced")) // a's writer may lag
                    .contains("Sentinels reachable, 2 needed", "fenced");
            assertThat(p.state(p.a)).isEqualTo("FAULT");
            assertThat(releaseMs).isLessThan(boundMs + 500); // plus the sampling of ip(8) in the namespace
            assertThat(w.readonlyReplies()).isZero();

            // Healed: Sentinel makes a's Redis a replica of b; the VIP stays on b.
            p.lab.exec(p.a, "ip", "route", "del", "blackhole", p.b.ipv4() + "/32").orThrow();
            p.lab.exec(p.a, "ip", "route", "del", "blackhole", s.ipv4() + "/32").orThrow();
            p.awaitReplicaOf(p.a, p.b, Duration.ofSeconds(30));
            assertThat(p.holdsVip(p.a)).isFalse();
            assertThat(p.holdsVip(p.b)).isTrue();
            w.close();
            dual.close();
            assertThat(dual.samples()).isGreaterThan(10);
            assertThat(dual.both()).isZero();
        }
    }

    /** a's and b's keepvip log lines about the hand-over, in time order. */
    private static void timeline(RedisPair p) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (Node n : List.of(p.a, p.b)) {
            p.keepvipLog(n).lines().filter(l -> l.contains("+switch-master") || l.contains("Sentinel(r6379)")
                    || l.contains("STATE") || l.contains("VIPs") || l.contains("fenced") || l.contains("priority 0")
                    || l.contains("confirmed master") || l.contains("advert")).forEach(l -> lines.add(l + "   [" + n.name() + "]"));
        }
        lines.stream().sorted().forEach(l -> System.out.println("[sentinel-e2e] " + l));
    }

    /** The client's view of +switch-master from each of the three Sentinels: when the first and the second arrived. */
    private static final class SwitchRecorder implements AutoCloseable {
        private final AtomicLong first = new AtomicLong();
        private final AtomicLong second = new AtomicLong();
        private final AtomicLong count = new AtomicLong();
        private final List<JedisPubSub> subs;
        private final List<Future<?>> tasks;

        SwitchRecorder(RedisPair p) throws Exception {
            subs = p.sentinels.stream().map(n -> (JedisPubSub) new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    if (message.contains(" " + p.b.ipv4() + " " + PORT)) {
                        long now = System.nanoTime();
                        long k = count.incrementAndGet();
                        if (k == 1) {
                            first.set(now);
                        } else if (k == 2) {
                            second.set(now);
                        }
                    }
                }
            }).toList();
            tasks = new java.util.ArrayList<>();
            for (int i = 0; i < subs.size(); i++) {
                Node n = p.sentinels.get(i);
                JedisPubSub sub = subs.get(i);
                // One thread of the client's namespace each: a subscription blocks its thread.
                ExecutorService ex = p.lab.executor(p.client);
                tasks.add(ex.submit(() -> {
                    try (Jedis j = new Jedis(new HostAndPort(n.ipv4(), 26379),
                            DefaultJedisClientConfig.builder().connectionTimeoutMillis(1000).build())) {
                        j.subscribe(sub, "+switch-master");
                    }
                    return null;
                }));
            }
            Await.until(Duration.ofSeconds(10), "subscribed to every Sentinel",
                    () -> subs.stream().allMatch(JedisPubSub::isSubscribed));
        }

        long firstAt() {
            return first.get();
        }

        /** When the second Sentinel (a majority of three) announced the switch, 0 before. */
        long majorityAt() {
            return second.get();
        }

        @Override
        public void close() {
            for (JedisPubSub s : subs) {
                try {
                    s.unsubscribe();
                } catch (RuntimeException ignored) {
                    // the connection is gone already
                }
            }
            for (Future<?> t : tasks) {
                t.cancel(true);
            }
        }
    }

    /** Samples whether a and b hold the VIP at the same time, on its own thread. */
    /**
     * Looks for the VIP on both hosts at once. Each read runs ip(8) in one namespace, tens of
     * milliseconds apart under load, so "a held it, then b held it" is a clean hand-over read across
     * its gap, not an overlap. The reads alternate a, b, a, b, ...; an overlap is counted when one host
     * holds the VIP in the reads just before and just after a read in which the other holds it: the
     * first host held it throughout (a host that released does not add it back within a hand-over).
     */
    private static final class DualHolderSampler implements AutoCloseable {
        private final AtomicLong samples = new AtomicLong();
        private final AtomicLong both = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread;

        DualHolderSampler(RedisPair p) {
            thread = new Thread(() -> {
                List<Node> hosts = List.of(p.a, p.b);
                boolean[] last = new boolean[3]; // the three latest reads, oldest first
                long reads = 0;
                while (running) {
                    try {
                        boolean held = p.holdsVip(hosts.get((int) (reads % 2)));
                        last[0] = last[1];
                        last[1] = last[2];
                        last[2] = held;
                        reads++;
                        if (reads % 2 == 0) {
                            samples.incrementAndGet();
                        }
                        if (reads >= 3 && last[0] && last[1] && last[2]) {
                            both.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        return; // the lab is closing
                    }
                }
            }, "dual-holder-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long samples() {
            return samples.get();
        }

        long both() {
            return both.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    /** SENTINEL FAILOVER through a Sentinel; false while it answers NOGOODSLAVE. */
    private static boolean askFailover(RedisPair p) {
        try {
            return p.lab.inNamespace(p.client, () -> {
                try (Jedis j = new Jedis(new HostAndPort(p.lab.node("s").ipv4(), 26379),
                        DefaultJedisClientConfig.builder().socketTimeoutMillis(2000).build())) {
                    j.sendCommand(redis.clients.jedis.Protocol.Command.SENTINEL, "failover", "mymaster");
                    return true;
                } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                    if (String.valueOf(e.getMessage()).startsWith("NOGOODSLAVE")) {
                        return false;
                    }
                    throw e;
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("SENTINEL FAILOVER: " + e, e);
        }
    }
}
