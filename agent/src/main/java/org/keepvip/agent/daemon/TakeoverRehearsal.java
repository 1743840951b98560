package org.keepvip.agent.daemon;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keepvip.netlink.VipSpec;
import org.keepvip.agent.kernel.NetlinkVips;
import org.keepvip.agent.latency.TakeoverLatency;
import org.keepvip.agent.log.LogOutput;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.agent.loop.LaneWorkers;
import org.keepvip.agent.packet.Announcer;
import org.keepvip.agent.packet.PcapRefusals;
import org.keepvip.agent.packet.VrrpFrames;
import org.keepvip.netlink.MacAddress;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.packet.ReceiveChecker;
import org.keepvip.vrrp.packet.ReceiveResult;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.Action;
import org.keepvip.vrrp.state.Event;
import org.keepvip.vrrp.state.VrrpInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's parts of the start-up warm-up ({@link TakeoverLatency#warmUp}): the takeover path a
 * backup has never run, rehearsed so that the JIT compiles it before the loop starts. Each part has
 * no effect outside the process but the removal of configured VIPs, which the start does anyway.
 */
final class TakeoverRehearsal {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    private final EventLoop loop;
    private final NetlinkVips vips;
    private final PcapRefusals refusals;
    private final LaneWorkers lanes;

    TakeoverRehearsal(EventLoop loop, NetlinkVips vips, PcapRefusals refusals, LaneWorkers lanes) {
        this.loop = loop;
        this.vips = vips;
        this.refusals = refusals;
        this.lanes = lanes;
    }

    /** The parts, in the order a pass runs them. */
    List<TakeoverLatency.WarmUp> parts() {
        List<InstanceRuntime> shapes = oneOfEachShape(loop.instances().values());
        return List.of(
                rounds -> shapes.forEach(TakeoverRehearsal::machine),
                loop::warmUpSpin,
                LogOutput::warmUp,
                TakeoverLatency::warmUpLogHold,
                rounds -> io(shapes, rounds));
    }

    /** Rounds of the warm-up: enough for the JIT to compile the takeover path (C1 compiles at ~2000 calls). */
    static final int WARM_UP_ROUNDS = 3000;

    /**
     * Drives a throwaway copy of the instance through BACKUP → MASTER → BACKUP and the receive path
     * a few thousand times before the loop starts. A takeover happens rarely, so without this it
     * would run interpreted when it matters: the bench measured keepvip's reaction a few ms behind
     * keepalived's. Nothing leaves the process: the copy's actions are drained and dropped.
     */
    private static void machine(InstanceRuntime r) {
        var w = r.wire();
        try {
            var cfg = r.machine().config().toBuilder().trackers(List.of()).build();
            var advert = w.advert(255);
            InetAddress dst = w.destinations().isEmpty() ? w.source() : w.destinations().get(0);
            PacketContext ctx = PacketContext.of(w.source(), dst, 255);
            long now = 0;
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                byte[] msg = VrrpCodec.encode(advert, w.source(), dst,
                        ChecksumMode.STANDARD);
                var rx = ReceiveChecker.check(msg, ctx, r.expectations());
                frame(w.source(), dst, i, msg);
                VrrpInstance m = new VrrpInstance(cfg);
                m.handle(new Event.Start(now, true));
                m.drainActions();
                now = m.nextDeadline().orElse(now + 1);
                m.handle(new Event.TimerDue(now));
                for (var a : m.drainActions()) {
                    if (a instanceof Action.Promote p) {
                        m.handle(new Event.PromotionDone(now, p.attempt(), true, ""));
                        m.drainActions();
                    }
                }
                if (rx instanceof ReceiveResult.Accepted ok) {
                    m.handle(new Event.AdvertReceived(now + 1, ok.advert(), dst));
                    m.drainActions();
                }
                now += 1_000_000_000L;
            }
        } catch (RuntimeException e) {
            LOG.debug("({}) warm-up: {}", r.name(), e.toString());
        }
    }

    /** Builds the Ethernet frame of an advert as the packet port does, and drops it. */
    private static byte[] frame(InetAddress src, InetAddress dst, int id, byte[] msg) {
        MacAddress mac = new MacAddress(0x02_00_00_00_00_01L);
        return src instanceof Inet4Address s4 && dst instanceof Inet4Address d4
                ? VrrpFrames.ipv4(mac, mac, s4, d4, 255, id & 0xFFFF, msg)
                : src instanceof Inet6Address s6 && dst instanceof Inet6Address d6
                ? VrrpFrames.ipv6(mac, mac, s6, d6, 255, msg)
                : msg;
    }

    /**
     * The IO half of the warm-up: the netlink VIP request and the hand-off to the hook lanes, which a
     * backup never runs until it takes over. Measured by scripts/bench-failover, each ran ~0.3–1.5 ms
     * slower interpreted on the first takeover. Runs before the loop starts, while the configured
     * VIPs are being removed anyway.
     */
    private void io(List<InstanceRuntime> shapes, int rounds) throws InterruptedException {
        List<VipSpec> someVips = new ArrayList<>();
        shapes.forEach(r -> someVips.addAll(r.vips()));
        vips.warmUp(someVips, rounds);
        // The GARP/NA frames of a takeover, built and dropped: at 1,000 instances the first mass
        // failover built them interpreted, on the lanes that also add the VIPs.
        List<InetAddress> addresses = someVips.stream().map(VipSpec::address).toList();
        Announcer dry = new Announcer(frame -> { },
                MacAddress.BROADCAST);
        for (int i = 0; i < rounds; i++) {
            refusals.stop(someVips); // nothing is being refused yet: no effect but the compile
            try {
                dry.burst(addresses, 1, false, Duration.ZERO);
            } catch (IOException e) {
                throw new IllegalStateException(e); // the dry sink does not fail
            }
        }
        lanes.warmUp(rounds);
        for (InstanceRuntime r : shapes) {
            r.warmUpBatchPath();
        }
    }

    /**
     * One instance per kind of takeover path (VRRP version, address family, unicast or multicast,
     * authentication, with or without Redis): the JIT compiles code, not instances, so warming one of
     * each kind warms them all, and start-up does not grow with the number of instances.
     */
    static List<InstanceRuntime> oneOfEachShape(Collection<InstanceRuntime> all) {
        Map<List<Object>, InstanceRuntime> shapes = new LinkedHashMap<>();
        for (InstanceRuntime r : all) {
            var w = r.wire();
            shapes.putIfAbsent(List.of(w.version(), w.source() instanceof Inet6Address, w.unicast(), w.authType(),
                    r.hasRedis()), r);
        }
        return List.copyOf(shapes.values());
    }
}
