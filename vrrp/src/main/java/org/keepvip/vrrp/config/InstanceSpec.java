package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * {@code vrrp_instance NAME { ... }} (keepalived/vrrp/vrrp_parser.c) after keepalived's defaults and cross-checks:
 * what the configuration asks for. The running instance is the state machine
 * {@link org.keepvip.vrrp.state.VrrpInstance}.
 *
 * @param name               the instance name, as in logs: {@code (VI_1)}
 * @param state              the start-up hint (MASTER only if configured so, or priority 255)
 * @param interfaceName      the interface adverts go out on; null only for unicast with a source
 * @param vrid               virtual_router_id 1..255
 * @param priority           1..255 (255 = address owner)
 * @param version            VRRP version 2 or 3 (IPv6: always 3)
 * @param family             the family of the VIPs and peers
 * @param advertInterval     advert_int (v2: whole seconds; v3: centiseconds)
 * @param preempt            false with {@code nopreempt}
 * @param preemptDelay       preempt_delay (zero = none)
 * @param mcastSrcIp         mcast_src_ip, or null for the interface's primary address
 * @param mcastGroup         the multicast destination (mcast_dst_ip or the global group)
 * @param unicastSrcIp       unicast_src_ip, or null
 * @param unicastPeers       unicast peers; empty = multicast
 * @param unicastTtl         TTL/hop limit of unicast adverts (255)
 * @param unicastFaultNoPeer with no peers stay in FAULT
 * @param virtualIps         the VIPs carried in adverts, all of {@code family}
 * @param excludedIps        virtual_ipaddress_excluded: managed but not advertised
 * @param tracking           tracked interfaces, scripts, files, Redis instances
 * @param authentication     PASS authentication (v2 only), or null
 * @param garp               GARP/NA timing
 * @param advert             advert-handling switches (strict mode applied)
 * @param notifyScripts      notify scripts
 * @param strict             strict_mode (or vrrp_strict)
 * @param accept             accept mode: the master answers on its VIPs
 * @param noVirtualIpaddress no_virtual_ipaddress
 * @param promoteSecondaries promote_secondaries
 * @param trackSrcIp         track_src_ip
 * @param dontTrackPrimary   dont_track_primary
 * @param timerExpiredBackup timer_expired_backup priority, or 0 if off
 * @param notifyPriorityChanges notify_priority_changes
 * @param syncGroup          the sync group this instance belongs to, or null
 * @param origin             where the block starts
 * @param virtualRoutes      virtual_routes: added after the VIPs on becoming MASTER, removed before them
 * @param virtualRules       virtual_rules: added after the routes, removed first
 * @param vmac               use_vmac / use_vmac_addr / a VIP's use_vmac, or null without macvlans
 */
public record InstanceSpec(String name, InitialState state, String interfaceName, int vrid, int priority, int version,
                           AddressFamily family, Duration advertInterval, boolean preempt, Duration preemptDelay,
                           InetAddress mcastSrcIp, InetAddress mcastGroup, InetAddress unicastSrcIp,
                           List<UnicastPeer> unicastPeers, int unicastTtl, boolean unicastFaultNoPeer,
                           List<VirtualIp> virtualIps, List<VirtualIp> excludedIps, Tracking tracking,
                           Authentication authentication, GarpSettings garp, AdvertBehaviour advert,
                           NotifyScripts notifyScripts, boolean strict, boolean accept, boolean noVirtualIpaddress,
                           boolean promoteSecondaries, boolean trackSrcIp, boolean dontTrackPrimary,
                           int timerExpiredBackup, boolean notifyPriorityChanges, String syncGroup, Origin origin,
                           List<IpRoute> virtualRoutes, List<IpRule> virtualRules, Vmac vmac) {
    public InstanceSpec {
        virtualRoutes = List.copyOf(virtualRoutes);
        virtualRules = List.copyOf(virtualRules);
        unicastPeers = List.copyOf(unicastPeers);
        virtualIps = List.copyOf(virtualIps);
        excludedIps = List.copyOf(excludedIps);
    }

    public boolean isUnicast() {
        return !unicastPeers.isEmpty();
    }

    /** priority 255: the address owner. */
    public boolean isOwner() {
        return priority == 255;
    }
}
