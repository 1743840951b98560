package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Accumulates {@code global_defs}; unset GARP values follow keepalived's derivations. */
final class GlobalBuilder {
    String routerId;
    String vmacPrefix;
    String vmacAddrPrefix;
    ScriptUser scriptUser;
    boolean enableScriptSecurity;
    boolean useSymlinkPaths;
    InetAddress mcastGroup4 = IpLiteral.parse("224.0.0.18");
    InetAddress mcastGroup6 = IpLiteral.parse("ff02::12");
    int vrrpVersion = 2;
    boolean strict;
    Duration garpMasterDelay;
    Integer garpMasterRepeat;
    Duration garpMasterRefresh;
    Duration extraIf = Duration.ZERO;
    boolean extraIfAll;
    Integer garpMasterRefreshRepeat;
    Duration garpLowerPrioDelay;
    Integer garpLowerPrioRepeat;
    Duration garpInterval = Duration.ZERO;
    Duration gnaInterval = Duration.ZERO;
    boolean minGarp;
    int downTimerAdverts = 3;
    Boolean lowerPrioNoAdvert;
    boolean higherPrioSendAdvert;
    Boolean ownerIgnoreAdverts;
    boolean v3ChecksumAsV2;
    boolean checkUnicastSrc;
    boolean skipCheckAdvAddr;
    Duration startupDelay = Duration.ZERO;
    Duration delayAfterBoot = Duration.ZERO;
    String fifoPath;
    String fifoUser;
    String fifoGroup;
    ScriptCommand fifoScript;
    boolean notifyPriorityChanges;
    boolean logUnknownVrids;
    boolean dynamicInterfaces;
    final List<String> emails = new ArrayList<>();
    Duration releasedVipRst = GlobalDefs.DEFAULT_RELEASED_VIP_RST;
    MetricsListen metricsListen;
    ScriptCommand startupScript;
    ScriptCommand shutdownScript;
    Duration startupTimeout = DaemonScript.DEFAULT_TIMEOUT;
    Duration shutdownTimeout = DaemonScript.DEFAULT_TIMEOUT;
    int nice;
    int realtimePriority;
    long rlimitRttime = ProcessTuning.DEFAULT_RLIMIT_RTTIME_MICROS;
    boolean noSwap;
    List<Integer> cpus = List.of();
    int maxAutoPriority;
    long minAutoPriorityDelay = ProcessTuning.DEFAULT_MIN_AUTO_PRIORITY_DELAY_MICROS;
    final ExtrasParser extras = new ExtrasParser();
    String nftTable;
    Origin nftOrigin;
    int nftPriority = -1;
    boolean nftCounters;
    boolean nftIfindex;
    Origin origin;
    private boolean seen;

    GlobalBuilder(String hostName, Origin origin) {
        this.routerId = hostName;
        this.origin = origin;
    }

    void parse(ConfigParser p, Stmt block) {
        if (!seen) {
            origin = block.origin;
            seen = true;
        }
        Args a = p.args;
        for (Stmt s : block.block()) {
            String kw = s.keyword();
            if (kw.equals("vrrp_vmac_garp_intvl")) {
                // keepalived/core/global_parser.c: vrrp_vmac_garp_extra_if_handler(): deprecated, still applied
                p.diags.corrected(s.origin, Keywords.GLOBAL_DEPRECATED.get(kw));
                extraIf(p, s, kw);
                continue;
            }
            if (Keywords.GLOBAL_DEPRECATED.containsKey(kw)) {
                p.diags.corrected(s.origin, Keywords.GLOBAL_DEPRECATED.get(kw) + " - ignored");
                continue;
            }
            if (!Keywords.GLOBAL.contains(kw)) {
                String as = p.unknown(s, "global_defs", Keywords.GLOBAL, Keywords.GLOBAL_UNSUPPORTED);
                if (as != null) {
                    new GlobalBuilder(routerId, origin).parse(p, Stmt.blockOf(s.renamed(as))); // reported, not kept
                }
                continue;
            }
            if (kw.equals("notification_email")) {
                if (p.needBlock(s)) {
                    s.blockWords().forEach(w -> emails.add(w.text()));
                }
                continue;
            }
            if (!p.noBlock(s)) {
                continue;
            }
            switch (kw) {
                case "router_id" -> set(a.string(s), v -> routerId = v);
                case "vmac_prefix" -> set(a.string(s), v -> {
                    if (vmacPrefix != null) {
                        p.diags.corrected(s.origin, "vmac prefix has already been specified - ignoring " + v);
                    } else {
                        vmacPrefix = v;
                    }
                });
                case "vmac_addr_prefix" -> set(a.string(s), v -> {
                    if (vmacAddrPrefix != null) {
                        p.diags.corrected(s.origin, "vmac_addr prefix has already been specified - ignoring " + v);
                    } else {
                        vmacAddrPrefix = v;
                    }
                });
                case "script_user" -> {
                    if (a.require(s, 1)) {
                        String g = s.argCount() > 1 ? s.arg(2) : null;
                        scriptUser = new ScriptUser(s.arg(1), g == null ? null : ConfigParser.stripColon(g),
                                g != null && g.startsWith(":"));
                    }
                }
                case "enable_script_security" -> enableScriptSecurity = true;
                case "use_symlink_paths" -> set(a.bool(s), v -> useSymlinkPaths = v);
                case "vrrp_mcast_group4" -> {
                    InetAddress ip = p.address(s);
                    if (ip != null && (AddressFamily.of(ip) != AddressFamily.IPV4 || !ip.isMulticastAddress())) {
                        p.diags.error(s.origin, "vrrp_mcast_group4 '" + s.arg(1) + "' is not an IPv4 multicast address - ignoring");
                    } else if (ip != null) {
                        mcastGroup4 = ip;
                    }
                }
                case "vrrp_mcast_group6" -> {
                    InetAddress ip = p.address(s);
                    if (ip != null && (AddressFamily.of(ip) != AddressFamily.IPV6 || !ip.isMulticastAddress())) {
                        p.diags.error(s.origin, "vrrp_mcast_group6 '" + s.arg(1) + "' is not an IPv6 multicast address - ignoring");
                    } else if (ip != null) {
                        mcastGroup6 = ip;
                    }
                }
                case "vrrp_version" -> set(a.integer(s, 2, 3), v -> vrrpVersion = v);
                case "vrrp_strict" -> set(a.bool(s), v -> strict = v);
                case "vrrp_garp_master_delay" -> set(secondsInt(a, s), v -> garpMasterDelay = v);
                case "vrrp_garp_master_repeat" -> set(a.integer(s, 0, Integer.MAX_VALUE), v -> garpMasterRepeat = Math.max(1, v));
                case "vrrp_garp_master_refresh" -> set(secondsInt(a, s), v -> garpMasterRefresh = v);
                case "vrrp_garp_master_refresh_repeat" -> set(a.integer(s, 0, Integer.MAX_VALUE), v -> garpMasterRefreshRepeat = Math.max(1, v));
                case "vrrp_garp_lower_prio_delay" -> set(secondsInt(a, s), v -> garpLowerPrioDelay = v);
                case "vrrp_garp_lower_prio_repeat" -> set(a.integer(s, 0, Integer.MAX_VALUE), v -> garpLowerPrioRepeat = v);
                case "vrrp_garp_interval" -> set(a.seconds(s, Duration.ofNanos(1000), ConfigParser.MAX_TIMER), v -> garpInterval = v);
                case "vrrp_gna_interval" -> set(a.seconds(s, Duration.ofNanos(1000), ConfigParser.MAX_TIMER), v -> gnaInterval = v);
                case "vrrp_min_garp" -> set(a.bool(s), v -> minGarp = v);
                case "vrrp_down_timer_adverts" -> set(a.integer(s, 1, 100), v -> downTimerAdverts = v);
                case "vrrp_lower_prio_no_advert" -> set(a.bool(s), v -> lowerPrioNoAdvert = v);
                case "vrrp_higher_prio_send_advert" -> set(a.bool(s), v -> higherPrioSendAdvert = v);
                case "vrrp_owner_ignore_adverts" -> set(a.bool(s), v -> ownerIgnoreAdverts = v);
                case "v3_checksum_as_v2" -> set(a.bool(s), v -> v3ChecksumAsV2 = v);
                case "vrrp_check_unicast_src" -> checkUnicastSrc = true;
                case "vrrp_skip_check_adv_addr" -> set(a.bool(s), v -> skipCheckAdvAddr = v);
                case "vrrp_startup_delay" -> set(a.seconds(s, Duration.ofMillis(1), ConfigParser.MAX_TIMER), v -> startupDelay = v);
                case "vrrp_delay_after_boot" -> set(a.seconds(s, Duration.ZERO, ConfigParser.MAX_TIMER), v -> delayAfterBoot = v);
                case "vrrp_notify_fifo", "notify_fifo" -> {
                    if (a.require(s, 1)) {
                        fifoPath = s.arg(1);
                        fifoUser = s.argCount() > 1 ? s.arg(2) : null;
                        fifoGroup = s.argCount() > 2 ? s.arg(3) : null;
                    }
                }
                case "vrrp_notify_fifo_script", "notify_fifo_script" -> set(a.script(s, 1), v -> fifoScript = v);
                case "vrrp_notify_priority_changes" -> set(a.bool(s), v -> notifyPriorityChanges = v);
                case "log_unknown_vrids" -> logUnknownVrids = true;
                case "dynamic_interfaces" -> dynamicInterfaces = true;
                case "released_vip_rst" -> set(a.seconds(s, Duration.ZERO, GlobalDefs.MAX_RELEASED_VIP_RST),
                        v -> releasedVipRst = v);
                case "metrics_listen" -> {
                    String text = a.string(s);
                    MetricsListen m = text == null ? null : MetricsListen.parse(text);
                    if (text != null && m == null) {
                        p.diags.error(s.origin, "metrics_listen '" + text + "' is not valid - must be "
                                + MetricsListen.FORM);
                    } else if (m != null) {
                        metricsListen = m;
                    }
                }
                case "startup_script", "shutdown_script" -> {
                    // keepalived/core/global_parser.c: startup_shutdown_script()
                    String type = kw.substring(0, kw.indexOf('_'));
                    boolean startup = type.equals("startup");
                    if ((startup ? startupScript : shutdownScript) != null) {
                        p.diags.error(s.origin, type + " script already specified");
                    } else if (s.argCount() < 1) {
                        p.diags.error(s.origin, type + " script missing");
                    } else {
                        set(a.script(s, 1), v -> {
                            if (startup) {
                                startupScript = v;
                            } else {
                                shutdownScript = v;
                            }
                        });
                    }
                }
                case "startup_script_timeout", "shutdown_script_timeout" -> {
                    // startup_shutdown_script_timeout_handler(): whole seconds, 1..1000
                    String type = kw.substring(0, kw.indexOf('_'));
                    if (s.argCount() < 1) {
                        p.diags.error(s.origin, kw + " requires value");
                        continue;
                    }
                    Long v = null;
                    try {
                        v = Long.parseLong(s.arg(1));
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                    if (v == null || v < 1 || v > 1000) {
                        p.diags.error(s.origin, type + "_script_timeout '" + s.arg(1) + "' must be in [1, 1000] - ignoring");
                    } else if (type.equals("startup")) {
                        startupTimeout = Duration.ofSeconds(v);
                    } else {
                        shutdownTimeout = Duration.ofSeconds(v);
                    }
                }
                case "vrrp_priority", "vrrp_rt_priority", "vrrp_rlimit_rttime", "vrrp_rlimit_rtime",
                        "vrrp_no_swap", "vrrp_cpu_affinity", "max_auto_priority", "min_auto_priority_delay"
                        -> processTuning(p, s, kw);
                case "default_interface", "state_dump_file", "stats_dump_file", "data_use_instance", "umask",
                        "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force",
                        "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs_force",
                        "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force",
                        "fifo_write_vrrp_states_on_reload", "reload_file", "reload_time_file", "reload_repeat",
                        "disable_local_igmp"
                        -> extras.parse(p.diags, s, kw);
                // Both act as the lines are read (Preprocessor): include_check on the includes after it,
                // random_seed on the ${_RANDOM} after it.
                case "include_check" -> { }
                case "vrrp_garp_extra_if" -> extraIf(p, s, kw);
                case "random_seed" -> {
                    // random_seed_handler(): read_unsigned_strvec(strvec, 1, &val, 0, UINT_MAX, false)
                    if (a.require(s, 1) && !isUnsigned32(s.arg(1))) {
                        p.diags.error(s.origin, "random_seed " + s.arg(1) + " invalid");
                    }
                }
                case "nftables" -> {
                    // keepalived/core/global_parser.c: vrrp_nftables_handler()
                    if (nftTable != null) {
                        p.diags.error(s.origin, "nftables already specified - ignoring");
                    } else if (s.argCount() >= 1 && s.arg(1).length() >= Firewall.MAX_TABLE_NAME) {
                        p.diags.error(s.origin, "nftables table name too long - ignoring");
                    } else {
                        nftTable = s.argCount() >= 1 ? s.arg(1) : Firewall.DEFAULT_TABLE;
                        nftOrigin = s.origin;
                        nftPriority = -1;
                    }
                }
                case "vrrp_iptables" -> {
                    // keepalived 2.2.7 built with nftables only (Debian's): vrrp_iptables_handler()
                    p.diags.error(s.origin, "iptables not supported, using nftables instead. Please replace"
                            + " 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option");
                    nftTable = Firewall.DEFAULT_TABLE;
                    nftOrigin = s.origin;
                    nftPriority = -1;
                }
                case "nftables_priority" -> {
                    Integer v = null;
                    if (a.require(s, 1)) {
                        try {
                            v = Integer.parseInt(s.arg(1));
                        } catch (NumberFormatException e) {
                            p.diags.error(s.origin, "invalid nftables chain priority '" + s.arg(1) + "'");
                        }
                    }
                    set(v, x -> nftPriority = x);
                }
                case "nftables_counters" -> nftCounters = true;
                case "nftables_ifindex" -> nftIfindex = true;
                default -> throw new IllegalStateException(kw);
            }
        }
    }

    /** The process keywords, with keepalived's messages (keepalived/core/global_parser.c). */
    private void processTuning(ConfigParser p, Stmt s, String kw) {
        switch (kw) {
            case "vrrp_no_swap" -> noSwap = true;
            case "vrrp_priority" -> {
                // get_priority(): an error leaves the default (0)
                Long v = s.argCount() < 1 ? null : longOrNull(s.arg(1));
                if (s.argCount() < 1) {
                    p.diags.error(s.origin, "No vrrp process priority specified");
                } else if (v == null || v < -20 || v > 19) {
                    p.diags.error(s.origin, "Invalid vrrp process priority specified");
                } else {
                    nice = v.intValue();
                }
            }
            case "vrrp_rt_priority" -> {
                // get_realtime_priority(): out of range is clamped, with an error
                Long v = s.argCount() < 1 ? null : longOrNull(s.arg(1));
                if (s.argCount() < 1) {
                    p.diags.error(s.origin, "No vrrp process real-time priority specified");
                } else if (v == null || v != v.intValue()) {
                    p.diags.error(s.origin, "vrrp process real-time priority '" + s.arg(1) + "' invalid");
                } else if (v < ProcessTuning.MIN_RT_PRIORITY) {
                    p.diags.error(s.origin, "vrrp process real-time priority " + v + " less than minimum "
                            + ProcessTuning.MIN_RT_PRIORITY + " - setting to minimum");
                    realtimePriority = ProcessTuning.MIN_RT_PRIORITY;
                } else if (v > ProcessTuning.MAX_RT_PRIORITY) {
                    p.diags.error(s.origin, "vrrp process real-time priority " + v + " greater than maximum "
                            + ProcessTuning.MAX_RT_PRIORITY + " - setting to maximum");
                    realtimePriority = ProcessTuning.MAX_RT_PRIORITY;
                } else {
                    realtimePriority = v.intValue();
                }
            }
            case "vrrp_rlimit_rttime", "vrrp_rlimit_rtime" -> {
                // get_rt_rlimit(): an invalid value means no limit; 1 becomes 2 (halved for the warning)
                if (kw.equals("vrrp_rlimit_rtime")) {
                    p.diags.warning(s.origin, "Keyword 'vrrp_rlimit_rtime' is deprecated - please use 'vrrp_rlimit_rttime'");
                }
                Long v = s.argCount() < 1 ? null : longOrNull(s.arg(1));
                if (v == null || v < 1 || v > 0xFFFF_FFFFL) {
                    p.diags.error(s.origin, "Invalid vrrp real-time limit - " + (s.argCount() < 1 ? "(null)" : s.arg(1)));
                    rlimitRttime = 0;
                } else {
                    rlimitRttime = Math.max(2, v);
                }
            }
            case "vrrp_cpu_affinity" -> {
                // get_cpu_affinity(): the first bad id empties the set
                if (s.argCount() < 1) {
                    p.diags.error(s.origin, "No vrrp cpu_id set specified");
                    return;
                }
                java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
                for (int i = 1; i <= s.argCount(); i++) {
                    Long id = longOrNull(s.arg(i));
                    if (id == null || id < 0 || id > ProcessTuning.MAX_CPU) {
                        p.diags.error(s.origin, "Invalid cpu_id:" + s.arg(i) + " specified for vrrp process");
                        cpus = List.of();
                        return;
                    }
                    set.add(id.intValue());
                }
                cpus = List.copyOf(set);
            }
            case "max_auto_priority" -> {
                // max_auto_priority_handler(): no value means the highest; -1 disables (as 0 does)
                if (s.argCount() < 1) {
                    maxAutoPriority = ProcessTuning.MAX_RT_PRIORITY;
                    return;
                }
                Long v = longOrNull(s.arg(1));
                if (v == null || v < -1 || v > ProcessTuning.MAX_RT_PRIORITY) {
                    p.diags.error(s.origin, "max_auto_priority '" + s.arg(1) + "' must be in [0, "
                            + ProcessTuning.MAX_RT_PRIORITY + "] (or -1 to disable) - ignoring");
                } else {
                    maxAutoPriority = (int) Math.max(0, v);
                }
            }
            case "min_auto_priority_delay" -> {
                // min_auto_priority_delay_handler(): µs, 1..10,000,000
                if (s.argCount() < 1) {
                    p.diags.error(s.origin, "min_auto_priority_delay requires delay time");
                    return;
                }
                Long v = longOrNull(s.arg(1));
                if (v == null || v < 1 || v > 10_000_000) {
                    p.diags.error(s.origin, "min_auto_priority_delay '" + s.arg(1) + "' must be in [1, 10000000] - ignoring");
                } else {
                    minAutoPriorityDelay = v;
                }
            }
            default -> throw new IllegalStateException(kw);
        }
    }

    private static Long longOrNull(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** GARP delays are whole seconds in keepalived. */
    private static Duration secondsInt(Args a, Stmt s) {
        Integer v = a.integer(s, 0, Integer.MAX_VALUE);
        return v == null ? null : Duration.ofSeconds(v);
    }

    static <T> void set(T value, java.util.function.Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** The instance defaults: keepalived's derivation of unset GARP values (keepalived/core/global_parser.c). */
    GarpSettings garp() {
        Duration delay = garpMasterDelay != null ? garpMasterDelay : (minGarp ? Duration.ZERO : Duration.ofSeconds(5));
        int repeat = garpMasterRepeat != null ? garpMasterRepeat : (minGarp ? 1 : 5);
        Duration refresh = garpMasterRefresh != null ? garpMasterRefresh : Duration.ZERO;
        int refreshRepeat = garpMasterRefreshRepeat != null ? garpMasterRefreshRepeat : 1;
        return new GarpSettings(delay, repeat, refresh, refreshRepeat,
                garpLowerPrioDelay != null ? garpLowerPrioDelay : delay,
                garpLowerPrioRepeat != null ? garpLowerPrioRepeat : repeat, garpInterval, gnaInterval,
                extraIf, extraIfAll);
    }

    AdvertBehaviour advert() {
        return new AdvertBehaviour(downTimerAdverts, lowerPrioNoAdvert != null ? lowerPrioNoAdvert : strict,
                higherPrioSendAdvert, ownerIgnoreAdverts != null ? ownerIgnoreAdverts : strict, skipCheckAdvAddr,
                v3ChecksumAsV2, checkUnicastSrc);
    }

    GlobalDefs build() {
        NotifyFifo fifo = fifoPath == null && fifoScript == null ? null
                : new NotifyFifo(fifoPath, fifoUser, fifoGroup, fifoScript);
        return new GlobalDefs(routerId, scriptUser, enableScriptSecurity, useSymlinkPaths, mcastGroup4, mcastGroup6,
                vrrpVersion, strict, garp(), minGarp, advert(), startupDelay, delayAfterBoot, fifo,
                notifyPriorityChanges, logUnknownVrids, dynamicInterfaces, emails, releasedVipRst, metricsListen,
                startupScript == null ? null : new DaemonScript(startupScript, startupTimeout),
                shutdownScript == null ? null : new DaemonScript(shutdownScript, shutdownTimeout),
                new ProcessTuning(nice, realtimePriority, rlimitRttime, noSwap, cpus, maxAutoPriority,
                        minAutoPriorityDelay),
                vmacPrefix == null ? Vmac.DEFAULT_PREFIX : vmacPrefix,
                vmacAddrPrefix != null ? vmacAddrPrefix : vmacPrefix == null ? Vmac.DEFAULT_PREFIX : vmacPrefix,
                extras.build(), new Firewall(nftTable, nftPriority, nftCounters, nftIfindex, nftOrigin), origin);
    }

    /**
     * {@code vrrp_garp_extra_if [all] SECS}, as keepalived's vrrp_vmac_garp_extra_if_handler()
     * (keepalived/core/global_parser.c): 1..86400 s; {@code all} may stand anywhere; no time is an error.
     */
    private void extraIf(ConfigParser p, Stmt s, String kw) {
        boolean all = extraIfAll;
        Integer delay = null;
        for (int i = 1; i <= s.argCount(); i++) {
            if (s.arg(i).equals("all")) {
                all = true;
            } else if (s.arg(i).matches("[0-9]+") && s.arg(i).length() < 7 && Integer.parseInt(s.arg(i)) >= 1
                    && Integer.parseInt(s.arg(i)) <= 86400) {
                delay = Integer.parseInt(s.arg(i));
            } else {
                p.diags.error(s.origin, kw + " '" + s.arg(i) + "' invalid - ignoring");
                return;
            }
        }
        extraIfAll = all;
        if (delay == null) {
            p.diags.error(s.origin, kw + " specified without time - ignoring");
            return;
        }
        extraIf = Duration.ofSeconds(delay);
    }

    /** A decimal 0..UINT_MAX, as keepalived's read_unsigned_strvec() takes it. */
    static boolean isUnsigned32(String w) {
        return w.matches("[0-9]{1,10}") && Long.parseLong(w) <= 0xffffffffL;
    }
}
