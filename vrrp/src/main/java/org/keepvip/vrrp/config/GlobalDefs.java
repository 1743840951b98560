package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * {@code global_defs}, with keepalived's defaults filled in (keepalived/core/global_parser.c).
 *
 * @param routerId               router_id (default: the host name)
 * @param scriptUser             script_user, or null: keepalived_script if it exists, else root
 * @param enableScriptSecurity   enable_script_security
 * @param useSymlinkPaths        use_symlink_paths
 * @param mcastGroup4            vrrp_mcast_group4 (224.0.0.18)
 * @param mcastGroup6            vrrp_mcast_group6 (ff02::12)
 * @param vrrpVersion            vrrp_version, the default instance version (2)
 * @param strict                 vrrp_strict
 * @param garp                   the vrrp_garp_* defaults for instances
 * @param minGarp                vrrp_min_garp
 * @param advert                 the advert-handling defaults for instances
 * @param startupDelay           vrrp_startup_delay (zero)
 * @param delayAfterBoot         vrrp_delay_after_boot (zero)
 * @param notifyFifo             vrrp_notify_fifo (+ script), or null
 * @param notifyPriorityChanges  vrrp_notify_priority_changes
 * @param logUnknownVrids        log_unknown_vrids
 * @param dynamicInterfaces      dynamic_interfaces: a missing interface is not fatal
 * @param notificationEmails     notification_email (parsed; keepvip sends no email)
 * @param releasedVipRst         keepvip's released_vip_rst: how long TCP SYNs to a VIP this node just
 *                               released are answered with RST (10 s); zero = never
 * @param metricsListen          keepvip's metrics_listen: where the Prometheus exporter listens, or null (off)
 * @param startupScript          startup_script (+ startup_script_timeout), or null
 * @param shutdownScript         shutdown_script (+ shutdown_script_timeout), or null
 * @param processTuning          vrrp_priority, vrrp_rt_priority, vrrp_rlimit_rttime, vrrp_no_swap, vrrp_cpu_affinity
 * @param vmacPrefix             vmac_prefix: the name of a use_vmac macvlan without one is PREFIX.VRID
 * @param vmacAddrPrefix         vmac_addr_prefix (else vmac_prefix): the same for use_vmac_addr's macvlans
 * @param extras                 default_interface, the dump files, umask, the netlink buffers
 * @param firewall               nftables (or vrrp_iptables), nftables_priority, nftables_counters,
 *                               nftables_ifindex: its table is null unless a keyword named one
 * @param origin                 where the block was (the main file, line 0, if absent)
 */
public record GlobalDefs(String routerId, ScriptUser scriptUser, boolean enableScriptSecurity, boolean useSymlinkPaths,
                         InetAddress mcastGroup4, InetAddress mcastGroup6, int vrrpVersion, boolean strict,
                         GarpSettings garp, boolean minGarp, AdvertBehaviour advert, Duration startupDelay,
                         Duration delayAfterBoot, NotifyFifoSpec notifyFifo, boolean notifyPriorityChanges,
                         boolean logUnknownVrids, boolean dynamicInterfaces, List<String> notificationEmails,
                         Duration releasedVipRst, MetricsListen metricsListen, DaemonScript startupScript,
                         DaemonScript shutdownScript, ProcessTuning processTuning, String vmacPrefix,
                         String vmacAddrPrefix, GlobalExtras extras, Firewall firewall, Origin origin) {
    /** released_vip_rst's default: clients that missed the GARP re-resolve the VIP within ~5–10 s. */
    public static final Duration DEFAULT_RELEASED_VIP_RST = Duration.ofSeconds(10);
    /** released_vip_rst's upper bound. */
    public static final Duration MAX_RELEASED_VIP_RST = Duration.ofHours(1);

    public GlobalDefs {
        notificationEmails = List.copyOf(notificationEmails);
        extras = extras == null ? GlobalExtras.DEFAULT : extras;
        firewall = firewall == null ? Firewall.NONE : firewall;
    }
}
