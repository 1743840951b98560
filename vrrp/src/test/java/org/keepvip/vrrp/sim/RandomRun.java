package org.keepvip.vrrp.sim;

import static org.keepvip.vrrp.sim.Lan.MS;
import static org.keepvip.vrrp.sim.Lan.S;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.vrrp.state.VrrpState;

/**
 * One seeded, reproducible random run: 1–2 VRIDs of 2–4 instances each on one LAN, three phases of
 * random trouble (loss, jitter, partitions, crashes, restarts, link down, tracker flips, failing or
 * hanging Redis promotion, VIPs deleted, step-downs), each followed by a healthy period after which
 * the safety property is checked.
 */
final class RandomRun {

    private static final int[] PRIORITIES = {1, 50, 100, 100, 100, 150, 200, 254};

    final long seed;
    private final Random rnd;
    final Lan lan;
    private final Map<Integer, List<SimNode>> byVrid = new LinkedHashMap<>();
    private final List<String> events = new ArrayList<>();
    private long baseDelay;
    private int checks;

    RandomRun(long seed) {
        this.seed = seed;
        this.rnd = new Random(seed);
        this.lan = new Lan(new Random(seed * 31 + 7));
        build();
    }

    /** Runs the three phases; throws AssertionError with the whole scenario on a violation. */
    int run() {
        try {
            for (SimNode n : lan.nodes) {
                long at = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(2000) * MS;
                lan.at(at, () -> {
                    note("START " + n.name);
                    lan.start(n);
                });
            }
            long t = 0;
            for (int phase = 0; phase < 3; phase++) {
                long dur = (5 + rnd.nextInt(25)) * S;
                int k = rnd.nextInt(9);
                for (int i = 0; i < k; i++) {
                    disturb(t + (long) (rnd.nextDouble() * dur), t + dur);
                }
                lan.runUntil(t + dur);
                heal();
                lan.runUntil(lan.now() + settleNanos());
                checkConverged(phase);
                t = lan.now();
            }
            return checks;
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(scenario(e), e);
        }
    }

    String scenario(Throwable e) {
        return "\n=== VRRP simulation seed " + seed + " failed: " + e.getMessage()
                + "\nreproduce: mvn -B -o -pl vrrp -am verify -Dtest=SafetySimulationTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dvrrp.sim.seed=" + seed
                + "\nnodes:\n  " + lan.nodes.stream().map(SimNode::toString).collect(Collectors.joining("\n  "))
                + "\nbase delay: " + baseDelay / 1e6 + " ms"
                + "\nevents:\n  " + String.join("\n  ", events)
                + "\nlast trace lines:\n" + lan.traceTail();
    }

    // ------------------------------------------------------------------ scenario

    private void build() {
        int vrids = 1 + rnd.nextInt(2);
        List<Integer> ips = new ArrayList<>();
        for (int i = 10; i < 30; i++) {
            ips.add(i);
        }
        Collections.shuffle(ips, rnd);
        int ipIdx = 0;
        int nodeNo = 1;
        for (int v = 0; v < vrids; v++) {
            int vrid = 10 + v;
            int count = 2 + rnd.nextInt(3);
            int version = 2 + rnd.nextInt(2);
            int interval = version == 2 ? (1 + rnd.nextInt(2)) * 100 : new int[] {20, 50, 100}[rnd.nextInt(3)];
            boolean hooks = rnd.nextBoolean();
            boolean unicast = rnd.nextInt(5) < 2;
            Duration promoTimeout = Duration.ofMillis(500 + rnd.nextInt(2500));
            Duration backoff = Duration.ofMillis(rnd.nextInt(5000));
            InstanceConfig.PromotionFailure onFailure = rnd.nextBoolean() ? InstanceConfig.PromotionFailure.FAULT
                    : InstanceConfig.PromotionFailure.BACKUP;
            List<InetAddress> addrs = new ArrayList<>();
            List<InstanceConfig> cfgs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                InetAddress ip = ip(ips.get(ipIdx++));
                addrs.add(ip);
                boolean owner = i == 0 && rnd.nextInt(10) == 0;
                int prio = owner ? 255 : PRIORITIES[rnd.nextInt(PRIORITIES.length)];
                InstanceConfig.Builder b = InstanceConfig.builder("VI_" + vrid + "_" + i, vrid, ip)
                        .version(version).priority(prio).advertIntervalCentis(interval)
                        .downTimerAdverts(new int[] {3, 3, 3, 2, 4}[rnd.nextInt(5)])
                        .lowerPrioNoAdvert(rnd.nextInt(5) == 0)
                        .higherPrioSendAdvert(rnd.nextInt(10) == 0)
                        .redisHooks(hooks).promotionTimeout(promoTimeout).promotionBackoff(backoff)
                        .onPromotionFailure(onFailure);
                if (!owner) {
                    int r = rnd.nextInt(10);
                    if (r < 2) {
                        b.nopreempt(true);
                    } else if (r < 4) {
                        b.preemptDelay(Duration.ofMillis(500 + rnd.nextInt(4500)));
                    } else if (r < 5) {
                        b.initialState(VrrpState.MASTER);
                    }
                }
                List<TrackerSpec> trackers = new ArrayList<>();
                if (rnd.nextInt(10) < 3) {
                    int w = rnd.nextInt(121) - 60;
                    trackers.add(new TrackerSpec("w", w == 0 ? 25 : w, rnd.nextInt(5) == 0));
                }
                if (rnd.nextInt(10) < 2) {
                    trackers.add(new TrackerSpec("f", 0, rnd.nextInt(5) == 0));
                }
                b.trackers(trackers);
                cfgs.add(b.build());
            }
            List<SimNode> members = new ArrayList<>();
            for (InstanceConfig c : cfgs) {
                List<InetAddress> peers = unicast ? addrs.stream()
                        .filter(a -> !a.equals(c.primaryAddress())).toList() : null;
                SimNode n = lan.add(new SimNode("n" + nodeNo++, c, peers));
                for (TrackerSpec t : c.trackers()) {
                    n.trackers.put(t.id(), t.weight() != 0 ? rnd.nextBoolean() : rnd.nextInt(4) != 0 ^ t.reverse());
                }
                members.add(n);
            }
            byVrid.put(vrid, members);
        }
        long maxInterval = lan.nodes.stream().mapToLong(n -> n.config.advertIntervalNanos()).max().orElseThrow();
        baseDelay = new long[] {0, MS, 5 * MS, maxInterval / 10}[rnd.nextInt(4)];
        lan.maxDelay = baseDelay;
    }

    private void disturb(long at, long end) {
        SimNode n = lan.nodes.get(rnd.nextInt(lan.nodes.size()));
        long undo = Math.min(end, at + 100 * MS + (long) (rnd.nextDouble() * 8 * S));
        int kind = rnd.nextInt(100);
        if (kind < 15) {
            lan.at(at, () -> {
                note("CRASH " + n.name);
                lan.crash(n);
            });
            lan.at(undo, () -> {
                note("RESTART " + n.name);
                lan.start(n);
            });
        } else if (kind < 25) {
            lan.at(at, () -> {
                note("SHUTDOWN " + n.name);
                lan.shutdown(n);
            });
            lan.at(undo, () -> {
                note("RESTART " + n.name);
                lan.start(n);
            });
        } else if (kind < 35) {
            lan.at(at, () -> {
                note("LINK DOWN " + n.name);
                lan.link(n, false);
            });
            lan.at(undo, () -> {
                note("LINK UP " + n.name);
                lan.link(n, true);
            });
        } else if (kind < 47) {
            Map<SimNode, Integer> groups = new HashMap<>();
            lan.nodes.forEach(x -> groups.put(x, rnd.nextInt(2)));
            lan.at(at, () -> {
                note("PARTITION " + groups.entrySet().stream().filter(e -> e.getValue() == 1)
                        .map(e -> e.getKey().name).sorted().toList());
                lan.partition(groups);
            });
            lan.at(undo, () -> {
                note("HEAL PARTITION");
                lan.healPartition();
            });
        } else if (kind < 59) {
            double p = new double[] {0.1, 0.3, 0.6, 1.0}[rnd.nextInt(4)];
            lan.at(at, () -> {
                note("LOSS " + p);
                lan.loss = p;
            });
            lan.at(undo, () -> {
                note("LOSS 0");
                lan.loss = 0;
            });
        } else if (kind < 67) {
            long d = (long) (rnd.nextDouble() * 1.5 * n.config.advertIntervalNanos());
            lan.at(at, () -> {
                note("JITTER up to " + d / MS + " ms");
                lan.maxDelay = d;
            });
            lan.at(undo, () -> {
                note("JITTER back to base");
                lan.maxDelay = baseDelay;
            });
        } else if (kind < 82) {
            if (!n.trackers.isEmpty()) {
                List<String> ids = new ArrayList<>(n.trackers.keySet());
                String id = ids.get(rnd.nextInt(ids.size()));
                boolean ok = rnd.nextBoolean();
                lan.at(at, () -> {
                    note("TRACKER " + n.name + " " + id + "=" + (ok ? "OK" : "FAILED"));
                    lan.tracker(n, id, ok);
                });
            }
        } else if (kind < 90) {
            if (n.config.redisHooks()) {
                SimNode.Promotion mode = rnd.nextBoolean() ? SimNode.Promotion.FAIL : SimNode.Promotion.HANG;
                lan.at(at, () -> {
                    note("REDIS PROMOTION " + mode + " on " + n.name);
                    n.promotion = mode;
                });
                lan.at(undo, () -> {
                    note("REDIS PROMOTION NORMAL on " + n.name);
                    n.promotion = SimNode.Promotion.NORMAL;
                });
            }
        } else if (kind < 95) {
            lan.at(at, () -> {
                if (n.vips) {
                    note("VIP DELETED on " + n.name);
                    lan.deleteVip(n);
                }
            });
        } else {
            lan.at(at, () -> {
                if (n.state() == VrrpState.MASTER) {
                    note("STEP DOWN " + n.name);
                    lan.deliver(n, new org.keepvip.vrrp.state.Event.StepDown(lan.now()));
                }
            });
        }
    }

    private void heal() {
        note("HEAL: no loss, base delay, no partition, all links up, all daemons running, Redis healthy");
        lan.loss = 0;
        lan.maxDelay = baseDelay;
        lan.healPartition();
        for (SimNode n : lan.nodes) {
            n.promotion = SimNode.Promotion.NORMAL;
            lan.link(n, true);
            lan.start(n);
        }
    }

    /** Generous bound on how long keepalived's election takes on a healthy network. */
    private long settleNanos() {
        long worst = 0;
        for (SimNode n : lan.nodes) {
            InstanceConfig c = n.config;
            long i = c.advertIntervalNanos();
            long mdi = c.downTimerAdverts() * i + (c.version() == 2 ? S : i);
            long promo = c.redisHooks() ? c.promotionTimeout().toNanos() + c.promotionBackoff().toNanos() : 0;
            worst = Math.max(worst, promo + c.preemptDelay().toNanos() + 3 * mdi + 3 * i);
        }
        return worst + 4 * baseDelay + S;
    }

    // ------------------------------------------------------------------ the safety property

    private void checkConverged(int phase) {
        Map<Integer, SimNode> chosen = new HashMap<>();
        for (Map.Entry<Integer, List<SimNode>> e : byVrid.entrySet()) {
            chosen.put(e.getKey(), checkVrid(phase, e.getKey(), e.getValue()));
        }
        // Stability: on a healthy network nothing changes any more.
        lan.nodes.forEach(n -> n.transitions = 0);
        long stable = settleNanos();
        lan.runUntil(lan.now() + stable);
        for (Map.Entry<Integer, List<SimNode>> e : byVrid.entrySet()) {
            for (SimNode n : e.getValue()) {
                if (n.transitions != 0) {
                    throw new AssertionError("phase " + phase + ": " + n.name + " changed state " + n.transitions
                            + " times on a healthy, converged network");
                }
            }
            List<SimNode> m = lan.masters(e.getKey());
            if (m.size() != 1 && chosen.get(e.getKey()) != null || m.size() == 1 && m.get(0) != chosen.get(e.getKey())) {
                throw new AssertionError("phase " + phase + ": VRID " + e.getKey() + " master changed to " + m);
            }
        }
    }

    private SimNode checkVrid(int phase, int vrid, List<SimNode> members) {
        checks++;
        String where = "phase " + phase + " VRID " + vrid + " at " + String.format(Locale.ROOT, "%.3fs", lan.now() / 1e9)
                + ": ";
        List<SimNode> up = members.stream().filter(n -> n.state() != VrrpState.FAULT).toList();
        for (SimNode n : members) {
            if (n.state() == VrrpState.INIT || n.state() == null) {
                throw new AssertionError(where + n.name + " is " + n.state() + " on a healthy network");
            }
            if (n.state() == VrrpState.FAULT) {
                List<String> faults = n.instance.status().faults();
                if (faults.size() != 1 || !faults.get(0).startsWith("tracker f ")) {
                    throw new AssertionError(where + n.name + " is in FAULT without a failing weight-0 tracker: "
                            + faults);
                }
            }
        }
        List<SimNode> masters = lan.masters(vrid);
        if (up.isEmpty()) {
            if (!masters.isEmpty()) {
                throw new AssertionError(where + "all instances are in FAULT but " + masters + " is MASTER");
            }
            return null;
        }
        if (masters.size() != 1) {
            throw new AssertionError(where + "expected exactly one MASTER, got "
                    + masters.stream().map(n -> n.name).toList() + "; states "
                    + members.stream().map(n -> n.name + "=" + n.state() + "/" + n.instance.effectivePriority()).toList());
        }
        SimNode m = masters.get(0);
        int mp = m.instance.effectivePriority();
        for (SimNode n : up) {
            if (n != m && !n.config.nopreempt() && n.instance.effectivePriority() > mp) {
                throw new AssertionError(where + "MASTER " + m.name + " has priority " + mp + " but " + n.name
                        + " (preempting) has " + n.instance.effectivePriority());
            }
        }
        if (!m.instance.vipsSet() || !m.vips) {
            throw new AssertionError(where + "MASTER " + m.name + " does not hold the VIP");
        }
        for (SimNode n : members) {
            if (n != m && n.vips) {
                throw new AssertionError(where + n.name + " (" + n.state() + ") still holds the VIP");
            }
            if (m.config.redisHooks() && n != m && n.state() == VrrpState.BACKUP
                    && (n.redisMaster || !m.ip().equals(n.replicaOf))) {
                throw new AssertionError(where + n.name + "'s Redis does not replicate from the MASTER "
                        + m.name + " (replicaOf " + n.replicaOf + ", master " + n.redisMaster + ")");
            }
        }
        if (m.config.redisHooks() && (!m.redisMaster || m.fenced)) {
            throw new AssertionError(where + "MASTER " + m.name + "'s Redis is not a writable master");
        }
        return m;
    }

    private void note(String event) {
        events.add(String.format(Locale.ROOT, "%9.4fs %s", lan.now() / 1e9, event));
        lan.trace("*** " + event);
    }

    private static InetAddress ip(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
