package org.keepvip.agent.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.Tracked;
import org.keepvip.vrrp.config.VirtualIp;
import org.keepvip.vrrp.mapping.InstanceMapping;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.agent.kernel.KernelVips;
import org.keepvip.agent.loop.InstancePlan;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.agent.redis.LagJudge;
import org.keepvip.agent.redis.MinReplicasGuard;
import org.keepvip.agent.sentinel.SentinelMode;
import org.keepvip.agent.vmac.VmacPlan;
import org.keepvip.vrrp.config.AddressFamily;
import org.keepvip.vrrp.config.Vmac;

/**
 * Maps the parsed keepalived.conf model onto what the daemon runs: one {@link InstancePlan} per
 * {@code vrrp_instance}. keepalived's meaning of the block (intervals, authentication, trackers,
 * receive checks) comes from {@link InstanceMapping}; this adds what needs the host (the source
 * address, the macvlans' names, the VIPs' devices) and keepvip's own trackers: {@code redis:NAME},
 * {@code redis-lag:NAME} (replication lag, H3 in ARCHITECTURE.md), {@code redis-replicas:NAME} and
 * {@code sentinel:NAME} (Sentinel mode: this host's Redis is the master Sentinel's majority names).
 */
public final class ConfigMapper {

    /** The interface facts the mapping needs when the config leaves the source address out. */
    public interface InterfaceFacts {
        /** The first IPv4 address of {@code ifname} (IPv4) or its link-local address (IPv6). */
        InetAddress primaryAddress(String ifname, boolean ipv6) throws IOException;
    }

    private ConfigMapper() {}

    public static List<InstancePlan> plans(KeepalivedConfig config, InterfaceFacts facts) throws IOException {
        return plans(config, facts, Map.of());
    }

    /**
     * @param vmacNames the macvlans' names by {@link VmacPlan} key, as {@link org.keepvip.agent.vmac.VmacLinks}
     *                  made them: the VIPs they carry go on them
     */
    public static List<InstancePlan> plans(KeepalivedConfig config, InterfaceFacts facts, Map<String, String> vmacNames)
            throws IOException {
        // Many instances share an interface: ask once per interface and family (two netlink dumps).
        Map<String, InetAddress> known = new HashMap<>();
        InterfaceFacts cached = (ifname, ipv6) -> {
            String key = ifname + (ipv6 ? "/6" : "/4");
            InetAddress a = known.get(key);
            if (a == null) {
                a = facts.primaryAddress(ifname, ipv6);
                known.put(key, a);
            }
            return a;
        };
        List<InstancePlan> out = new ArrayList<>();
        for (InstanceSpec i : config.instances()) {
            out.add(plan(config, i, cached, vmacNames));
        }
        return out;
    }

    static InstancePlan plan(KeepalivedConfig config, InstanceSpec i, InterfaceFacts facts) throws IOException {
        return plan(config, i, facts, Map.of());
    }

    static InstancePlan plan(KeepalivedConfig config, InstanceSpec i, InterfaceFacts facts, Map<String, String> vmacNames)
            throws IOException {
        boolean ipv6 = i.family() == AddressFamily.IPV6;
        InetAddress source = i.unicastSrcIp() != null ? i.unicastSrcIp()
                : i.mcastSrcIp() != null ? i.mcastSrcIp()
                : facts.primaryAddress(i.interfaceName(), ipv6);
        int centis = InstanceMapping.advertIntervalCentis(i);

        List<TrackerSpec> trackers = InstanceMapping.trackers(config, i);
        String redisName = i.tracking().redis().isEmpty() ? null : i.tracking().redis().get(0).name();
        var redis = redisName == null ? null : config.redisInstance(redisName).orElse(null);
        boolean sentinelMode = redis != null && redis.sentinelMode();
        for (Tracked t : i.tracking().redis()) {
            // Sentinel mode: priorities decide nothing, so a failing check is FAULT whatever its weight.
            boolean sentinelTracked = config.redisInstance(t.name()).map(r -> r.sentinelMode()).orElse(false);
            // A MASTER whose own Redis fails its check resigns (priority 0): the peer takes over after
            // its skew instead of a whole down timer.
            trackers.add(new TrackerSpec("redis:" + t.name(), sentinelTracked ? 0 : t.weight(), t.reverse())
                    .resigningMaster());
        }
        addLagTrackers(trackers, config, i);
        if (sentinelMode) {
            // Up only where Sentinel's majority names the local Redis master: everywhere else FAULT.
            trackers.add(TrackerSpec.faultOnFailure(SentinelMode.trackerId(redisName)));
        }

        InstanceConfig machine = InstanceMapping.machine(i, source, trackers)
                // Sentinel mode: only the named host leaves FAULT; it waits for a live old master to release.
                .nopreempt(!i.preempt() || sentinelMode)
                .redisHooks(redis != null)
                .promotionTimeout(redis != null ? redis.promoteTimeout() : Duration.ofSeconds(5))
                .masterWhenFaultClears(sentinelMode)
                .releaseWait(sentinelMode ? SentinelMode.RELEASE_WAIT : Duration.ZERO)
                .build();

        List<InetAddress> advertised = InstanceMapping.advertisedVips(i);
        // With use_vmac, adverts are still heard on the interface (the macvlan's base), as keepalived does.
        String vmac = i.vmac() != null && i.vmac().onInstance() ? vmacName(config, i, VmacPlan.instanceKey(i), vmacNames) : null;
        var wire = new InstanceRuntime.Wire(i.interfaceName(), i.version(), i.vrid(), centis, InstanceMapping.authType(i),
                InstanceMapping.authData(i), advertised, source, InstanceMapping.destinations(i),
                InstanceMapping.checksumMode(i), vmac, i.vmac() != null && i.vmac().xmitBase());
        ReceiveExpectations expect = InstanceMapping.expectations(i);

        List<VipSpec> vips = new ArrayList<>();
        for (VirtualIp v : i.virtualIps()) {
            vips.add(onVmac(KernelVips.ofInstance(i, v), config, i, v, vmacNames));
        }
        for (VirtualIp v : i.excludedIps()) {
            vips.add(onVmac(KernelVips.ofInstance(i, v), config, i, v, vmacNames));
        }
        List<VipSpec> extraIf = extraIfTargets(vips, vmac != null ? vmac : i.interfaceName(),
                i.vmac() != null && i.vmac().xmitBase(), i.garp().extraIfAll(), vmacNames.values());
        return new InstancePlan(machine, wire, expect, vips, redisName, i.garp().masterRefresh(),
                Math.max(1, i.garp().masterRefreshRepeat()),
                new InstanceRuntime.VirtualRouting(i.virtualRoutes(), i.virtualRules()),
                extraIf.isEmpty() ? java.time.Duration.ZERO : i.garp().extraIf(), extraIf);
    }

    /**
     * {@code garp_extra_if}: the VIP whose GARP/NA goes out on each extra interface, one per interface,
     * chosen as keepalived's vrrp_send_vmac_update() chooses (keepalived/vrrp/vrrp.c): the first VIP
     * (advertised, then excluded) on each interface other than the instance's own ({@code own}: its
     * macvlan with use_vmac, else its interface; the own one too with vmac_xmit_base, whose adverts do
     * not refresh it), and only on macvlans keepvip made unless {@code all}. Empty, and so off, when no
     * VIP is on another interface than the own one, as vrrp_complete_instance() turns it off.
     */
    public static List<VipSpec> extraIfTargets(List<VipSpec> vips, String own, boolean xmitBase, boolean all,
                                        java.util.Collection<String> ourMacvlans) {
        boolean extraVmac = false;
        boolean extraIf = false;
        for (VipSpec v : vips) {
            if (!v.ifname().equals(own)) {
                if (ourMacvlans.contains(v.ifname())) {
                    extraVmac = true;
                } else {
                    extraIf = true;
                }
            }
        }
        if ((!extraIf && !extraVmac) || (!extraVmac && !all)) {
            return List.of();
        }
        java.util.Map<String, VipSpec> first = new java.util.LinkedHashMap<>();
        for (VipSpec v : vips) {
            if (!ourMacvlans.contains(v.ifname()) && !all) {
                continue;
            }
            if (v.ifname().equals(own) && !xmitBase) {
                continue;
            }
            first.putIfAbsent(v.ifname(), v);
        }
        return List.copyOf(first.values());
    }

    /**
     * H3: {@code redis-lag:NAME} for every tracked redis_instance with {@code max_lag_bytes} or
     * {@code max_lag_seconds}, weighted by {@code lag_penalty} (fault = 0, else its negative weight);
     * and {@code redis-replicas:NAME} with {@code min_replicas_to_write}, weight -253.
     * A sync group without {@code sync_group_tracking_weight} forces it to 0, as every other tracker.
     */
    static void addLagTrackers(List<TrackerSpec> out, KeepalivedConfig config, InstanceSpec i) {
        boolean zeroWeights = InstanceMapping.groupZeroesWeights(config, i);
        for (Tracked t : i.tracking().redis()) {
            var r = config.redisInstance(t.name()).orElse(null);
            String id = LagJudge.PREFIX + t.name();
            if (r != null && LagJudge.enabled(r) && out.stream().noneMatch(s -> s.id().equals(id))) {
                out.add(new TrackerSpec(id, zeroWeights ? 0 : LagJudge.trackerWeight(r), false));
            }
            // H2: an isolated master (MinReplicasGuard) advertises priority 1, so the peer's data wins the heal.
            String isolated = MinReplicasGuard.PREFIX + t.name();
            if (r != null && MinReplicasGuard.enabled(r) && out.stream().noneMatch(s -> s.id().equals(isolated))) {
                out.add(new TrackerSpec(isolated, zeroWeights ? 0 : MinReplicasGuard.WEIGHT, false));
            }
        }
    }

    /** {@code spec} moved onto the macvlan that carries it, if one does. */
    private static VipSpec onVmac(VipSpec spec, KeepalivedConfig config, InstanceSpec i, VirtualIp v,
                                  Map<String, String> vmacNames) {
        String key = VmacPlan.keyFor(i, v);
        if (key == null) {
            return spec;
        }
        return spec.withIfname(vmacName(config, i, key, vmacNames));
    }

    /**
     * The name {@code key}'s macvlan got; before one exists (check-config, or a link that could not
     * be made) the name it would first get, so its VIPs fail visibly rather than land on the base.
     */
    private static String vmacName(KeepalivedConfig config, InstanceSpec i, String key, Map<String, String> vmacNames) {
        String name = vmacNames.get(key);
        if (name != null) {
            return name;
        }
        if (key.equals(VmacPlan.instanceKey(i)) && i.vmac().name() != null) {
            return i.vmac().name();
        }
        String prefix = key.startsWith("instance:") ? config.global().vmacPrefix() : config.global().vmacAddrPrefix();
        return Vmac.name(prefix, 0, i.vrid());
    }
}
