package org.keepvip.agent.loop;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.keepvip.netlink.VipSpec;
import org.keepvip.agent.events.DecisionLog;
import org.keepvip.agent.events.TransitionTrace;
import org.keepvip.agent.kernel.RoutingWatch;
import org.keepvip.agent.latency.LogHold;
import org.keepvip.agent.packet.ReleasedVipRefuser;
import org.keepvip.agent.sched.VrrpThreads;
import org.keepvip.netlink.VipSpec;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.vrrp.config.Durations;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.ReceiveResult;
import org.keepvip.vrrp.packet.SendChecksum;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.Action;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.kernel.RoutingWatch;
import java.io.IOException;
import java.util.LinkedHashMap;

/**
 * One running {@code vrrp_instance}: its pure state machine plus everything the agent needs to carry
 * out its actions. Adverts leave from the loop thread at once; every other action goes to the
 * instance's {@link HookLane} in the order the state machine gave it.
 */
public final class InstanceRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /**
     * Wire settings of the instance, as {@link org.keepvip.vrrp.mapping.InstanceMapping} derives them
     * from its block ({@code advertIntervalCentis} already whole seconds for VRRPv2). {@code ifname} is where its adverts are heard (a VMAC's base
     * interface: keepalived's receive side), {@code vmac} the macvlan holding its VIPs (or null),
     * {@code xmitBase} keepalived's vmac_xmit_base.
     */
    public record Wire(
            String ifname,
            int version,
            int vrid,
            int advertIntervalCentis,
            AuthType authType,
            byte[] password,
            List<InetAddress> advertisedVips,
            InetAddress source,
            List<InetAddress> destinations,
            ChecksumMode checksumMode,
            String vmac,
            boolean xmitBase) {
        public Wire {
            Objects.requireNonNull(ifname, "ifname");
            Objects.requireNonNull(source, "source");
            advertisedVips = List.copyOf(advertisedVips);
            destinations = List.copyOf(destinations);
            password = password == null ? new byte[0] : password.clone();
        }

        /** The advert at {@code priority}: every other field as {@link org.keepvip.vrrp.mapping.InstanceMapping} set it. */
        public VrrpAdvert advert(int priority) {
            return new VrrpAdvert(version, vrid, priority, advertIntervalCentis, authType, password, advertisedVips);
        }

        public boolean unicast() {
            return !destinations.isEmpty() && !destinations.get(0).isMulticastAddress();
        }

        /** Where adverts leave: the instance's macvlan, or its interface (no VMAC, or vmac_xmit_base). */
        String advertIfname() {
            return vmac == null || xmitBase ? ifname : vmac;
        }

        /** Where GARPs and NAs for the VIPs leave: the macvlan that holds them, with its MAC. */
        String announceIfname() {
            return vmac == null ? ifname : vmac;
        }
    }

    /**
     * An instance's {@code virtual_routes} and {@code virtual_rules}: added after its VIPs when it
     * becomes MASTER, removed before them when it leaves (keepalived/vrrp/vrrp.c:
     * vrrp_state_become_master(), vrrp_restore_interface()).
     */
    public record VirtualRouting(List<IpRoute> routes,
                                 List<IpRule> rules) {
        public static final VirtualRouting NONE = new VirtualRouting(List.of(), List.of());

        public VirtualRouting {
            routes = List.copyOf(routes);
            rules = List.copyOf(rules);
        }

        boolean isEmpty() {
            return routes.isEmpty() && rules.isEmpty();
        }
    }

    private final VrrpInstance machine;
    private volatile VirtualRouting routing = VirtualRouting.NONE;
    private volatile Ports.Routing routingPort = Ports.Routing.NONE;
    /** No-accept mode: the drop rules set while MASTER; {@link Ports.Firewall#NONE} in accept mode. */
    private volatile Ports.Firewall firewall = Ports.Firewall.NONE;
    private volatile boolean dontTrackPrimary;
    private volatile Wire wire;
    private volatile ReceiveExpectations expectations;
    private volatile List<VipSpec> vips;
    /** garp_extra_if: period (0 = off), the VIPs announced, and when next (System.nanoTime), loop thread only. */
    private long extraIfNanos;
    private List<VipSpec> extraIfTargets = List.of();
    private long extraIfDue;
    /** Times the instance entered MASTER: a release's late priority-0 advert is dropped once it changed. */
    private volatile long masterEntries;
    private final Ports.PacketOut packets;
    private final Ports.Vips vipPort;
    private final Ports.Refusals refusals;
    private final ReleasedVipRefuser.Counts refusalCounts = new ReleasedVipRefuser.Counts() {
        @Override
        public void refused() {
            count("refused_syn");
        }

        @Override
        public void rateLimited() {
            count("refuse_rate_limited");
        }
    };
    private final Ports.RedisRole redis;
    private final Ports.Notifier notifier;
    private final Consumer<LoopEvent> loop;
    private final HookLane lane;
    /** What the adverts carry; switched by the first old-style unicast checksum a peer sends. */
    private final SendChecksum checksum;
    /** Promotions handed to the lane so far: the loop writes it, a demote retrying on the lane reads it. */
    private volatile long promotions;
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final HotCounter advertsReceived = new HotCounter("advert_rcvd");
    private final HotCounter advertsSent = new HotCounter("advert_sent");
    /** What a metrics scrape reads besides the counters. */
    private final InstanceMetrics metrics = new InstanceMetrics();
    /** The state the loop last settled this instance in (see {@link #stateChangedSinceLastSettle}). */
    private VrrpState settledState;
    /** Where transitions are reported. */
    private volatile DecisionLog decisions = DecisionLog.global();
    /** The transition whose steps are still being carried out (until its notify); loop thread only. */
    private TransitionTrace trace;

    public InstanceRuntime(VrrpInstance machine, Wire wire, ReceiveExpectations expectations, List<VipSpec> vips,
            Ports.PacketOut packets, Ports.Vips vipPort, Ports.RedisRole redis, Ports.Notifier notifier,
            Consumer<LoopEvent> loop) {
        this(machine, wire, expectations, vips, packets, vipPort, Ports.Refusals.NONE, redis, notifier, loop);
    }

    public InstanceRuntime(VrrpInstance machine, Wire wire, ReceiveExpectations expectations, List<VipSpec> vips,
            Ports.PacketOut packets, Ports.Vips vipPort, Ports.Refusals refusals, Ports.RedisRole redis,
            Ports.Notifier notifier, Consumer<LoopEvent> loop) {
        this(machine, wire, expectations, vips, packets, vipPort, refusals, redis, notifier, loop,
                HookLane.owned(machine.name()));
    }

    /** With the hook lane given: the daemon's come from {@link LaneWorkers}. */
    public InstanceRuntime(VrrpInstance machine, Wire wire, ReceiveExpectations expectations, List<VipSpec> vips,
            Ports.PacketOut packets, Ports.Vips vipPort, Ports.Refusals refusals, Ports.RedisRole redis,
            Ports.Notifier notifier, Consumer<LoopEvent> loop, HookLane lane) {
        this.machine = Objects.requireNonNull(machine, "machine");
        this.wire = Objects.requireNonNull(wire, "wire");
        this.expectations = Objects.requireNonNull(expectations, "expectations");
        this.vips = List.copyOf(vips);
        this.packets = packets;
        this.vipPort = vipPort;
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        this.redis = redis;
        this.notifier = notifier;
        this.loop = loop;
        this.lane = Objects.requireNonNull(lane, "lane");
        this.checksum = new SendChecksum(wire.checksumMode());
        this.settledState = machine.state();
    }

    public String name() {
        return machine.name();
    }

    public VrrpInstance machine() {
        return machine;
    }

    public Wire wire() {
        return wire;
    }

    public ReceiveExpectations expectations() {
        return expectations;
    }

    public List<VipSpec> vips() {
        return vips;
    }

    public boolean hasRedis() {
        return redis != null;
    }

    /** Reports transitions to {@code log} instead of the process's decision log (tests). */
    void reportTo(DecisionLog log) {
        this.decisions = Objects.requireNonNull(log);
    }

    /**
     * SIGHUP for a matched instance: new wire settings and VIPs, keeping the state. A MASTER adds the
     * new VIPs (with a GARP burst for them) and drops the removed ones, without touching the VIPs that
     * stay: no flap, no notify (keepalived/vrrp/vrrp.c, clear_diff_vrrp).
     */
    void reconfigure(Wire newWire, ReceiveExpectations newExpectations, List<VipSpec> newVips, int garpRepeat) {
        List<VipSpec> added = newVips.stream().filter(v -> !vips.contains(v)).toList();
        List<VipSpec> removed = vips.stream().filter(v -> !newVips.contains(v)).toList();
        this.wire = newWire;
        this.expectations = newExpectations;
        this.vips = List.copyOf(newVips);
        if (machine.vipsSet()) {
            if (!removed.isEmpty()) {
                lane.submit("removing VIPs", () -> {
                    LOG.info("({}) removing VIPs {} (reload).", name(), removed);
                    try {
                        release(removed);
                    } finally {
                        unblock(removed);
                    }
                });
            }
            if (!added.isEmpty()) {
                lane.submit("adding VIPs", () -> {
                    LOG.info("({}) setting VIPs {} (reload).", name(), added);
                    block(added);
                    install(added);
                    announce(added, Math.max(1, garpRepeat));
                });
            }
        }
    }

    /**
     * {@code garp_extra_if}, before it runs: while MASTER, {@code every} so often one GARP/NA on each
     * extra interface for {@code targets}, checked when an advert is sent, as keepalived checks it in
     * vrrp_state_master_tx() (keepalived/vrrp/vrrp.c); the period starts when the instance becomes MASTER.
     * A reload keeps what the instance started with.
     */
    public void useExtraIfGarp(Duration every, List<VipSpec> targets) {
        this.extraIfNanos = every.toNanos();
        this.extraIfTargets = List.copyOf(targets);
    }

    /** The port and the virtual routes and rules this instance installs with its VIPs (before it runs). */
    public void useRouting(Ports.Routing port, VirtualRouting r) {
        this.routingPort = Objects.requireNonNull(port, "port");
        this.routing = Objects.requireNonNull(r, "routing");
    }

    VirtualRouting routing() {
        return routing;
    }

    /**
     * No-accept mode (keepalived/vrrp/vrrp.c: vrrp_handle_accept_mode()): {@code port} drops traffic
     * to and from the VIPs while this instance holds them; {@link Ports.Firewall#NONE} accepts. A
     * reload that changes it while MASTER blocks or unblocks the VIPs held (clear_diff_vrrp_vip()).
     */
    public void useFirewall(Ports.Firewall port, boolean dontTrackPrimary) {
        Ports.Firewall before = this.firewall;
        this.firewall = Objects.requireNonNull(port, "port");
        this.dontTrackPrimary = dontTrackPrimary;
        if (before == port || !machine.vipsSet()) {
            return;
        }
        List<VipSpec> held = vips;
        lane.submit("changing firewall drop rules", () -> {
            if (!before.unblock(name(), held)) {
                count("firewall_failed");
            }
            block(held);
        });
    }

    /** Before the VIPs go in: never throws, a failure is logged by the port and counted here. */
    private void block(List<VipSpec> toBlock) {
        if (!firewall.block(name(), toBlock, wire.ifname(), dontTrackPrimary)) {
            count("firewall_failed");
        }
    }

    /** After the VIPs went. */
    private void unblock(List<VipSpec> toUnblock) {
        if (!firewall.unblock(name(), toUnblock)) {
            count("firewall_failed");
        }
    }

    /**
     * SIGHUP: a MASTER removes the routes and rules no longer configured and adds the new ones, the
     * others stay (keepalived/vrrp/vrrp.c, clear_diff_vrrp: clear_diff_vroutes / clear_diff_vrules).
     * Compared without where they were written.
     */
    public void reconfigureRouting(VirtualRouting next) {
        VirtualRouting before = routing;
        this.routing = next;
        if (!machine.vipsSet()) {
            return;
        }
        var nextRoutes = next.routes().stream().map(IpRoute::withoutOrigin).toList();
        var nextRules = next.rules().stream().map(IpRule::withoutOrigin).toList();
        var oldRoutes = before.routes().stream().map(IpRoute::withoutOrigin).toList();
        var oldRules = before.rules().stream().map(IpRule::withoutOrigin).toList();
        var goneRoutes = oldRoutes.stream().filter(r -> !nextRoutes.contains(r)).toList();
        var goneRules = oldRules.stream().filter(r -> !nextRules.contains(r)).toList();
        var newRoutes = nextRoutes.stream().filter(r -> !oldRoutes.contains(r)).toList();
        var newRules = nextRules.stream().filter(r -> !oldRules.contains(r)).toList();
        if (goneRoutes.isEmpty() && goneRules.isEmpty() && newRoutes.isEmpty() && newRules.isEmpty()) {
            return;
        }
        lane.submit("changing virtual routes and rules", () -> {
            LOG.info("({}) reload: removing {} virtual route(s) and {} rule(s), adding {} and {}", name(),
                    goneRoutes.size(), goneRules.size(), newRoutes.size(), newRules.size());
            countRoutingFailures(routingPort.remove("(" + name() + ")", goneRoutes, goneRules));
            countRoutingFailures(routingPort.add("(" + name() + ")", newRoutes, newRules));
        });
    }

    /**
     * The tracked virtual route or rule of this instance that {@code deleted} removed (keepalived's
     * route_is_ours() / rule_is_ours()), named for the log; null if none.
     */
    String deletedRouting(NetlinkEvent deleted, String oifName) {
        VirtualRouting r = routing;
        if (deleted instanceof NetlinkEvent.RouteRemoved e) {
            for (IpRoute route : r.routes()) {
                if (!route.noTrack() && RoutingWatch.virtualRoute(e, oifName, route)) {
                    return "virtual route " + RoutingWatch.describe(route);
                }
            }
        } else if (deleted instanceof NetlinkEvent.RuleRemoved e) {
            for (IpRule rule : r.rules()) {
                if (!rule.noTrack() && RoutingWatch.rule(e, rule)) {
                    return "virtual rule " + RoutingWatch.describe(rule);
                }
            }
        }
        return null;
    }

    /** After the VIPs: never throws, a failure is logged by the port and counted here. */
    private void addRouting() {
        VirtualRouting r = routing;
        if (!r.isEmpty()) {
            countRoutingFailures(routingPort.add("(" + name() + ")", r.routes(), r.rules()));
        }
    }

    /** Before the VIPs, rules first. */
    private void removeRouting() {
        VirtualRouting r = routing;
        if (!r.isEmpty()) {
            countRoutingFailures(routingPort.remove("(" + name() + ")", r.routes(), r.rules()));
        }
    }

    private void countRoutingFailures(int failed) {
        for (int i = 0; i < failed; i++) {
            count("routing_failed");
        }
    }

    /** Learns the peers' unicast checksum style from an accepted advert (see {@link SendChecksum}). */
    void learnChecksum(ReceiveResult.Accepted accepted) {
        if (checksum.learn(accepted)) {
            LOG.info("({}) {}", name(), SendChecksum.SWITCHED);
        }
    }

    /** Counts a named event (drops by cause, adverts sent, …) for status and the stats dump. */
    void count(String counter) {
        counters.computeIfAbsent(counter, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Counts an accepted advert of {@code priority} that arrived {@code at} (loop clock): once per
     * advert received, so its counter is not looked up by name.
     */
    void countAdvertReceived(int priority, long at) {
        advertsReceived.increment();
        if (priority == 0) {
            count("pri_zero_rcvd");
        }
        metrics.advertAccepted(priority, at);
    }

    public InstanceMetrics metrics() {
        return metrics;
    }

    /** After every event the loop fed the machine: lets a scrape see its state (loop thread). */
    void publish() {
        metrics.publish(machine);
    }

    /**
     * Whether the machine's state differs from the one seen at the previous call (loop thread only):
     * the loop re-arms rate-limited drop logs on a change, as keepalived does.
     */
    boolean stateChangedSinceLastSettle() {
        VrrpState now = machine.state();
        boolean changed = now != settledState;
        settledState = now;
        return changed;
    }

    /**
     * A counter counted on every advert (at 1,000 instances, some 20,000 times a second): its
     * AtomicLong is looked up by name once, at first use, so that status still lists only the
     * counters that moved. Loop thread only.
     */
    private final class HotCounter {
        private final String name;
        private AtomicLong value;

        HotCounter(String name) {
            this.name = name;
        }

        void increment() {
            AtomicLong v = value;
            if (v == null) {
                v = counters.computeIfAbsent(name, k -> new AtomicLong());
                value = v;
            }
            v.incrementAndGet();
        }
    }

    public Map<String, Long> counters() {
        Map<String, Long> m = new TreeMap<>();
        counters.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /**
     * Executes the machine's pending actions: adverts and state lines on the loop, the rest on the
     * hook lane in order. The batch's lane work is handed over first, in one piece, behind a gate that
     * opens once the loop has sent the batch's adverts and written its lines: a takeover's netlink
     * add then runs while the loop is still busy instead of after it, yet the log still reads in the
     * batch's order. Only the add itself runs ahead of the gate; nothing in a batch depends on its
     * advert having left first. Log lines wait until the add is done ({@link LogHold}), and the loop
     * yields once the batch is handed over: on a host with few CPUs the woken lane often lands on
     * the loop's CPU, where it would otherwise wait for the advert to be sent.
     */
    void executePending() {
        executePending(true);
    }

    /**
     * As {@link #executePending()}; {@code mayYield} false when the loop already yielded this turn.
     * Returns whether it yielded: once per turn is enough for the first takeover, and when a thousand
     * instances take over in one turn a yield after each handed the CPU to the lanes a thousand
     * times, and the masters' next adverts were late by more than master_down_interval (the backup
     * took over again).
     */
    boolean executePending(boolean mayYield) {
        List<Action> batch = machine.drainActions();
        if (batch.isEmpty()) {
            return false;
        }
        boolean yielded = false;
        CountDownLatch gate = null;
        List<HookLane.Work> laneWork = null;
        LogHold.Hold hold = LogHold.NONE;
        List<Action> onLoop = new ArrayList<>(batch.size());
        // A batch with a state change is that change's work (leaving MASTER fences and removes the
        // VIPs before the change itself), traced until its notify; one without continues the open one
        // (a promotion's VIP add). A trace is only references here: its record is built off the loop.
        Action.StateChanged first = firstChange(batch);
        TransitionTrace t = trace;
        if (first != null) {
            t = open(t, first);
        }
        List<TransitionTrace> changes = first == null ? List.of() : new ArrayList<>(1);
        List<VipCombiner.Pending> combined = null;
        List<VipCombiner.Pending> combinedRemoval = null;
        boolean submitted = false;
        for (Action a : batch) {
            if (a instanceof Action.StateChanged c) {
                if (c != first) {
                    t = open(t, c); // a second change in one batch (a sync group leaving FAULT and taking over)
                }
                changes.add(t);
            }
            // A line that follows lane work is written by the lane, so the log shows the order things
            // happened in (e.g. "removing VIPs." after the fence, not before it).
            if (a instanceof Action.StateChanged c) {
                metrics.transition(c); // counted, and a takeover's clock started, before its lane work
            }
            if (a instanceof Action.SendAdvert || a instanceof Action.StateChanged
                    || (a instanceof Action.Log && gate == null)) {
                onLoop.add(a);
                continue;
            }
            if (gate == null) {
                gate = new CountDownLatch(1);
                laneWork = new ArrayList<>(batch.size());
            }
            if (a instanceof Action.AddVips && hold == LogHold.NONE) {
                // The add's lane work ends the hold once the VIPs are in (see LogHold for why).
                hold = LogHold.begin();
            }
            // Nothing of this instance queued or ahead of it in the batch: its VIP change may go early.
            boolean combinable = laneWork.isEmpty() && lane.combiner() != null && lane.idle();
            HookLane.Work w;
            if (combinable && a instanceof Action.AddVips) {
                w = combinedAdd(lane.combiner(), hold, t, combined = new ArrayList<>(1));
            } else if (combinable && a instanceof Action.RemoveVips) {
                w = combinedRemoval(lane.combiner(), gate, t, combinedRemoval = new ArrayList<>(1));
            } else {
                w = laneWork(a, gate, hold, t);
            }
            if (w != null) {
                laneWork.add(w);
            }
            if (a instanceof Action.Notify) {
                t = null; // the notify ends the transition: its step publishes the trace
            }
        }
        trace = t;
        if (laneWork != null && !laneWork.isEmpty()) {
            try {
                lane.submitAll(laneWork);
                submitted = true;
            } catch (RuntimeException e) {
                hold.end();
                throw e;
            }
            if (combined != null) {
                // Registered once its step is queued: a step that never runs must leave nothing behind.
                combined.forEach(lane.combiner()::register);
            }
            if (hold != LogHold.NONE && mayYield) {
                Thread.yield();
                yielded = true;
            }
        }
        try {
            boolean advertSent = false;
            int change = 0;
            for (Action a : onLoop) {
                executeOnLoop(a);
                if (a instanceof Action.SendAdvert) {
                    advertSent = true;
                } else if (a instanceof Action.StateChanged) {
                    if (advertSent) {
                        changes.get(change).advertSent(System.nanoTime());
                    }
                    change++;
                }
            }
        } finally {
            if (gate != null) {
                gate.countDown();
            }
            if (submitted && combinedRemoval != null) {
                // A removal waits for the loop's part of its batch (the gate), so it is offered only now.
                combinedRemoval.forEach(lane.combiner()::register);
            }
        }
        return yielded;
    }

    private static Action.StateChanged firstChange(List<Action> batch) {
        for (Action a : batch) {
            if (a instanceof Action.StateChanged c) {
                return c;
            }
        }
        return null;
    }

    /** Opens the trace of {@code change}; one still open never reached its notify (a failed promotion). */
    private TransitionTrace open(TransitionTrace previous, Action.StateChanged change) {
        if (previous != null) {
            previous.publishTo(decisions);
        }
        return new TransitionTrace(name(), machine.config().trackers(), change,
                change.why() == null ? System.nanoTime() : 0);
    }

    private void executeOnLoop(Action action) {
        if (action instanceof Action.SendAdvert s) {
            sendAdvert(s.priority());
            if (extraIfNanos > 0 && machine.state() == VrrpState.MASTER && machine.vipsSet()
                    && System.nanoTime() - extraIfDue > 0) {
                extraIfDue = System.nanoTime() + extraIfNanos;
                List<VipSpec> targets = extraIfTargets;
                lane.submit("gratuitous ARP/NA on the extra interfaces", () -> announce(targets, 1));
            }
        } else if (action instanceof Action.StateChanged c) {
            LOG.info(c.text());
            if (c.to() == VrrpState.MASTER) {
                masterEntries++; // loop thread only; lanes read it
                extraIfDue = System.nanoTime() + extraIfNanos; // vrrp_state_become_master(): timer_add_now()
                count("become_master");
            } else if (c.from() == VrrpState.MASTER) {
                count("release_master");
            }
        } else if (action instanceof Action.Log l) {
            log(l);
        } else {
            throw new IllegalStateException("not a loop action: " + action);
        }
    }

    /** Longest a lane step waits for its batch's loop part, which opens the gate in a finally. */
    private static final long GATE_MAX_MILLIS = 1000;

    /**
     * The lane's work for a non-loop action, held until {@code gate} opens (except the VIP add, whose
     * line "setting VIPs." the machine logged on the loop, in its batch); null when there is none (no
     * Redis to fence or demote).
     */
    private HookLane.Work laneWork(Action action, CountDownLatch gate, LogHold.Hold hold, TransitionTrace t) {
        if (action instanceof Action.AddVips) {
            HookLane.Step add = traced(t, "add_vips", false, () -> {
                try {
                    block(vips); // keepalived's order: the drop rules before the addresses
                    install(vips);
                } finally {
                    addRouting(); // as keepalived: the routes go in even if a VIP did not
                }
            });
            InstanceMetrics.Takeover takeover = metrics.takeoverForVipAdd();
            return new HookLane.Work("adding VIPs", () -> {
                try {
                    add.run();
                } finally {
                    hold.end();
                }
                if (takeover != null) {
                    takeover.vipsAdded();
                }
            });
        }
        HookLane.Work work = laneStep(action);
        if (work == null) {
            return null;
        }
        HookLane.Step step = action instanceof Action.Log ? work.step()
                : traced(t, stepName(action), action instanceof Action.Notify, work.step());
        return new HookLane.Work(work.what(), () -> {
            gate.await(GATE_MAX_MILLIS, TimeUnit.MILLISECONDS);
            step.run();
        });
    }

    /**
     * The lane work of an add whose VIPs go to the kernel with those of other instances on the same
     * lane thread ({@link VipCombiner}): whichever add step of that thread runs first adds them, so
     * this step may find them in already. Block, refusal stop, add, routes: the order of
     * {@link #laneWork}'s add, with the routes in this instance's own step. The add goes into
     * {@code toRegister}, for registering once the step is queued (null at warm-up, which builds the
     * work without handing it over).
     */
    private HookLane.Work combinedAdd(VipCombiner combiner, LogHold.Hold hold, TransitionTrace t,
            List<VipCombiner.Pending> toRegister) {
        InstanceMetrics.Takeover takeover = metrics.takeoverForVipAdd();
        VipCombiner.Pending p = new VipCombiner.Pending(true, vipPort,
                list -> {
                    block(list); // keepalived's order: the drop rules before the addresses
                    refusals.stop(list);
                },
                () -> vips,
                done -> {
                    hold.end();
                    if (takeover != null && done.failure() == null) {
                        takeover.vipsAdded();
                    }
                });
        if (toRegister != null) {
            toRegister.add(p);
        }
        return new HookLane.Work("adding VIPs", () -> {
            try {
                combiner.runWith(p);
            } finally {
                addRouting(); // as keepalived: the routes go in even if a VIP did not
                traceCombined(t, "add_vips", p);
            }
            if (p.failure() != null) {
                throw p.failure();
            }
        });
    }

    /**
     * As {@link #combinedAdd}, for the removal of a MASTER's VIPs (leaving it, or FAULT): routes
     * out, SYN refusals started, the VIPs removed together with other instances' (NetlinkVips logs
     * each failure), refusals stopped for those that were not there, drop rules lifted: the order of
     * {@link #laneStep}'s removal. It waits for {@code gate} as every step after the loop's part.
     */
    private HookLane.Work combinedRemoval(VipCombiner combiner, CountDownLatch gate, TransitionTrace t,
            List<VipCombiner.Pending> toRegister) {
        AtomicReference<Optional<Duration>> answering = new AtomicReference<>(Optional.empty());
        VipCombiner.Pending p = new VipCombiner.Pending(false, vipPort,
                list -> {
                    removeRouting();
                    answering.set(refusals.start(name(), list, refusalCounts));
                },
                () -> vips,
                done -> {
                    try {
                        Optional<Duration> window = answering.get();
                        if (window.isPresent()) {
                            List<VipSpec> absent = new ArrayList<>(done.vips());
                            absent.removeAll(done.removed());
                            if (!absent.isEmpty()) {
                                refusals.stop(absent);
                            }
                            if (!done.removed().isEmpty()) {
                                LOG.info("({}) answering TCP connections to released VIPs with RST for {} s", name(),
                                        Durations.format(window.get()));
                            }
                        }
                    } finally {
                        unblock(done.vips());
                    }
                });
        if (toRegister != null) {
            toRegister.add(p);
        }
        return new HookLane.Work("removing VIPs", () -> {
            gate.await(GATE_MAX_MILLIS, TimeUnit.MILLISECONDS);
            try {
                combiner.runWith(p);
            } finally {
                traceCombined(t, "remove_vips", p);
            }
            if (p.failure() != null) {
                throw p.failure();
            }
        });
    }

    /** A combined change's step in {@code t}: when the batch that carried it ran, not this step. */
    private static void traceCombined(TransitionTrace t, String name, VipCombiner.Pending p) {
        if (t != null) {
            IOException f = p.failure();
            t.step(name, p.startNanos(), p.endNanos(),
                    f == null ? null : f.getMessage() == null ? f.toString() : f.getMessage());
        }
    }

    /** {@code step}, timed into {@code t} (as is without one); {@code last} publishes the trace after it. */
    private HookLane.Step traced(TransitionTrace t, String name, boolean last, HookLane.Step step) {
        if (t == null) {
            return step;
        }
        DecisionLog log = decisions;
        return () -> {
            long start = System.nanoTime();
            String error = null;
            try {
                step.run();
            } catch (Exception e) {
                error = e.getMessage() == null ? e.toString() : e.getMessage();
                throw e;
            } finally {
                t.step(name, start, System.nanoTime(), error);
                if (last) {
                    t.publishTo(log);
                }
            }
        };
    }

    /** A step's name in the decision log. */
    private static String stepName(Action action) {
        if (action instanceof Action.Promote) {
            return "promote";
        } else if (action instanceof Action.RemoveVips) {
            return "remove_vips";
        } else if (action instanceof Action.GarpBurst) {
            return "garp";
        } else if (action instanceof Action.Fence) {
            return "fence";
        } else if (action instanceof Action.Demote) {
            return "demote";
        } else if (action instanceof Action.Notify) {
            return "notify";
        } else if (action instanceof Action.ReleaseAdvert) {
            return "advert"; // priority 0, after the fence and the VIP removal
        }
        return action.getClass().getSimpleName();
    }

    /** The lane's step for an action, named as its failure is logged ("(VI_1) fence failed: …"). */
    private HookLane.Work laneStep(Action action) {
        // Java 17: no pattern switch yet, so an instanceof chain over the sealed Action.
        if (action instanceof Action.Log l) {
            return new HookLane.Work("log", () -> log(l));
        } else if (action instanceof Action.Promote p) {
            promotions++; // a demote still retrying on the lane gives up (see demote below)
            return new HookLane.Work("promote", () -> promote(p.attempt()));
        } else if (action instanceof Action.RemoveVips) {
            return new HookLane.Work("removing VIPs", () -> {
                removeRouting();
                try {
                    release(vips); // the machine logged "removing VIPs."
                } finally {
                    unblock(vips);
                }
            });
        } else if (action instanceof Action.GarpBurst g) {
            InstanceMetrics.Takeover takeover = metrics.takeoverForAnnounce();
            return new HookLane.Work("gratuitous ARP/NA", () -> {
                announce(vips, g.count());
                if (takeover != null) {
                    takeover.announced();
                }
            });
        } else if (action instanceof Action.ReleaseAdvert) {
            // After the fence and the VIP removal on this lane (see Action.ReleaseAdvert). Not once the
            // instance is MASTER again (its own adverts went out from the loop meanwhile): a late
            // priority 0 would hand the VIP to the peer for nothing.
            long entries = masterEntries;
            return new HookLane.Work("priority-0 advert", () -> {
                if (masterEntries == entries) {
                    sendAdvert(0);
                } else {
                    LOG.debug("({}) priority-0 advert not sent: MASTER again since the release", name());
                }
            });
        } else if (action instanceof Action.Fence) {
            // The bound as the machine's timing is now (a reload may have changed it).
            Duration sync = Ports.RedisRole.replicaSyncBound(machine.config().downTimerAdverts(),
                    machine.config().advertIntervalNanos());
            return redis == null ? null : new HookLane.Work("fence", () -> redis.fence(name(), sync));
        } else if (action instanceof Action.Demote d) {
            long promotionsBefore = promotions;
            return redis == null ? null
                    // Out of the real-time policy: nothing waits for a demote (see VrrpThreads.offRealtime).
                    : new HookLane.Work("demote", () -> VrrpThreads.offRealtime(
                            () -> redis.demote(d.master(), () -> promotions != promotionsBefore)));
        } else if (action instanceof Action.Notify n) {
            return new HookLane.Work("notify", () -> notifier.instanceState(name(), n.state(), n.priority()));
        }
        throw new IllegalStateException("unhandled action " + action);
    }

    /** The VIPs' addresses; a plain loop, as {@code PcapRefusals.stop}: the takeover's GARP step runs it. */
    List<InetAddress> vipAddresses() {
        List<VipSpec> current = vips;
        List<InetAddress> out = new ArrayList<>(current.size());
        for (VipSpec v : current) {
            out.add(v.address());
        }
        return out;
    }

    /**
     * Adds VIPs, on the hook lane. Refusing their SYNs stops first: once the kernel holds an address,
     * its connections are the kernel's to answer.
     */
    private void install(List<VipSpec> toAdd) throws Exception {
        refusals.stop(toAdd);
        vipPort.add(toAdd);
    }

    /**
     * Removes VIPs, on the hook lane, answering SYNs to them with RST for a while: clients whose
     * ARP/ND cache still points here get "refused" at once instead of a black hole until the new
     * master's GARP reaches them. The answering starts just before the delete: started after it, a SYN
     * arriving in between was lost (seen in the Redis bench: one connect in ~10 ran into its timeout).
     * This node is no longer MASTER here and its Redis is fenced, so connections to it end anyway.
     * Addresses that were not there (the start-up clean-up) are not answered for.
     */
    private void release(List<VipSpec> toRemove) throws Exception {
        Optional<Duration> answering = refusals.start(name(), toRemove, refusalCounts);
        List<VipSpec> removed = List.of();
        try {
            removed = vipPort.remove(toRemove);
        } finally {
            List<VipSpec> absent = new ArrayList<>(toRemove);
            absent.removeAll(removed);
            if (answering.isPresent() && !absent.isEmpty()) {
                refusals.stop(absent);
            }
        }
        if (answering.isPresent() && !removed.isEmpty()) {
            LOG.info("({}) answering TCP connections to released VIPs with RST for {} s", name(),
                    Durations.format(answering.get()));
        }
    }

    private void promote(long attempt) {
        String failure;
        try {
            failure = redis == null ? null : redis.promote();
        } catch (Exception e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        loop.accept(new LoopEvent.PromotionFinished(name(), attempt, failure == null, failure == null ? "" : failure));
    }

    private void sendAdvert(int priority) {
        VrrpAdvert advert = wire.advert(priority);
        for (InetAddress dst : wire.destinations()) {
            try {
                byte[] msg = VrrpCodec.encode(advert, wire.source(), dst, checksum.mode());
                packets.sendVrrp(wire.advertIfname(), msg, wire.source(), dst);
                advertsSent.increment();
                if (priority == 0) {
                    count("pri_zero_sent");
                }
            } catch (Exception e) {
                count("send_errors");
                LOG.warn("({}) failed to send advert to {}: {}", name(), dst.getHostAddress(), e.getMessage());
            }
        }
    }

    private void log(Action.Log l) {
        switch (l.level()) {
            case DEBUG -> LOG.debug(l.text());
            case INFO -> LOG.info(l.text());
            case WARN -> LOG.warn(l.text());
        }
    }

    /** garp_master_refresh: re-announce the VIPs while MASTER; call on the loop thread. */
    public void refreshAnnouncements(int rounds) {
        if (machine.state() == VrrpState.MASTER && machine.vipsSet()) {
            lane.submit("gratuitous ARP/NA refresh", () -> announce(vips, rounds));
        }
    }

    /**
     * GARPs/NAs for {@code list}, each VIP's on the interface it sits on (its own, a {@code dev}, or
     * the macvlan that holds it, with that MAC), as keepalived's send_gratuitous_arp() and
     * ndisc_send_unsolicited_na() send on the address's interface (keepalived/vrrp/vrrp_arp.c,
     * vrrp_ndisc.c). Interfaces in the order their first VIP comes.
     */
    private void announce(List<VipSpec> list, int rounds) throws IOException {
        Map<String, List<InetAddress>> byInterface = new LinkedHashMap<>();
        for (VipSpec v : list) {
            byInterface.computeIfAbsent(v.ifname(), k -> new ArrayList<>(list.size())).add(v.address());
        }
        IOException first = null;
        for (Map.Entry<String, List<InetAddress>> e : byInterface.entrySet()) {
            try {
                packets.announce(e.getKey(), e.getValue(), rounds);
            } catch (IOException ex) {
                // One interface without a port (it went away) must not cost the others their GARPs.
                first = first == null ? ex : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Start-up only: compiles the hand-off to the hook lane before the first takeover needs it. */
    void warmUpHookLane(int rounds) throws InterruptedException {
        lane.warmUp(rounds);
        warmUpBatchPath();
    }

    /**
     * Start-up only: builds, without running any, the lane work of every kind of action, so that the
     * first takeover and the first release do not link their lambdas. The JVM spins a class the first
     * time a lambda expression is evaluated; with -XX:+PrintCompilation that showed as a burst of
     * class-spinning compiles at the first takeover and the first release, on the loop thread.
     */
    public void warmUpBatchPath() {
        InstanceMetrics.warmUp(WARM_UP_METRICS_ROUNDS);
        CountDownLatch open = new CountDownLatch(0);
        // Built traced too (never run, never published): the takeover's steps are timed for the decision log.
        TransitionTrace unused = new TransitionTrace(name(), List.of(),
                new Action.StateChanged(VrrpState.INIT, VrrpState.BACKUP, "warm-up", "warm-up"), 0);
        for (Action a : List.of(new Action.AddVips(), new Action.RemoveVips(), new Action.GarpBurst(1),
                new Action.Promote(0), new Action.Fence(), new Action.Demote(wire.source()),
                new Action.Notify(VrrpState.MASTER, 0), new Action.Log(Action.Level.DEBUG, "warm-up"))) {
            laneWork(a, open, LogHold.NONE, null);
            laneWork(a, open, LogHold.NONE, unused);
        }
        VipCombiner combiner = lane.combiner();
        if (combiner != null) {
            combinedAdd(combiner, LogHold.NONE, null, null);
            combinedAdd(combiner, LogHold.NONE, unused, null);
            combinedRemoval(combiner, open, null, null);
            combinedRemoval(combiner, open, unused, null);
        }
    }

    /**
     * Rounds of the metrics' takeover bookkeeping at start-up: one loads and links its classes, which
     * is what costs a first takeover time (a few hundred µs); compiling it too would cost memory for a
     * few µs of interpreted bookkeeping.
     */
    private static final int WARM_UP_METRICS_ROUNDS = 1;

    /** A reload dropped the instance: its lane takes no more work but finishes the release. */
    void retire() {
        lane.retire();
    }

    /** Waits for the hook lane to finish (shutdown), at most {@code millis}. */
    public boolean drainHooks(long millis) throws InterruptedException {
        return lane.drain(millis);
    }

    @Override
    public void close() {
        lane.close();
    }
}
