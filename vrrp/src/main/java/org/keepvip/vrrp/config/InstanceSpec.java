package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * {@code vrrp_instance NAME { ... }} (keepalived/vrrp/vrrp_parser.c) after keepalived's defaults and cross-checks:
 * what the configuration asks for. The running instance is the state machine
 * {@link org.keepvip.vrrp.state.VrrpInstance}.
 *
 * <p>The settings come in groups of one concern each ({@link Router}, {@link Timing}, {@link Wire},
 * {@link Addressing}, {@link Modes}); each setting keeps its own accessor here as well, so a reader
 * asks {@code spec.vrid()} without knowing the group.
 *
 * @param router        who the instance is: name, VRID, interface, priority, family, sync group
 * @param timing        advert interval, preemption, GARP/NA timing
 * @param wire          how adverts go out and are accepted: sources, group, peers, authentication
 * @param addressing    what the master holds: VIPs, excluded VIPs, routes, rules, macvlans
 * @param tracking      tracked interfaces, scripts, files, Redis instances
 * @param modes         strict, accept and the tracking and notify switches
 * @param notifyScripts notify scripts
 * @param origin        where the block starts
 */
public record InstanceSpec(Router router, Timing timing, Wire wire, Addressing addressing, Tracking tracking,
                           Modes modes, NotifyScriptsSpec notifyScripts, Origin origin) {

    /**
     * @param name          the instance name, as in logs: {@code (VI_1)}
     * @param state         the start-up hint (MASTER only if configured so, or priority 255)
     * @param interfaceName the interface adverts go out on; null only for unicast with a source
     * @param vrid          virtual_router_id 1..255
     * @param priority      1..255 (255 = address owner)
     * @param version       VRRP version 2 or 3 (IPv6: always 3)
     * @param family        the family of the VIPs and peers
     * @param syncGroup     the sync group this instance belongs to, or null
     */
    public record Router(String name, InitialState state, String interfaceName, int vrid, int priority, int version,
                         AddressFamily family, String syncGroup) {}

    /**
     * @param advertInterval     advert_int (v2: whole seconds; v3: centiseconds)
     * @param preempt            false with {@code nopreempt}
     * @param preemptDelay       preempt_delay (zero = none)
     * @param timerExpiredBackup timer_expired_backup priority, or 0 if off
     * @param garp               GARP/NA timing
     */
    public record Timing(Duration advertInterval, boolean preempt, Duration preemptDelay, int timerExpiredBackup,
                         GarpSettings garp) {}

    /**
     * @param mcastSrcIp         mcast_src_ip, or null for the interface's primary address
     * @param mcastGroup         the multicast destination (mcast_dst_ip or the global group)
     * @param unicastSrcIp       unicast_src_ip, or null
     * @param unicastPeers       unicast peers; empty = multicast
     * @param unicastTtl         TTL/hop limit of unicast adverts (255)
     * @param unicastFaultNoPeer with no peers stay in FAULT
     * @param authentication     PASS authentication (v2 only), or null
     * @param advert             advert-handling switches (strict mode applied)
     */
    public record Wire(InetAddress mcastSrcIp, InetAddress mcastGroup, InetAddress unicastSrcIp,
                       List<UnicastPeerSpec> unicastPeers, int unicastTtl, boolean unicastFaultNoPeer,
                       Authentication authentication, AdvertBehaviour advert) {
        public Wire {
            unicastPeers = List.copyOf(unicastPeers);
        }
    }

    /**
     * @param virtualIps         the VIPs carried in adverts, all of the instance's family
     * @param excludedIps        virtual_ipaddress_excluded: managed but not advertised
     * @param virtualRoutes      virtual_routes: added after the VIPs on becoming MASTER, removed before them
     * @param virtualRules       virtual_rules: added after the routes, removed first
     * @param noVirtualIpaddress no_virtual_ipaddress
     * @param promoteSecondaries promote_secondaries
     * @param vmac               use_vmac / use_vmac_addr / a VIP's use_vmac, or null without macvlans
     */
    public record Addressing(List<VirtualIp> virtualIps, List<VirtualIp> excludedIps, List<IpRoute> virtualRoutes,
                             List<IpRule> virtualRules, boolean noVirtualIpaddress, boolean promoteSecondaries,
                             Vmac vmac) {
        public Addressing {
            virtualIps = List.copyOf(virtualIps);
            excludedIps = List.copyOf(excludedIps);
            virtualRoutes = List.copyOf(virtualRoutes);
            virtualRules = List.copyOf(virtualRules);
        }
    }

    /**
     * @param strict                strict_mode (or vrrp_strict)
     * @param accept                accept mode: the master answers on its VIPs
     * @param trackSrcIp            track_src_ip
     * @param dontTrackPrimary      dont_track_primary
     * @param notifyPriorityChanges notify_priority_changes
     */
    public record Modes(boolean strict, boolean accept, boolean trackSrcIp, boolean dontTrackPrimary,
                        boolean notifyPriorityChanges) {}

    public boolean isUnicast() {
        return !wire.unicastPeers().isEmpty();
    }

    /** priority 255: the address owner. */
    public boolean isOwner() {
        return router.priority() == 255;
    }

    // The settings by name, from their groups.
    public String name() {
        return router.name();
    }

    public InitialState state() {
        return router.state();
    }

    public String interfaceName() {
        return router.interfaceName();
    }

    public int vrid() {
        return router.vrid();
    }

    public int priority() {
        return router.priority();
    }

    public int version() {
        return router.version();
    }

    public AddressFamily family() {
        return router.family();
    }

    public String syncGroup() {
        return router.syncGroup();
    }

    public Duration advertInterval() {
        return timing.advertInterval();
    }

    public boolean preempt() {
        return timing.preempt();
    }

    public Duration preemptDelay() {
        return timing.preemptDelay();
    }

    public int timerExpiredBackup() {
        return timing.timerExpiredBackup();
    }

    public GarpSettings garp() {
        return timing.garp();
    }

    public InetAddress mcastSrcIp() {
        return wire.mcastSrcIp();
    }

    public InetAddress mcastGroup() {
        return wire.mcastGroup();
    }

    public InetAddress unicastSrcIp() {
        return wire.unicastSrcIp();
    }

    public List<UnicastPeerSpec> unicastPeers() {
        return wire.unicastPeers();
    }

    public int unicastTtl() {
        return wire.unicastTtl();
    }

    public boolean unicastFaultNoPeer() {
        return wire.unicastFaultNoPeer();
    }

    public Authentication authentication() {
        return wire.authentication();
    }

    public AdvertBehaviour advert() {
        return wire.advert();
    }

    public List<VirtualIp> virtualIps() {
        return addressing.virtualIps();
    }

    public List<VirtualIp> excludedIps() {
        return addressing.excludedIps();
    }

    public List<IpRoute> virtualRoutes() {
        return addressing.virtualRoutes();
    }

    public List<IpRule> virtualRules() {
        return addressing.virtualRules();
    }

    public boolean noVirtualIpaddress() {
        return addressing.noVirtualIpaddress();
    }

    public boolean promoteSecondaries() {
        return addressing.promoteSecondaries();
    }

    public Vmac vmac() {
        return addressing.vmac();
    }

    public boolean strict() {
        return modes.strict();
    }

    public boolean accept() {
        return modes.accept();
    }

    public boolean trackSrcIp() {
        return modes.trackSrcIp();
    }

    public boolean dontTrackPrimary() {
        return modes.dontTrackPrimary();
    }

    public boolean notifyPriorityChanges() {
        return modes.notifyPriorityChanges();
    }
}
