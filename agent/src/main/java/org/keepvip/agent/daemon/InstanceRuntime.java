package org.keepvip.agent.daemon;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.keepvip.agent.packet.ReleasedVipRefuser;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.Action;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code vrrp_instance}: its pure state machine plus everything the agent needs to carry
 * out its actions. Adverts leave from the loop thread at once; every other action goes to the
 * instance's {@link HookLane} in the order the state machine gave it.
 */
public final class InstanceRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /** Wire settings of the instance. */
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
            ChecksumMode checksumMode) {
        public Wire {
            Objects.requireNonNull(ifname, "ifname");
            Objects.requireNonNull(source, "source");
            advertisedVips = List.copyOf(advertisedVips);
            destinations = List.copyOf(destinations);
            password = password == null ? new byte[0] : password.clone();
        }

        boolean unicast() {
            return !destinations.isEmpty() && !destinations.get(0).isMulticastAddress();
        }
    }

    private final VrrpInstance machine;
    private volatile Wire wire;
    private volatile ReceiveExpectations expectations;
    private volatile List<VipSpec> vips;
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
    private final Ports.RedisHooks redis;
    private final Ports.Notifier notifier;
    private final Consumer<LoopEvent> loop;
    private final HookLane lane;
    private volatile ChecksumMode checksumMode;
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    public InstanceRuntime(VrrpInstance machine, Wire wire, ReceiveExpectations expectations, List<VipSpec> vips,
            Ports.PacketOut packets, Ports.Vips vipPort, Ports.RedisHooks redis, Ports.Notifier notifier,
            Consumer<LoopEvent> loop) {
        this(machine, wire, expectations, vips, packets, vipPort, Ports.Refusals.NONE, redis, notifier, loop);
    }

    public InstanceRuntime(VrrpInstance machine, Wire wire, ReceiveExpectations expectations, List<VipSpec> vips,
            Ports.PacketOut packets, Ports.Vips vipPort, Ports.Refusals refusals, Ports.RedisHooks redis,
            Ports.Notifier notifier, Consumer<LoopEvent> loop) {
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
        this.lane = new HookLane(machine.name());
        this.checksumMode = wire.checksumMode();
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

    /**
     * SIGHUP for a matched instance: new wire settings and VIPs, keeping the state. A MASTER adds the
     * new VIPs (with a GARP burst for them) and drops the removed ones, without touching the VIPs that
     * stay: no flap, no notify (keepalived §7.3).
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
                    release(removed);
                });
            }
            if (!added.isEmpty()) {
                lane.submit("adding VIPs", () -> {
                    LOG.info("({}) setting VIPs {} (reload).", name(), added);
                    install(added);
                    packets.announce(newWire.ifname(), added.stream().map(VipSpec::address).toList(),
                            Math.max(1, garpRepeat));
                });
            }
        }
    }

    /** A peer sends old-style unicast checksums: answer in kind, as keepalived does. */
    void switchToOldUnicastChecksum() {
        if (checksumMode != ChecksumMode.OLD_UNICAST) {
            LOG.info("({}) Setting unicast VRRPv3 checksum to old version", name());
            checksumMode = ChecksumMode.OLD_UNICAST;
        }
    }

    /** Counts a named event (drops by cause, adverts sent, …) for status and the stats dump. */
    void count(String counter) {
        counters.computeIfAbsent(counter, k -> new AtomicLong()).incrementAndGet();
    }

    public Map<String, Long> counters() {
        Map<String, Long> m = new java.util.TreeMap<>();
        counters.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Executes the machine's pending actions: adverts now, the rest on the hook lane, in order. */
    void executePending() {
        boolean laneBusy = false;
        for (Action a : machine.drainActions()) {
            laneBusy = execute(a, laneBusy);
        }
    }

    /**
     * Executes one action; returns whether the hook lane now has work from this batch. A log line
     * that follows lane work in the batch is written by the lane too, so the log shows the order
     * things happened in (e.g. "removing VIPs." after the fence, not before it).
     */
    private boolean execute(Action action, boolean laneBusy) {
        if (action instanceof Action.Log l) {
            if (laneBusy) {
                lane.submit("log", () -> log(l));
            } else {
                log(l);
            }
            return laneBusy;
        }
        if (action instanceof Action.SendAdvert || action instanceof Action.StateChanged) {
            execute(action);
            return laneBusy;
        }
        execute(action);
        return true;
    }

    private void execute(Action action) {
        // Java 17: no pattern switch yet, so an instanceof chain over the sealed Action.
        if (action instanceof Action.SendAdvert s) {
            sendAdvert(s.priority());
        } else if (action instanceof Action.StateChanged c) {
            LOG.info(c.text());
            if (c.to() == VrrpState.MASTER) {
                count("become_master");
            } else if (c.from() == VrrpState.MASTER) {
                count("release_master");
            }
        } else if (action instanceof Action.Promote p) {
            lane.submit("promote", () -> promote(p.attempt()));
        } else if (action instanceof Action.AddVips) {
            lane.submit("adding VIPs", () -> {
                LOG.info("({}) setting VIPs.", name());
                install(vips);
            });
        } else if (action instanceof Action.RemoveVips) {
            lane.submit("removing VIPs", () -> release(vips)); // the machine logged "removing VIPs."
        } else if (action instanceof Action.GarpBurst g) {
            List<InetAddress> addrs = vips.stream().map(VipSpec::address).toList();
            lane.submit("gratuitous ARP/NA", () -> packets.announce(wire.ifname(), addrs, g.count()));
        } else if (action instanceof Action.Fence) {
            if (redis != null) {
                lane.submit("fence", redis::fence);
            }
        } else if (action instanceof Action.Demote d) {
            if (redis != null) {
                lane.submit("demote", () -> redis.demote(d.master()));
            }
        } else if (action instanceof Action.Notify n) {
            lane.submit("notify", () -> notifier.instanceState(name(), n.state(), n.priority()));
        } else {
            throw new IllegalStateException("unhandled action " + action);
        }
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
     * Removes VIPs, on the hook lane, then answers SYNs to those that were really removed with RST for
     * a while: clients whose ARP/ND cache still points here get "refused" at once instead of a black
     * hole until the new master's GARP reaches them.
     */
    private void release(List<VipSpec> toRemove) throws Exception {
        List<VipSpec> removed = vipPort.remove(toRemove);
        if (!removed.isEmpty()) {
            refusals.start(name(), removed, refusalCounts);
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
        VrrpAdvert advert = new VrrpAdvert(wire.version(), wire.vrid(), priority,
                wire.version() == 2 ? Math.max(100, wire.advertIntervalCentis() / 100 * 100) : wire.advertIntervalCentis(),
                wire.authType(), wire.password(), wire.advertisedVips());
        for (InetAddress dst : wire.destinations()) {
            try {
                byte[] msg = VrrpCodec.encode(advert, wire.source(), dst, checksumMode);
                packets.sendVrrp(wire.ifname(), msg, wire.source(), dst);
                count("advert_sent");
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
    void refreshAnnouncements(int rounds) {
        if (machine.state() == VrrpState.MASTER && machine.vipsSet()) {
            List<InetAddress> addrs = vips.stream().map(VipSpec::address).toList();
            lane.submit("gratuitous ARP/NA refresh", () -> packets.announce(wire.ifname(), addrs, rounds));
        }
    }

    /** Start-up only: compiles the hand-off to the hook lane before the first takeover needs it. */
    void warmUpHookLane(int rounds) throws InterruptedException {
        lane.warmUp(rounds);
    }

    /** Waits for the hook lane to finish (shutdown), at most {@code millis}. */
    boolean drainHooks(long millis) throws InterruptedException {
        return lane.drain(millis);
    }

    @Override
    public void close() {
        lane.close();
    }
}
