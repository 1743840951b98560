package org.keepvip.vrrp.sim;

import static org.keepvip.vrrp.sim.Lan.MS;
import static org.keepvip.vrrp.sim.Lan.S;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.vrrp.state.VrrpState;

/**
 * A seeded random run with sync groups: 2–3 hosts, each running one {@code vrrp_sync_group} of two
 * instances (VRID 1 and 2) with the same priority and a group-level weighted tracker, as
 * keepalived's {@code sync_group_tracking_weight} applies it. Trouble: loss, host partitions, host
 * crashes and restarts, link down, tracker flips. After each healthy period: both VRIDs have exactly
 * one MASTER, on the same host, with the highest priority.
 */
final class RandomGroupRun {

    private record Host(String name, SimNode a, SimNode b) {
        List<SimNode> both() {
            return List.of(a, b);
        }
    }

    final long seed;
    private final Random rnd;
    private final Lan lan;
    private final List<Host> hosts = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private long settle;

    RandomGroupRun(long seed) {
        this.seed = seed;
        this.rnd = new Random(seed);
        this.lan = new Lan(new Random(seed * 17 + 3));
        int n = 2 + rnd.nextInt(2);
        int version = 2 + rnd.nextInt(2);
        int interval = version == 2 ? 100 : new int[] {20, 50, 100}[rnd.nextInt(3)];
        int[] prios = {50, 100, 100, 150, 200};
        for (int h = 0; h < n; h++) {
            int prio = prios[rnd.nextInt(prios.length)];
            List<TrackerSpec> t = rnd.nextBoolean() ? List.of(new TrackerSpec("w", rnd.nextInt(101) - 50 | 1, false))
                    : List.of();
            InetAddress ip = ip(10 + h * 7 + rnd.nextInt(7));
            SimNode a = lan.add(new SimNode("h" + h + "/VI_1", cfg(1, ip, prio, version, interval, t), null));
            SimNode b = lan.add(new SimNode("h" + h + "/VI_2", cfg(2, ip, prio, version, interval, t), null));
            for (TrackerSpec ts : t) {
                boolean ok = rnd.nextBoolean();
                a.trackers.put(ts.id(), ok);
                b.trackers.put(ts.id(), ok);
            }
            hosts.add(new Host("h" + h, a, b));
        }
        lan.maxDelay = rnd.nextBoolean() ? 0 : interval * 100_000L; // up to a tenth of the interval
        // The group rules hold after every event: members are MASTER together and in FAULT together.
        lan.invariants.add(() -> {
            for (Host h : hosts) {
                if (h.a.running() && h.b.running() && h.a.state() != VrrpState.INIT && h.b.state() != VrrpState.INIT
                        && ((h.a.state() == VrrpState.MASTER) != (h.b.state() == VrrpState.MASTER)
                        || (h.a.state() == VrrpState.FAULT) != (h.b.state() == VrrpState.FAULT))) {
                    throw new AssertionError(h.name + " is split: VI_1 " + h.a.state() + ", VI_2 " + h.b.state());
                }
            }
        });
        long i = interval * 10_000_000L;
        settle = 3 * (3 * i + (version == 2 ? S : i)) + 3 * i + S;
    }

    private static InstanceConfig cfg(int vrid, InetAddress ip, int prio, int version, int interval,
                                      List<TrackerSpec> trackers) {
        return InstanceConfig.builder("VI_" + vrid, vrid, ip).priority(prio).version(version)
                .advertIntervalCentis(interval).trackers(trackers).build();
    }

    int run() {
        int checks = 0;
        try {
            for (Host h : hosts) {
                lan.at(rnd.nextInt(1500) * MS, () -> {
                    note("START " + h.name);
                    lan.startGroup(h.name, h.a, h.b);
                });
            }
            long t = 0;
            for (int phase = 0; phase < 3; phase++) {
                long dur = (5 + rnd.nextInt(20)) * S;
                int k = rnd.nextInt(7);
                for (int i = 0; i < k; i++) {
                    disturb(t + (long) (rnd.nextDouble() * dur), t + dur);
                }
                lan.runUntil(t + dur);
                heal();
                lan.runUntil(lan.now() + settle);
                check(phase);
                checks++;
                t = lan.now();
            }
            return checks;
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("\n=== sync-group simulation seed " + seed + " failed: " + e.getMessage()
                    + "\nreproduce: -Dtest=SafetySimulationTest -Dvrrp.sim.groupSeed=" + seed
                    + "\nhosts:\n  " + lan.nodes.stream().map(SimNode::toString).collect(Collectors.joining("\n  "))
                    + "\nevents:\n  " + String.join("\n  ", events)
                    + "\nlast trace lines:\n" + lan.traceTail(), e);
        }
    }

    private void disturb(long at, long end) {
        Host h = hosts.get(rnd.nextInt(hosts.size()));
        long undo = Math.min(end, at + 100 * MS + (long) (rnd.nextDouble() * 6 * S));
        int kind = rnd.nextInt(6);
        switch (kind) {
            case 0 -> {
                lan.at(at, () -> {
                    note("CRASH " + h.name);
                    h.both().forEach(lan::crash);
                });
                lan.at(undo, () -> restart(h));
            }
            case 1 -> {
                lan.at(at, () -> {
                    note("LINK DOWN " + h.name);
                    h.both().forEach(n -> lan.link(n, false));
                });
                lan.at(undo, () -> {
                    note("LINK UP " + h.name);
                    h.both().forEach(n -> lan.link(n, true));
                });
            }
            case 2 -> {
                Map<SimNode, Integer> groups = new HashMap<>();
                hosts.forEach(x -> {
                    int side = rnd.nextInt(2);
                    x.both().forEach(n -> groups.put(n, side));
                });
                lan.at(at, () -> {
                    note("PARTITION");
                    lan.partition(groups);
                });
                lan.at(undo, () -> {
                    note("HEAL PARTITION");
                    lan.healPartition();
                });
            }
            case 3 -> {
                double p = new double[] {0.2, 0.5, 1.0}[rnd.nextInt(3)];
                lan.at(at, () -> {
                    note("LOSS " + p);
                    lan.loss = p;
                });
                lan.at(undo, () -> {
                    note("LOSS 0");
                    lan.loss = 0;
                });
            }
            case 4 -> {
                SimNode n = rnd.nextBoolean() ? h.a : h.b; // one member's own interface only
                lan.at(at, () -> {
                    note("LINK DOWN " + n.name);
                    lan.link(n, false);
                });
                lan.at(undo, () -> {
                    note("LINK UP " + n.name);
                    lan.link(n, true);
                });
            }
            default -> {
                if (!h.a.trackers.isEmpty()) {
                    boolean ok = rnd.nextBoolean();
                    lan.at(at, () -> {
                        note("TRACKER " + h.name + " w=" + ok);
                        h.both().forEach(n -> lan.tracker(n, "w", ok));
                    });
                }
            }
        }
    }

    private void restart(Host h) {
        if (!h.a.running()) {
            note("RESTART " + h.name);
            lan.startGroup(h.name, h.a, h.b);
        }
    }

    private void heal() {
        note("HEAL");
        lan.loss = 0;
        lan.healPartition();
        for (Host h : hosts) {
            h.both().forEach(n -> lan.link(n, true));
            restart(h);
        }
    }

    private void check(int phase) {
        String where = "phase " + phase + " at " + String.format(Locale.ROOT, "%.3fs", lan.now() / 1e9) + ": ";
        List<SimNode> m1 = lan.masters(1);
        List<SimNode> m2 = lan.masters(2);
        String states = lan.nodes.stream().map(n -> n.name + "=" + n.state() + "/" + n.instance.effectivePriority()
                + (n.instance.wantsMaster() ? "(wants MASTER)" : "")).toList().toString();
        if (m1.size() != 1 || m2.size() != 1) {
            throw new AssertionError(where + "expected one MASTER per VRID: " + states);
        }
        Host winner = hosts.stream().filter(h -> h.a == m1.get(0)).findFirst().orElseThrow();
        if (winner.b != m2.get(0)) {
            throw new AssertionError(where + "the group is split across hosts: " + states);
        }
        int p = winner.a.instance.effectivePriority();
        for (Host h : hosts) {
            if (h.a.instance.effectivePriority() > p) {
                throw new AssertionError(where + h.name + " has a higher priority than the MASTER host: " + states);
            }
        }
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
