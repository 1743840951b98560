package org.keepvip.vrrp.sim;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.state.Action;
import org.keepvip.vrrp.state.Event;
import org.keepvip.vrrp.state.SyncGroup;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;

/**
 * An in-memory LAN with a fake clock. It plays the agent for every node: it delivers timers, carries
 * SendAdvert actions as AdvertReceived events to the other instances of the same VRID (multicast) or
 * to the configured peers (unicast), with loss, delay and partitions, and it plays the host (VIPs)
 * and a fake Redis (promotion, fence, demotion). Deterministic for a given {@link Random}.
 */
final class Lan {

    private record Pending(long at, long seq, Runnable task) {
    }

    private record TraceLine(long at, String text) {
    }

    /** A state change as the driver saw it. */
    record Transition(long at, String node, VrrpState from, VrrpState to) {
    }

    final List<Transition> transitions = new ArrayList<>();
    /** Checked after every batch of actions; a violation throws. */
    final List<Runnable> invariants = new ArrayList<>();

    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;
    private static final int TRACE_LINES = 250;

    final List<SimNode> nodes = new ArrayList<>();
    private final Random rnd;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long seq;
    private long now;
    private long steps;
    private final Deque<TraceLine> trace = new ArrayDeque<>();

    double loss;
    long minDelay;
    long maxDelay;
    private final Map<SimNode, Integer> partition = new HashMap<>();

    Lan(Random rnd) {
        this.rnd = rnd;
    }

    long now() {
        return now;
    }

    SimNode add(SimNode n) {
        nodes.add(n);
        return n;
    }

    SimNode node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
    }

    /** Runs {@code task} at {@code at} (not before now). */
    void at(long at, Runnable task) {
        queue.add(new Pending(Math.max(at, now), seq++, task));
    }

    // ------------------------------------------------------------------ node life cycle

    void start(SimNode n) {
        if (n.running()) {
            return;
        }
        n.instance = new VrrpInstance(n.config);
        n.transitions = 0;
        deliver(n, new Event.Start(now, n.linkUp));
        // The agent runs every check at start; weight-0 trackers hold the instance in INIT until then.
        n.trackers.forEach((id, ok) -> deliver(n, new Event.TrackerResult(now, id, ok)));
    }

    /** SIGKILL: no release; the VIPs and Redis stay as they are. */
    void crash(SimNode n) {
        n.instance = null;
        trace(n.name + " crashed");
    }

    /** SIGTERM. */
    void shutdown(SimNode n) {
        if (n.running()) {
            deliver(n, new Event.Shutdown(now));
            n.instance = null;
        }
    }

    void link(SimNode n, boolean up) {
        if (n.linkUp == up) {
            return;
        }
        n.linkUp = up;
        trace(n.name + " link " + (up ? "up" : "down"));
        deliver(n, new Event.InterfaceChanged(now, up));
    }

    void tracker(SimNode n, String id, boolean ok) {
        n.trackers.put(id, ok);
        deliver(n, new Event.TrackerResult(now, id, ok));
    }

    void partition(Map<SimNode, Integer> groups) {
        partition.clear();
        partition.putAll(groups);
        trace("partition " + groups.entrySet().stream().map(e -> e.getKey().name + "=" + e.getValue()).toList());
    }

    void healPartition() {
        partition.clear();
    }

    /** Someone deletes a VIP from a MASTER's interface. */
    void deleteVip(SimNode n) {
        if (n.running() && n.vips) {
            n.vips = false;
            deliver(n, new Event.VipDeletedExternally(now));
        }
    }

    void deliver(SimNode n, Event e) {
        if (!n.running()) {
            return;
        }
        if (n.group == null) {
            n.instance.handle(e);
            execute(n);
            return;
        }
        // A sync-group member: the group routes the event and may move the other members too.
        n.group.handle(n.instance.name(), e);
        for (SimNode m : nodes) {
            if (m.group == n.group && m.running()) {
                execute(m);
            }
        }
    }

    /** Starts the nodes as one {@code vrrp_sync_group} (on one host: crash and link apply to each). */
    void startGroup(String name, SimNode... members) {
        List<VrrpInstance> instances = new ArrayList<>();
        for (SimNode m : members) {
            m.instance = new VrrpInstance(m.config);
            instances.add(m.instance);
        }
        SyncGroup group = new SyncGroup(name, instances);
        for (SimNode m : members) {
            m.group = group;
        }
        for (SimNode m : members) {
            m.transitions = 0;
            deliver(m, new Event.Start(now, m.linkUp));
        }
        for (SimNode m : members) {
            m.trackers.forEach((id, ok) -> deliver(m, new Event.TrackerResult(now, id, ok)));
        }
    }

    // ------------------------------------------------------------------ the driver loop

    /** Advances the clock to {@code until}, delivering queued tasks and timers in time order. */
    void runUntil(long until) {
        while (true) {
            long next = Long.MAX_VALUE;
            SimNode timerNode = null;
            for (SimNode n : nodes) {
                if (n.running() && n.instance.nextDeadline().isPresent()) {
                    long d = n.instance.nextDeadline().getAsLong();
                    if (d < next) {
                        next = d;
                        timerNode = n;
                    }
                }
            }
            Pending p = queue.peek();
            boolean task = p != null && p.at <= next;
            long t = task ? p.at : next;
            if (t > until || t == Long.MAX_VALUE) {
                now = Math.max(now, until);
                return;
            }
            now = Math.max(now, t);
            if (++steps > 20_000_000L) {
                throw new AssertionError("livelock: more than 20M steps");
            }
            if (task) {
                queue.poll().task.run();
            } else {
                deliver(timerNode, new Event.TimerDue(now));
            }
        }
    }

    // ------------------------------------------------------------------ executing actions

    private void execute(SimNode n) {
        VrrpInstance inst = n.instance;
        for (Action a : inst.drainActions()) {
            if (a instanceof Action.SendAdvert s) {
                transmit(n, s.priority());
            } else if (a instanceof Action.ReleaseAdvert) {
                transmit(n, 0);
            } else if (a instanceof Action.Promote p) {
                promote(n, inst, p.attempt());
            } else if (a instanceof Action.AddVips) {
                n.vips = true;
            } else if (a instanceof Action.RemoveVips) {
                n.vips = false;
            } else if (a instanceof Action.Fence) {
                n.fenced = true;
            } else if (a instanceof Action.Demote d) {
                n.redisMaster = false;
                n.fenced = false;
                n.replicaOf = d.master();
            } else if (a instanceof Action.StateChanged c) {
                n.transitions++;
                transitions.add(new Transition(now, n.name, c.from(), c.to()));
                trace(c.text() + " <" + c.reason() + ">");
            } else if (a instanceof Action.Log l && l.level() != Action.Level.DEBUG) {
                trace(l.text());
            }
        }
        // Safety property 2: the VIP only sits on a host whose Redis is a writable master.
        if (n.config.redisHooks() && n.vips && (!n.redisMaster || n.fenced)) {
            throw new AssertionError(n.name + " holds the VIP but its Redis is "
                    + (n.redisMaster ? "fenced" : "not master"));
        }
        invariants.forEach(Runnable::run);
    }

    private void promote(SimNode n, VrrpInstance inst, long attempt) {
        switch (n.promotion) {
            case NORMAL -> {
                // Redis commands of one instance run in order on one worker, so a later Fence or
                // Demote lands after this promotion: apply it now, answer a little later.
                n.redisMaster = true;
                n.fenced = false;
                n.replicaOf = null;
                at(now + MS + rnd.nextInt(30) * MS, () -> {
                    if (n.instance == inst) {
                        deliver(n, new Event.PromotionDone(now, attempt, true, "ROLE master"));
                    }
                });
            }
            case FAIL -> at(now + 5 * MS, () -> {
                if (n.instance == inst) {
                    deliver(n, new Event.PromotionDone(now, attempt, false, "simulated failure"));
                }
            });
            case HANG -> trace(n.name + " promotion hangs");
            default -> throw new IllegalStateException();
        }
    }

    private void transmit(SimNode from, int priority) {
        trace(from.name + " sends prio " + priority);
        if (!from.linkUp) {
            return;
        }
        VrrpAdvert advert = new VrrpAdvert(from.config.version(), from.vrid(), priority,
                from.config.advertIntervalCentis(), AuthType.NONE, new byte[0], List.of(vip(from.vrid())));
        for (SimNode to : nodes) {
            if (to == from || to.vrid() != from.vrid()
                    || (from.unicastPeers != null && !from.unicastPeers.contains(to.ip()))
                    || !partition.getOrDefault(to, 0).equals(partition.getOrDefault(from, 0))) {
                continue;
            }
            if (loss > 0 && rnd.nextDouble() < loss) {
                continue;
            }
            long delay = maxDelay <= minDelay ? minDelay : minDelay + (long) (rnd.nextDouble() * (maxDelay - minDelay));
            InetAddress src = from.ip();
            at(now + delay, () -> {
                if (to.linkUp) {
                    deliver(to, new Event.AdvertReceived(now, advert, src));
                }
            });
        }
    }

    private static InetAddress vip(int vrid) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, (byte) vrid});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ observation

    void trace(String line) {
        if (trace.size() == TRACE_LINES) {
            trace.removeFirst();
        }
        trace.addLast(new TraceLine(now, line));
    }

    String traceTail() {
        StringBuilder b = new StringBuilder();
        for (TraceLine t : trace) {
            b.append(String.format(java.util.Locale.ROOT, "%10.4fs %s%n", t.at / 1e9, t.text));
        }
        return b.toString();
    }

    /** When {@code node} last entered {@code state}, or -1. */
    long lastEntered(String node, VrrpState state) {
        for (int i = transitions.size() - 1; i >= 0; i--) {
            Transition t = transitions.get(i);
            if (t.node().equals(node) && t.to() == state) {
                return t.at();
            }
        }
        return -1;
    }

    List<SimNode> masters(int vrid) {
        return nodes.stream().filter(n -> n.vrid() == vrid && n.state() == VrrpState.MASTER).toList();
    }
}
