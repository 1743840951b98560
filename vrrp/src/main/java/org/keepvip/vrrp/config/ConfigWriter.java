package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Writes the effective configuration back in keepalived.conf syntax, every default spelled
 * out ({@code check-config --dump}). The output parses to the same model.
 */
public final class ConfigWriter {
    private final StringBuilder sb = new StringBuilder();
    private int depth;

    private ConfigWriter() {}

    public static String write(KeepalivedConfig c) {
        ConfigWriter w = new ConfigWriter();
        w.host(c.host());
        w.global(c.global());
        for (VrrpScript s : c.scripts()) {
            w.script(s);
        }
        for (TrackFile f : c.trackFiles()) {
            w.trackFile(f);
        }
        for (RedisInstance r : c.redis()) {
            w.redis(r);
        }
        for (TrackProcess tp : c.trackProcesses()) {
            w.trackProcess(tp);
        }
        for (TrackHost th : c.trackHosts()) {
            w.trackHost(th);
        }
        StaticRouting st = c.statics();
        if (!st.addresses().isEmpty()) {
            w.vips("static_ipaddress", st.addresses());
        }
        w.routes("static_routes", st.routes());
        w.rules("static_rules", st.rules());
        for (InstanceSpec i : c.instances()) {
            w.instance(i);
        }
        for (SyncGroupSpec g : c.syncGroups()) {
            w.group(g);
        }
        return w.sb.toString();
    }

    private void line(String s) {
        sb.append("    ".repeat(depth)).append(s).append('\n');
    }

    private void open(String s) {
        line(s + " {");
        depth++;
    }

    private void close() {
        depth--;
        line("}");
    }

    private void flag(String kw, boolean on) {
        if (on) {
            line(kw);
        }
    }

    private static String sec(Duration d) {
        return Durations.format(d);
    }

    private static String ip(InetAddress a) {
        return IpLiteral.format(a);
    }

    /**
     * A word as it reads back: quoted when it holds what the first split would take apart (blanks,
     * braces, comment characters). A word never holds a double quote: the split consumes them.
     */
    private static String word(String s) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (Character.isWhitespace(c) || c == '{' || c == '}' || c == '#' || c == '!') {
                return q(s);
            }
        }
        return s.isEmpty() ? q(s) : s;
    }

    /** Quotes a word for the first split; the second (script) split already happened. */
    private static String q(String s) {
        return "\"" + s + "\"";
    }

    private String script(ScriptCommandSpec c) {
        StringBuilder b = new StringBuilder(q(c.raw()));
        if (c.user() != null) {
            b.append(' ').append(c.user());
            if (c.group() != null) {
                b.append(' ').append(c.group());
            }
        }
        return b.toString();
    }

    /** The top-level host keywords, before global_defs as keepalived's dump puts them. */
    private void host(HostSettings h) {
        if (h.instanceName() != null) {
            line("instance " + h.instanceName());
        }
        if (h.netNamespace() != null) {
            line("net_namespace " + h.netNamespace());
        }
        flag("use_pid_dir", h.usePidDir() && h.instanceName() == null && h.netNamespace() == null);
        flag("linkbeat_use_polling", h.linkbeatUsePolling());
        if (!h.linkbeatInterfaces().isEmpty()) {
            open("linkbeat_interfaces");
            h.linkbeatInterfaces().forEach(this::line);
            close();
        }
        if (!h.linkDelays().isEmpty()) {
            open("interface_up_down_delays");
            h.linkDelays().forEach(d -> line(d.ifname() + " " + sec(d.down()) + " " + sec(d.up())));
            close();
        }
        for (GarpGroup g : h.garpGroups()) {
            open("garp_group");
            if (!g.garpInterval().isZero() || g.gnaInterval().isZero()) {
                line("garp_interval " + sec(g.garpInterval()));
            }
            if (!g.gnaInterval().isZero()) {
                line("gna_interval " + sec(g.gnaInterval()));
            }
            if (!g.interfaces().isEmpty()) {
                line("interfaces { " + String.join(" ", g.interfaces()) + " }");
            }
            close();
        }
        for (TrackGroup t : h.trackGroups()) {
            open("track_group " + t.name());
            line("group { " + String.join(" ", t.instances()) + " }");
            close();
        }
    }

    private void global(GlobalDefs g) {
        open("global_defs");
        line("router_id " + word(g.routerId()));
        if (g.scriptUser() != null) {
            ScriptUser u = g.scriptUser();
            line("script_user " + u.user() + (u.group() == null ? "" : " " + (u.supplementaryGroups() ? ":" : "") + u.group()));
        }
        flag("enable_script_security", g.enableScriptSecurity());
        line("use_symlink_paths " + (g.useSymlinkPaths() ? "true" : "false"));
        line("vrrp_mcast_group4 " + ip(g.mcastGroup4()));
        line("vrrp_mcast_group6 " + ip(g.mcastGroup6()));
        line("vrrp_version " + g.vrrpVersion());
        line("vrrp_strict " + (g.strict() ? "true" : "false"));
        GarpSettings gs = g.garp();
        line("vrrp_garp_master_delay " + gs.masterDelay().getSeconds());
        line("vrrp_garp_master_repeat " + gs.masterRepeat());
        line("vrrp_garp_master_refresh " + gs.masterRefresh().getSeconds());
        line("vrrp_garp_master_refresh_repeat " + gs.masterRefreshRepeat());
        line("vrrp_garp_lower_prio_delay " + gs.lowerPrioDelay().getSeconds());
        line("vrrp_garp_lower_prio_repeat " + gs.lowerPrioRepeat());
        if (!gs.extraIf().isZero()) {
            line("vrrp_garp_extra_if " + (gs.extraIfAll() ? "all " : "") + gs.extraIf().getSeconds());
        }
        if (!gs.interval().isZero()) {
            line("vrrp_garp_interval " + sec(gs.interval()));
        }
        if (!gs.naInterval().isZero()) {
            line("vrrp_gna_interval " + sec(gs.naInterval()));
        }
        line("vrrp_min_garp " + (g.minGarp() ? "true" : "false"));
        AdvertBehaviour a = g.advert();
        line("vrrp_down_timer_adverts " + a.downTimerAdverts());
        line("vrrp_lower_prio_no_advert " + (a.lowerPrioNoAdvert() ? "true" : "false"));
        line("vrrp_higher_prio_send_advert " + (a.higherPrioSendAdvert() ? "true" : "false"));
        line("vrrp_owner_ignore_adverts " + (a.ownerIgnoreAdverts() ? "true" : "false"));
        line("v3_checksum_as_v2 " + (a.v3ChecksumAsV2() ? "true" : "false"));
        flag("vrrp_check_unicast_src", a.checkUnicastSrc());
        line("vrrp_skip_check_adv_addr " + (a.skipCheckAdvAddr() ? "true" : "false"));
        if (!g.startupDelay().isZero()) {
            line("vrrp_startup_delay " + sec(g.startupDelay()));
        }
        line("vrrp_delay_after_boot " + sec(g.delayAfterBoot()));
        if (g.notifyFifo() != null) {
            NotifyFifoSpec f = g.notifyFifo();
            if (f.path() != null) {
                line("vrrp_notify_fifo " + f.path() + (f.user() == null ? "" : " " + f.user())
                        + (f.group() == null ? "" : " " + f.group()));
            }
            if (f.script() != null) {
                line("vrrp_notify_fifo_script " + script(f.script()));
            }
        }
        line("vrrp_notify_priority_changes " + (g.notifyPriorityChanges() ? "true" : "false"));
        Firewall fw = g.firewall();
        if (fw.table() != null) {
            line("nftables " + fw.table());
        }
        if (fw.priority() != -1) {
            line("nftables_priority " + fw.priority());
        }
        flag("nftables_counters", fw.counters());
        flag("nftables_ifindex", fw.useIfindex());
        flag("log_unknown_vrids", g.logUnknownVrids());
        flag("dynamic_interfaces", g.dynamicInterfaces());
        if (!g.releasedVipRst().equals(GlobalDefs.DEFAULT_RELEASED_VIP_RST)) {
            line("released_vip_rst " + sec(g.releasedVipRst())); // keepvip's: keepalived would reject it
        }
        if (!g.vmacPrefix().equals(Vmac.DEFAULT_PREFIX)) {
            line("vmac_prefix " + g.vmacPrefix());
        }
        if (!g.vmacAddrPrefix().equals(g.vmacPrefix())) {
            line("vmac_addr_prefix " + g.vmacAddrPrefix());
        }
        for (String type : List.of("startup", "shutdown")) {
            DaemonScript d = type.equals("startup") ? g.startupScript() : g.shutdownScript();
            if (d != null) {
                line(type + "_script " + script(d.command()));
                line(type + "_script_timeout " + d.timeout().toSeconds());
            }
        }
        if (g.metricsListen() != null) {
            line("metrics_listen " + g.metricsListen()); // keepvip's: keepalived would reject it
        }
        ProcessTuning t = g.processTuning();
        if (t.nice() != 0) {
            line("vrrp_priority " + t.nice());
        }
        if (t.realtimePriority() != 0) {
            line("vrrp_rt_priority " + t.realtimePriority());
        }
        if (t.rlimitRttimeMicros() != ProcessTuning.DEFAULT_RLIMIT_RTTIME_MICROS && t.rlimitRttimeMicros() != 0) {
            line("vrrp_rlimit_rttime " + t.rlimitRttimeMicros());
        }
        flag("vrrp_no_swap", t.noSwap());
        if (!t.cpus().isEmpty()) {
            line("vrrp_cpu_affinity " + String.join(" ", t.cpus().stream().map(String::valueOf).toList()));
        }
        if (t.maxAutoPriority() != 0) {
            line("max_auto_priority " + t.maxAutoPriority());
        }
        if (t.minAutoPriorityDelayMicros() != ProcessTuning.DEFAULT_MIN_AUTO_PRIORITY_DELAY_MICROS) {
            line("min_auto_priority_delay " + t.minAutoPriorityDelayMicros());
        }
        extras(g.extras());
        if (!g.notificationEmails().isEmpty()) {
            open("notification_email");
            g.notificationEmails().forEach(this::line);
            close();
        }
        close();
    }

    private void extras(GlobalExtras x) {
        if (x.defaultInterface() != null) {
            line("default_interface " + word(x.defaultInterface()));
        }
        if (x.dumps().stateFile() != null) {
            line("state_dump_file " + word(x.dumps().stateFile()));
        }
        if (x.dumps().statsFile() != null) {
            line("stats_dump_file " + word(x.dumps().statsFile()));
        }
        flag("data_use_instance", x.dumps().useInstance());
        if (x.umask() != null) {
            line("umask 0" + Integer.toOctalString(x.umask()));
        }
        NetlinkBuffers n = x.netlink();
        if (n.cmdBytes() != 0) {
            line("vrrp_netlink_cmd_rcv_bufs " + n.cmdBytes());
        }
        flag("vrrp_netlink_cmd_rcv_bufs_force", n.cmdForce());
        if (n.monitorBytes() != 0) {
            line("vrrp_netlink_monitor_rcv_bufs " + n.monitorBytes());
        }
        flag("vrrp_netlink_monitor_rcv_bufs_force", n.monitorForce());
        if (n.processBytes() != 0) {
            line("process_monitor_rcv_bufs " + n.processBytes());
        }
        flag("process_monitor_rcv_bufs_force", n.processForce());
        flag("fifo_write_vrrp_states_on_reload", x.fifoWriteStatesOnReload());
        if (x.reloadFile() != null) {
            line(x.reloadFile().isEmpty() ? "reload_file" : "reload_file " + word(x.reloadFile()));
        }
        if (x.reloadTimeFile() != null) {
            line("reload_time_file " + word(x.reloadTimeFile()));
        }
        flag("reload_repeat", x.reloadRepeat());
        flag("disable_local_igmp", x.disableLocalIgmp());
    }

    private void script(VrrpScript s) {
        open("vrrp_script " + word(s.name()));
        line("script " + q(s.command().raw()));
        line("interval " + sec(s.interval()));
        line("timeout " + sec(s.timeout()));
        line("weight " + s.weight() + (s.reverse() ? " reverse" : ""));
        line("rise " + s.rise());
        line("fall " + s.fall());
        if (s.command().user() != null) {
            line("user " + s.command().user() + (s.command().group() == null ? "" : " " + s.command().group()));
        }
        flag("init_fail", s.initFail());
        close();
    }

    private void trackFile(TrackFile f) {
        open("track_file " + word(f.name()));
        line("file " + q(f.path()));
        line("weight " + f.weight() + (f.reverse() ? " reverse" : ""));
        if (f.initFile()) {
            line("init_file " + f.initValue() + (f.overwrite() ? " overwrite" : ""));
        }
        close();
    }

    private void trackHost(TrackHost h) {
        open("vrrp_track_host " + word(h.name()));
        line("address " + IpLiteral.format(h.address()));
        if (h.interfaceName() != null) {
            line("interface " + word(h.interfaceName()));
        }
        line("method " + h.method().word());
        line("interval " + Durations.format(h.interval()));
        line("timeout " + Durations.format(h.timeout()));
        line("rise " + h.rise());
        line("fall " + h.fall());
        line("weight " + h.weight() + (h.reverse() ? " reverse" : ""));
        close();
    }

    private void trackProcess(TrackProcess t) {
        open("vrrp_track_process " + t.name());
        StringBuilder proc = new StringBuilder("process ").append(q(t.process()));
        t.params().forEach(a -> proc.append(' ').append(q(a)));
        line(proc.toString());
        switch (t.paramMatch()) {
            case EXACT -> line("param_match");
            case PARTIAL -> line("param_match partial");
            case INITIAL -> line("param_match initial");
            default -> { }
        }
        flag("full_command", t.fullCommand());
        line("weight " + t.weight() + (t.reverse() ? " reverse" : ""));
        if (t.quorumMax() != TrackProcess.UNLIMITED) {
            line("quorum_max " + t.quorumMax());
        }
        if (t.quorum() > 0) {
            line("quorum " + t.quorum());
        }
        if (!t.forkDelay().isZero()) {
            line("fork_delay " + Durations.format(t.forkDelay()));
        }
        if (!t.terminateDelay().isZero()) {
            line("terminate_delay " + Durations.format(t.terminateDelay()));
        }
        close();
    }

    private void redis(RedisInstance r) {
        open("redis_instance " + word(r.name()));
        line("address " + (r.host().indexOf(':') >= 0 ? "[" + r.host() + "]" : r.host()) + ":" + r.port());
        if (r.user() != null) {
            line("user " + word(r.user()));
        }
        if (r.passwordFile() != null) {
            line("password_file " + q(r.passwordFile()));
        }
        line("tls " + (r.tls().enabled() ? "on" : "off"));
        if (r.tls().caFile() != null) {
            line("tls_ca_file " + q(r.tls().caFile()));
        }
        if (r.tls().certFile() != null) {
            line("tls_cert_file " + q(r.tls().certFile()));
        }
        if (r.tls().keyFile() != null) {
            line("tls_key_file " + q(r.tls().keyFile()));
        }
        line("interval " + sec(r.interval()));
        line("timeout " + sec(r.timeout()));
        line("rise " + r.rise());
        line("fall " + r.fall());
        line("weight " + r.weight());
        line("promote_timeout " + sec(r.promoteTimeout()));
        line("max_lag_bytes " + r.maxLagBytes());
        line("max_lag_seconds " + sec(r.maxLagSeconds()));
        line("lag_penalty " + (r.lagPenalty().fault() ? "fault" : Integer.toString(r.lagPenalty().weight())));
        line("allow_empty_master " + (r.allowEmptyMaster() ? "on" : "off"));
        line("fence " + (r.fence() ? "on" : "off"));
        if (!r.sentinelMode()) {
            line("peer_port " + r.peerPort());
            if (r.minReplicas().managed()) {
                line("min_replicas_to_write " + r.minReplicas().toWrite());
                line("min_replicas_max_lag " + r.minReplicas().maxLagSeconds());
            }
        }
        RedisInstance.Sentinel st = r.sentinel();
        if (st != null) {
            open("sentinel");
            st.addresses().forEach(a -> line(a.toString()));
            close();
            line("sentinel_master " + st.masterName());
            if (st.user() != null) {
                line("sentinel_user " + st.user());
            }
            if (st.passwordFile() != null) {
                line("sentinel_password_file " + q(st.passwordFile()));
            }
            line("sentinel_tls " + (st.tls() ? "on" : "off"));
            line("sentinel_timeout " + sec(st.timeout()));
            if (st.announceHost() != null) {
                line("sentinel_announce_address " + new RedisInstance.HostPort(st.announceHost(), st.announcePort()));
            }
        }
        close();
    }

    private void instance(InstanceSpec i) {
        open("vrrp_instance " + word(i.name()));
        line("state " + i.state());
        if (i.interfaceName() != null) {
            line("interface " + word(i.interfaceName()));
        }
        line("virtual_router_id " + i.vrid());
        line("priority " + i.priority());
        line("advert_int " + sec(i.advertInterval()));
        line("version " + i.version());
        line(i.preempt() ? "preempt" : "nopreempt");
        if (!i.preemptDelay().isZero()) {
            line("preempt_delay " + sec(i.preemptDelay()));
        }
        if (i.mcastSrcIp() != null) {
            line("mcast_src_ip " + ip(i.mcastSrcIp()));
        }
        if (!i.isUnicast()) {
            line("mcast_dst_ip " + ip(i.mcastGroup()));
        }
        if (i.unicastSrcIp() != null) {
            line("unicast_src_ip " + ip(i.unicastSrcIp()));
        }
        if (i.isUnicast()) {
            open("unicast_peer");
            for (UnicastPeerSpec p : i.unicastPeers()) {
                line(ip(p.address()) + (p.minTtl() > 0 ? " min_ttl " + p.minTtl() : "")
                        + (p.maxTtl() < 255 ? " max_ttl " + p.maxTtl() : ""));
            }
            close();
            line("unicast_ttl " + i.unicastTtl());
        }
        flag("unicast_fault_no_peer", i.unicastFaultNoPeer());
        flag("track_src_ip", i.trackSrcIp());
        flag("dont_track_primary", i.dontTrackPrimary());
        tracking(i.tracking());
        vips("virtual_ipaddress", i.virtualIps());
        if (!i.excludedIps().isEmpty()) {
            vips("virtual_ipaddress_excluded", i.excludedIps());
        }
        routes("virtual_routes", i.virtualRoutes());
        rules("virtual_rules", i.virtualRules());
        flag("no_virtual_ipaddress", i.noVirtualIpaddress());
        flag("promote_secondaries", i.promoteSecondaries());
        if (i.vmac() != null) {
            Vmac m = i.vmac();
            if (m.isIpvlan()) {
                Ipvlan v = m.ipvlan();
                line("use_ipvlan" + (m.name() != null ? " " + m.name() : "")
                        + (v.address() != null ? " " + ip(v.address()) + "/" + v.prefix() : "") + " " + v.flagsWord());
            } else if (m.onInstance()) {
                line("use_vmac" + (m.name() != null ? " " + m.name() : "") + (m.mac() != null ? " " + m.mac() : ""));
            }
            flag("vmac_xmit_base", m.xmitBase());
            flag("use_vmac_addr", m.forOtherAddresses());
        }
        line(i.accept() ? "accept" : "no_accept");
        line("strict_mode " + (i.strict() ? "true" : "false"));
        if (i.authentication() != null) {
            open("authentication");
            line("auth_type PASS");
            line("auth_pass " + q(i.authentication().password()));
            close();
        }
        GarpSettings g = i.garp();
        line("garp_master_delay " + g.masterDelay().getSeconds());
        line("garp_master_repeat " + g.masterRepeat());
        line("garp_master_refresh " + g.masterRefresh().getSeconds());
        line("garp_master_refresh_repeat " + g.masterRefreshRepeat());
        line("garp_extra_if " + (g.extraIfAll() ? "all " : "") + g.extraIf().getSeconds());
        if (!i.strict()) {
            line("garp_lower_prio_delay " + g.lowerPrioDelay().getSeconds());
            line("garp_lower_prio_repeat " + g.lowerPrioRepeat());
        }
        AdvertBehaviour a = i.advert();
        line("down_timer_adverts " + a.downTimerAdverts());
        line("lower_prio_no_advert " + (a.lowerPrioNoAdvert() ? "true" : "false"));
        line("higher_prio_send_advert " + (a.higherPrioSendAdvert() ? "true" : "false"));
        line("owner_ignore_adverts " + (a.ownerIgnoreAdverts() ? "true" : "false"));
        if (a.skipCheckAdvAddr()) {
            line("skip_check_adv_addr");
        }
        line("v3_checksum_as_v2 " + (a.v3ChecksumAsV2() ? "true" : "false"));
        flag("check_unicast_src", a.checkUnicastSrc());
        switch (a.oldUnicastChecksum()) {
            case FORCE -> line("old_unicast_checksum");
            case NEVER -> line("old_unicast_checksum never");
            default -> { }
        }
        if (i.timerExpiredBackup() > 0) {
            line("timer_expired_backup " + i.timerExpiredBackup());
        }
        notify(i.notifyScripts());
        line("notify_priority_changes " + (i.notifyPriorityChanges() ? "true" : "false"));
        close();
    }

    private void tracking(Tracking t) {
        track("track_interface", t.interfaces());
        track("track_script", t.scripts());
        track("track_file", t.files());
        track("track_redis", t.redis());
        track("track_process", t.processes());
        track("track_host", t.hosts());
    }

    private void track(String kw, List<Tracked> list) {
        if (list.isEmpty()) {
            return;
        }
        open(kw);
        for (Tracked x : list) {
            line(word(x.name()) + " weight " + x.weight() + (x.reverse() ? " reverse" : ""));
        }
        close();
    }

    private void vips(String kw, List<VirtualIp> list) {
        open(kw);
        for (VirtualIp v : list) {
            StringBuilder b = new StringBuilder(v.cidr());
            if (v.device() != null) {
                b.append(" dev ").append(v.device());
            }
            if (v.broadcast() != null) {
                b.append(" brd ").append(ip(v.broadcast()));
            }
            if (v.family() == AddressFamily.IPV4) {
                b.append(" scope ").append(v.scope());
            }
            if (v.label() != null) {
                b.append(" label ").append(v.label());
            }
            if (v.peer() != null) {
                b.append(" peer ").append(ip(v.peer())).append(v.peerPrefix() >= 0 ? "/" + v.peerPrefix() : "");
            }
            if (v.home()) {
                b.append(" home");
            }
            if (v.family() == AddressFamily.IPV6 && !v.nodad()) {
                b.append(" -nodad");
            }
            if (v.mngtmpaddr()) {
                b.append(" mngtmpaddr");
            }
            if (v.noPrefixRoute()) {
                b.append(" noprefixroute");
            }
            if (v.autojoin()) {
                b.append(" autojoin");
            }
            if (v.noTrack()) {
                b.append(" no_track");
            }
            if (v.useVmac()) {
                b.append(" use_vmac");
            }
            if (v.family() == AddressFamily.IPV6) {
                b.append(" preferred_lft ").append(v.preferredLft() < 0 ? "forever" : Long.toString(v.preferredLft()));
            }
            line(b.toString());
        }
        close();
    }

    private void routes(String kw, List<IpRoute> list) {
        if (list.isEmpty()) {
            return;
        }
        open(kw);
        for (IpRoute r : list) {
            // No inet/inet6 (keepalived 2.2.7 would skip the next word): the destination carries the family.
            StringBuilder b = new StringBuilder();
            if (r.typeGiven()) {
                b.append(r.type()).append(' ');
            }
            b.append(r.destination() != null ? ip(r.destination()) + "/" + r.destinationPrefix()
                    : r.family() == AddressFamily.IPV6 ? "default6" : "default");
            if (r.via() != null) {
                b.append(" via ").append(ip(r.via()));
            }
            if (r.preferredSource() != null) {
                b.append(" src ").append(ip(r.preferredSource()));
            }
            if (r.source() != null) {
                b.append(" from ").append(ip(r.source())).append('/').append(r.sourcePrefix());
            }
            if (r.device() != null) {
                b.append(" dev ").append(r.device());
            }
            b.append(" table ").append(r.table());
            if (r.metric() >= 0) {
                b.append(" metric ").append(r.metric());
            }
            b.append(" scope ").append(r.scope());
            if (r.noTrack()) {
                b.append(" protocol ").append(r.protocol());
            }
            if (r.tos() >= 0) {
                b.append(" tos ").append(r.tos());
            }
            if (r.onlink()) {
                b.append(" onlink");
            }
            b.append(' ').append(r.mode().name().toLowerCase(java.util.Locale.ROOT));
            if (r.noTrack()) {
                b.append(" no_track");
            }
            line(b.toString());
        }
        close();
    }

    private void rules(String kw, List<IpRule> list) {
        if (list.isEmpty()) {
            return;
        }
        open(kw);
        for (IpRule r : list) {
            StringBuilder b = new StringBuilder(r.invert() ? "not" : "");
            if (r.from() != null) {
                b.append(" from ").append(ip(r.from())).append('/').append(r.fromPrefix());
            } else if (r.family() == AddressFamily.IPV6 && r.to() == null) {
                b.append(" from default6"); // the family of a rule without addresses
            }
            if (r.to() != null) {
                b.append(" to ").append(ip(r.to())).append('/').append(r.toPrefix());
            }
            b.append(" priority ").append(r.priority());
            b.replace(0, b.length(), b.toString().strip());
            if (r.tos() != 0) {
                b.append(" tos ").append(r.tos());
            }
            if (r.fwmark() >= 0) {
                b.append(" fwmark ").append(r.fwmark()).append(r.fwmask() >= 0 ? "/" + r.fwmask() : "");
            }
            if (r.iif() != null) {
                b.append(" iif ").append(r.iif());
            }
            if (r.oif() != null) {
                b.append(" oif ").append(r.oif());
            }
            if (r.ipProto() >= 0) {
                b.append(" ipproto ").append(r.ipProto());
            }
            if (r.sport() != null) {
                b.append(" sport ").append(r.sport().start()).append('-').append(r.sport().end());
            }
            if (r.dport() != null) {
                b.append(" dport ").append(r.dport().start()).append('-').append(r.dport().end());
            }
            if (r.uidRange() != null) {
                b.append(" uidrange ").append(r.uidRange().start()).append('-').append(r.uidRange().end());
            }
            if (r.suppressPrefix() >= 0) {
                b.append(" suppress_prefixlength ").append(r.suppressPrefix());
            }
            if (r.noTrack() && r.protocol() >= 0) {
                b.append(" protocol ").append(r.protocol());
            }
            switch (r.action()) {
                case IpRule.FR_ACT_TO_TBL -> b.append(" table ").append(r.table());
                case IpRule.FR_ACT_GOTO -> b.append(" goto ").append(r.gotoTarget());
                case IpRule.FR_ACT_NOP -> b.append(" nop");
                case IpRule.FR_ACT_BLACKHOLE -> b.append(" blackhole");
                case IpRule.FR_ACT_UNREACHABLE -> b.append(" unreachable");
                default -> b.append(" prohibit");
            }
            if (r.noTrack()) {
                b.append(" no_track");
            }
            line(b.toString());
        }
        close();
    }

    private void notify(NotifyScriptsSpec n) {
        String[] kws = {"notify_master", "notify_backup", "notify_fault", "notify_stop", "notify_deleted", "notify",
            "notify_master_rx_lower_pri"};
        ScriptCommandSpec[] s = {n.master(), n.backup(), n.fault(), n.stop(), n.deleted(), n.generic(), n.masterRxLowerPri()};
        for (int k = 0; k < kws.length; k++) {
            if (s[k] != null) {
                line(kws[k] + " " + script(s[k]));
            }
        }
    }

    private void group(SyncGroupSpec g) {
        open("vrrp_sync_group " + word(g.name()));
        open("group");
        g.members().forEach(m -> line(word(m)));
        close();
        tracking(g.tracking());
        notify(g.notifyScripts());
        flag("sync_group_tracking_weight", g.syncGroupTrackingWeight());
        line("notify_priority_changes " + (g.notifyPriorityChanges() ? "true" : "false"));
        close();
    }
}
