package org.keepvip.vrrp.config;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The keyword tables per block: supported, and recognised but not supported by keepvip. */
final class Keywords {
    private Keywords() {}

    static final Set<String> ROOT = Set.of("global_defs", "vrrp_script", "vrrp_instance", "vrrp_sync_group",
            "track_file", "vrrp_track_file", "redis_instance", "vrrp_track_process", "vrrp_track_host", "static_ipaddress",
            "static_routes", "static_rules",
            "garp_group", "track_group", "linkbeat_interfaces", "interface_up_down_delays", "net_namespace",
            "linkbeat_use_polling", "use_pid_dir", "instance");
    static final Set<String> ROOT_UNSUPPORTED = Set.of("virtual_server", "virtual_server_group", "bfd_instance",
            "net_namespace_ipvs", "namespace_with_ipsets", "child_wait_time");

    static final Set<String> GLOBAL = Set.of("router_id", "notification_email", "script_user",
            "enable_script_security", "use_symlink_paths", "vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_version",
            "vrrp_strict", "vrrp_garp_master_delay", "vrrp_garp_master_repeat", "vrrp_garp_master_refresh",
            "vrrp_garp_master_refresh_repeat", "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat",
            "vrrp_garp_interval", "vrrp_gna_interval", "vrrp_min_garp", "vrrp_down_timer_adverts",
            "vrrp_lower_prio_no_advert", "vrrp_higher_prio_send_advert", "vrrp_owner_ignore_adverts",
            "v3_checksum_as_v2", "vrrp_check_unicast_src", "vrrp_skip_check_adv_addr", "vrrp_startup_delay",
            "vrrp_delay_after_boot", "vrrp_notify_fifo", "notify_fifo", "vrrp_notify_fifo_script",
            "notify_fifo_script", "vrrp_notify_priority_changes", "log_unknown_vrids", "dynamic_interfaces",
            "released_vip_rst", "metrics_listen", "startup_script", "shutdown_script", "startup_script_timeout",
            "shutdown_script_timeout", "vrrp_priority", "vrrp_rt_priority", "vrrp_rlimit_rttime", "vrrp_rlimit_rtime",
            "vrrp_no_swap", "vrrp_cpu_affinity", "max_auto_priority", "min_auto_priority_delay",
            "vmac_prefix", "vmac_addr_prefix",
            "default_interface", "state_dump_file", "stats_dump_file", "data_use_instance", "umask",
            "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
            "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force",
            "fifo_write_vrrp_states_on_reload",
            "reload_file", "include_check", "random_seed", "vrrp_garp_extra_if", "reload_time_file", "reload_repeat", "disable_local_igmp",
            "nftables", "nftables_priority", "nftables_ifindex", "nftables_counters", "vrrp_iptables");
    static final Set<String> GLOBAL_UNSUPPORTED = Set.of(
            // e-mail
            "notification_email_from", "smtp_server", "smtp_helo_name", "smtp_connect_timeout", "smtp_alert",
            "smtp_alert_vrrp", "smtp_alert_checker", "no_email_faults",
            // SNMP and DBus
            "enable_snmp_vrrp", "enable_snmp_checker", "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3",
            "enable_snmp_keepalived", "snmp_socket", "enable_traps", "enable_dbus", "dbus_service_name",
            // LVS (keepalived's checker process)
            "lvs_timeouts", "lvs_flush", "lvs_flush_on_stop", "lvs_flush_onstop", "lvs_sync_daemon", "checker_priority",
            "checker_no_swap", "checker_rt_priority", "checker_cpu_affinity", "checker_rlimit_rttime",
            "checker_rlimit_rtime", "checker_log_all_failures", "checker_process_name", "lvs_process_name",
            "lvs_notify_fifo", "lvs_notify_fifo_script", "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force",
            "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force", "rs_init_notifies",
            "no_checker_emails", "nftables_ipvs", "nftables_ipvs_priority", "nftables_ipvs_start_fwmark", "local_name",
            // BFD (keepalived's BFD process)
            "bfd_priority", "bfd_no_swap", "bfd_rt_priority", "bfd_cpu_affinity", "bfd_rlimit_rttime",
            "bfd_rlimit_rtime", "bfd_process_name",
            // accepted, nothing to do in keepvip (NO_EFFECT says why)
            "set_supplementary_groups", "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier", "vrrp_ipsets",
            "reload_check_config", "config_save_dir", "tmp_config_directory",
            "json_version", "json_dump_file", "process_names", "process_name", "vrrp_process_name");

    static final Set<String> SCRIPT = Set.of("script", "interval", "timeout", "weight", "rise", "fall", "user",
            "init_fail");
    static final Set<String> TRACK_FILE = Set.of("file", "weight", "init_file");
    static final Set<String> TRACK_PROCESS = Set.of("process", "param_match", "weight", "quorum", "quorum_max",
            "delay", "fork_delay", "terminate_delay", "full_command");
    static final Set<String> TRACK_HOST = Set.of("address", "interface", "method", "interval", "timeout", "rise",
            "fall", "weight");

    static final Set<String> INSTANCE = Set.of("state", "interface", "virtual_router_id", "priority", "advert_int",
            "version", "nopreempt", "preempt", "preempt_delay", "mcast_src_ip", "unicast_src_ip", "unicast_peer",
            "unicast_fault_no_peer", "check_unicast_src", "unicast_ttl", "mcast_dst_ip", "track_src_ip",
            "dont_track_primary", "track_interface", "track_script", "track_file", "track_redis", "track_process",
            "track_host", "virtual_ipaddress", "virtual_ipaddress_excluded", "no_virtual_ipaddress", "promote_secondaries",
            "virtual_routes", "virtual_rules", "accept", "no_accept", "strict_mode", "skip_check_adv_addr", "authentication", "garp_master_delay",
            "garp_master_repeat", "garp_master_refresh", "garp_master_refresh_repeat", "garp_lower_prio_delay",
            "garp_lower_prio_repeat", "down_timer_adverts", "lower_prio_no_advert", "higher_prio_send_advert",
            "owner_ignore_adverts", "timer_expired_backup", "thread_timer_expired", "notify_master", "notify_backup",
            "notify_fault", "notify_stop", "notify_deleted", "notify", "notify_master_rx_lower_pri",
            "notify_priority_changes", "v3_checksum_as_v2", "native_ipv6", "debug", "use_vmac", "use_vmac_addr",
            "vmac_xmit_base", "garp_extra_if", "old_unicast_checksum", "use_ipvlan");
    static final Set<String> INSTANCE_UNSUPPORTED = Set.of("vrf", "track_bfd", "auth_hmac",
            "kernel_rx_buf_size", "smtp_alert",
            "linkbeat_use_polling", "lvs_sync_daemon_interface");
    /**
     * Unsupported keywords that are errors, not warnings, with why: the peer could not talk to
     * this node, or the node would run without the routes, rules or addresses the file asks for.
     */
    static final Map<String, String> UNSUPPORTED_ERRORS = Map.of(
            "auth_hmac", "the peer would drop this node's adverts");

    static final Set<String> SYNC_GROUP = Set.of("group", "track_interface", "track_script", "track_file",
            "track_redis", "track_process", "track_host", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify",
            "notify_priority_changes", "sync_group_tracking_weight", "global_tracking");
    static final Set<String> SYNC_GROUP_UNSUPPORTED = Set.of("track_bfd", "smtp_alert");

    static final Set<String> REDIS = Set.of("address", "user", "password_file", "tls", "tls_ca_file",
            "tls_cert_file", "tls_key_file", "interval", "timeout", "rise", "fall", "weight", "promote_timeout",
            "max_lag_bytes", "max_lag_seconds", "lag_penalty", "allow_empty_master", "fence", "peer_port",
            "min_replicas_to_write", "min_replicas_max_lag", "sentinel", "sentinel_master", "sentinel_user", "sentinel_password_file", "sentinel_tls",
            "sentinel_timeout", "sentinel_announce_address");

    static final Set<String> AUTH = Set.of("auth_type", "auth_pass");

    /** Keywords that open a block; a misspelling of one gets its block checked as this one. */
    static final Set<String> BLOCKS = Set.of("global_defs", "vrrp_script", "vrrp_instance", "vrrp_sync_group",
            "track_file", "vrrp_track_file", "redis_instance", "notification_email", "unicast_peer",
            "track_interface", "track_script", "track_redis", "vrrp_track_process", "track_process", "vrrp_track_host", "track_host", "virtual_ipaddress", "virtual_ipaddress_excluded",
            "authentication", "group", "static_ipaddress", "static_routes", "static_rules", "virtual_routes",
            "virtual_rules");

    /**
     * Deprecated keywords of a vrrp_instance that keepalived 2.2.7 reports as configuration errors
     * (keepalived/vrrp/vrrp_parser.c: vrrp_linkbeat_handler(), vrrp_lvs_syncd_handler(),
     * vrrp_garp_extra_if_handler()), in its words. vmac_garp_intvl is still applied as garp_extra_if,
     * as keepalived applies it; the others are ignored.
     */
    static final Map<String, String> INSTANCE_DEPRECATED = Map.of(
            "linkbeat_use_polling", "'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block",
            "lvs_sync_daemon_interface", "Specifying lvs_sync_daemon_interface against a vrrp is deprecated."
                    + " Please use global lvs_sync_daemon",
            "vmac_garp_intvl", "Keyword \"vmac_garp_intvl\" is deprecated - please use \"garp_extra_if\"");

    /** The same for global_defs (keepalived/core/global_parser.c: vrrp_vmac_garp_extra_if_handler()), still applied. */
    static final Map<String, String> GLOBAL_DEPRECATED = Map.of(
            "vrrp_vmac_garp_intvl", "Keyword \"vrrp_vmac_garp_intvl\" is deprecated - please use \"vrrp_garp_extra_if\"");

    /** Why a group of unsupported keywords is not supported, said in the warning. */
    private static final String LVS = "LVS is keepalived's checker process: keepvip moves virtual addresses and"
            + " does not load-balance; a host that needs virtual_server runs keepalived's checker beside keepvip";
    private static final String BFD = "BFD is keepalived's separate BFD process: keepvip has none; probe the peer"
            + " or gateway with vrrp_track_host or a vrrp_script instead";
    private static final String SNMP = "keepvip has no SNMP agent or DBus service: keepvip status --json, the"
            + " events stream and the Prometheus metrics (metrics_listen) carry the same state";
    private static final String MAIL = "keepvip sends no e-mail: use a notify script or the notify FIFO";

    /**
     * Keywords keepalived 2.2.7 accepts whose job keepvip does otherwise or not at all, with why:
     * reported as having no effect, never as an error.
     */
    static final Map<String, String> NO_EFFECT = Map.ofEntries(
            Map.entry("child_wait_time", "keepvip has no child processes to wait for"),
            Map.entry("process_names", "keepvip is one process with no children to name; its VRRP thread is 'vrrp'"),
            Map.entry("process_name", "keepvip is one process with no children to name; its VRRP thread is 'vrrp'"),
            Map.entry("vrrp_process_name", "keepvip is one process with no children to name; its VRRP thread is 'vrrp'"),
            Map.entry("config_save_dir", "keepvip reads the file itself at start and at each reload; there is no copy"),
            Map.entry("tmp_config_directory", "keepvip reads the file itself at start and at each reload; there is no copy"),
            Map.entry("reload_check_config", "keepvip always checks a new configuration before a reload and keeps the"
                    + " running one if it has errors; the findings go to the daemon's log"),
            Map.entry("vrrp_rx_bufs_policy", "keepvip receives adverts through a capture ring it sizes per interface"
                    + " from the MTU and the advert rate, not through keepalived's raw sockets"),
            Map.entry("vrrp_rx_bufs_multiplier", "keepvip receives adverts through a capture ring it sizes per"
                    + " interface from the MTU and the advert rate, not through keepalived's raw sockets"),
            Map.entry("kernel_rx_buf_size", "keepvip receives adverts through a capture ring it sizes per interface"
                    + " from the MTU and the advert rate, not through keepalived's raw sockets"),
            Map.entry("vrrp_ipsets", "keepvip's firewall is nftables (as Debian's keepalived), which has no ipsets"),
            Map.entry("namespace_with_ipsets", "keepvip's firewall is nftables (as Debian's keepalived), which has no ipsets"),
            Map.entry("json_dump_file", "a keepalived 2.3 keyword: keepvip status --json returns the same data at any time"),
            Map.entry("json_version", "a keepalived 2.3 keyword: keepvip status --json returns the same data at any time"),
            Map.entry("set_supplementary_groups", "a keepalived 2.3 keyword (2.2.7 does not know it); give a"
                    + " script its user's supplementary groups with USER :GROUP"));

    /** The reason said with a not-supported keyword, or null. */
    static String reason(String kw) {
        if (NO_EFFECT.containsKey(kw)) {
            return NO_EFFECT.get(kw);
        }
        if (kw.startsWith("smtp_") || kw.equals("notification_email_from") || kw.equals("no_email_faults")) {
            return MAIL;
        }
        if (kw.contains("snmp") || kw.equals("enable_traps") || kw.contains("dbus")) {
            return SNMP;
        }
        if (kw.startsWith("bfd") || kw.equals("track_bfd")) {
            return BFD;
        }
        if (kw.startsWith("lvs_") || kw.startsWith("checker_") || kw.contains("ipvs") || kw.startsWith("virtual_server")
                || kw.equals("rs_init_notifies") || kw.equals("no_checker_emails") || kw.equals("local_name")) {
            return LVS;
        }
        return null;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }
}
