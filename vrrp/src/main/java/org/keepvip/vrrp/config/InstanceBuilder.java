package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Accumulates one {@code vrrp_instance} as written; {@link CrossChecks} completes it. */
final class InstanceBuilder {
    final ConfigParser p;
    final String name;
    final Origin origin;
    final String ctx;

    InitialState state;
    Origin stateOrigin;
    String iface;
    Origin ifaceOrigin;
    Integer vrid;
    Integer priority;
    boolean priorityInvalid;
    Duration advertInt = Duration.ofSeconds(1);
    Integer version;
    boolean nopreempt;
    Origin nopreemptOrigin;
    Duration preemptDelay = Duration.ZERO;
    Origin preemptDelayOrigin;
    InetAddress mcastSrcIp;
    InetAddress unicastSrcIp;
    boolean unicastKeyword;
    Origin unicastOrigin;
    final List<UnicastPeerSpec> peers = new ArrayList<>();
    Integer unicastTtl;
    boolean unicastFaultNoPeer;
    Boolean checkUnicastSrc;
    org.keepvip.vrrp.packet.OldUnicastChecksum oldUnicastChecksum;
    InetAddress mcastDstIp;
    boolean trackSrcIp;
    boolean dontTrackPrimary;
    final TrackEntries track = new TrackEntries();
    /** track_script entries resolved at parse time, as keepalived does (scripts must come first). */
    final List<Tracked> resolvedScripts = new ArrayList<>();
    final List<VirtualIp> vips = new ArrayList<>();
    final List<VirtualIp> excluded = new ArrayList<>();
    final List<IpRoute> routes = new ArrayList<>();
    final List<IpRule> rules = new ArrayList<>();
    boolean noVirtualIpaddress;
    boolean promoteSecondaries;
    Origin promoteSecondariesOrigin;
    boolean useVmac;
    Origin vmacOrigin;
    String vmacName;
    String vmacMac;
    /** use_ipvlan: set once the keyword is seen. */
    boolean useIpvlan;
    String ipvlanName;
    InetAddress ipvlanAddress;
    int ipvlanPrefix;
    int ipvlanFlags;
    Origin ipvlanOrigin;
    boolean vmacAddr;
    boolean vmacXmitBase;
    Origin vmacXmitBaseOrigin;
    Boolean accept;
    Boolean strict;
    Boolean skipCheckAdvAddr;
    Authentication auth;
    Origin authOrigin;
    Duration garpMasterDelay;
    Integer garpMasterRepeat;
    Duration garpMasterRefresh;
    Integer garpMasterRefreshRepeat;
    Duration garpLowerPrioDelay;
    Origin garpLowerPrioOrigin;
    /** garp_extra_if: null unless set here (then the global one is not used). */
    Duration garpExtraIf;
    boolean garpExtraIfAll;
    Integer garpLowerPrioRepeat;
    Integer downTimerAdverts;
    Origin downTimerOrigin;
    Boolean lowerPrioNoAdvert;
    Boolean higherPrioSendAdvert;
    Boolean ownerIgnoreAdverts;
    int timerExpiredBackup;
    final ScriptCommandSpec[] notify = new ScriptCommandSpec[7];
    Boolean notifyPriorityChanges;
    Boolean v3ChecksumAsV2;
    boolean nativeIpv6;
    String syncGroup;

    InstanceBuilder(ConfigParser p, String name, Origin origin) {
        this.p = p;
        this.name = name;
        this.origin = origin;
        this.ctx = "vrrp_instance " + name;
    }

    void parse(Stmt block) {
        for (Stmt s : block.block()) {
            statement(s);
        }
    }

    private void statement(Stmt s) {
        String kw = s.keyword();
        if (notInstanceKeyword(s, kw) || blockKeyword(s, kw) || !p.noBlock(s)) {
            return;
        }
        int slot = ConfigParser.notifySlot(kw);
        if (slot >= 0) {
            p.notifyScript(s, notify, slot);
            return;
        }
        if (!identity(s, kw) && !addressing(s, kw) && !garp(s, kw) && !adverts(s, kw)) {
            throw new IllegalStateException(kw);
        }
    }

    /** A deprecated keyword (reported, maybe still applied) or an unknown one (reported). */
    private boolean notInstanceKeyword(Stmt s, String kw) {
        Diagnostics d = p.diags;
        if (kw.equals("vmac_garp_intvl")) {
            // keepalived/vrrp/vrrp_parser.c: vrrp_garp_extra_if_handler(): deprecated, still applied
            d.corrected(s.origin, "(" + name + ") " + Keywords.INSTANCE_DEPRECATED.get(kw));
            extraIf(s, kw);
            return true;
        }
        if (Keywords.INSTANCE_DEPRECATED.containsKey(kw)) {
            d.corrected(s.origin, "(" + name + ") " + Keywords.INSTANCE_DEPRECATED.get(kw) + " - ignored");
            return true;
        }
        if (!Keywords.INSTANCE.contains(kw)) {
            String as = p.unknown(s, ctx, Keywords.INSTANCE, Keywords.INSTANCE_UNSUPPORTED);
            if (as != null) {
                new InstanceBuilder(p, name, origin).parse(Stmt.blockOf(s.renamed(as))); // reported, not kept
            }
            return true;
        }
        return false;
    }

    /** The keywords that take a block (or a list of trackers). */
    private boolean blockKeyword(Stmt s, String kw) {
        switch (kw) {
            case "unicast_peer" -> {
                unicastKeyword = true;
                unicastOrigin = s.origin;
                if (p.needBlock(s)) {
                    parsePeers(s);
                }
            }
            case "track_interface" -> track.interfaces.addAll(p.trackEntries(s, 253));
            case "track_script" -> trackScripts(s);
            case "track_file" -> track.files.addAll(p.trackEntries(s, 254));
            case "track_redis" -> track.redis.addAll(p.trackEntries(s, 254));
            case "track_process" -> track.processes.addAll(p.trackProcessEntries(s, name, "vrrp_instance"));
            case "track_host" -> track.hosts.addAll(p.trackEntries(s, 254));
            case "virtual_ipaddress" -> {
                if (p.needBlock(s)) {
                    parseVips(s, vips, true);
                }
            }
            case "virtual_ipaddress_excluded" -> {
                if (p.needBlock(s)) {
                    parseVips(s, excluded, false);
                }
            }
            case "virtual_routes" -> {
                if (p.needBlock(s)) {
                    p.routes(s, routes, "(" + name + ") virtual_routes");
                }
            }
            case "virtual_rules" -> {
                if (p.needBlock(s)) {
                    p.rules(s, rules, "(" + name + ") virtual_rules");
                }
            }
            case "authentication" -> {
                if (p.needBlock(s)) {
                    parseAuth(s);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void trackScripts(Stmt s) {
        for (ConfigParser.TrackEntry e : p.trackEntries(s, 254)) {
            VrrpScript sc = p.scripts.get(e.name());
            if (sc == null) {
                p.diags.error(e.origin(), "(" + name + ") track script " + e.name() + " not found, ignoring..."
                        + " (a vrrp_script must be defined before the vrrp_instance that tracks it)");
            } else {
                track.scripts.add(e);
            }
        }
    }

    /** Who the instance is: state, interface, VRID, priority, interval, version, preemption. */
    private boolean identity(Stmt s, String kw) {
        Args a = p.args;
        switch (kw) {
            case "state" -> state(s);
            case "interface" -> {
                String v = a.string(s);
                if (v != null && v.equals("lo")) {
                    p.diags.error(s.origin, "(" + name + ") cannot use a loopback interface (lo) for advertisements");
                } else if (v != null) {
                    iface = v;
                    ifaceOrigin = s.origin;
                }
            }
            case "virtual_router_id" -> vrid(s);
            case "priority" -> priority(s);
            case "advert_int" -> GlobalBuilder.set(a.seconds(s, Duration.ofMillis(10), Duration.ofSeconds(255)),
                    v -> advertInt = v);
            case "version" -> {
                Integer v = a.integer(s, 2, 3);
                if (v != null && version != null && !version.equals(v)) {
                    p.diags.error(s.origin, "(" + name + ") version already set to " + version + " - ignoring " + v);
                } else if (v != null) {
                    version = v;
                }
            }
            case "native_ipv6" -> {
                nativeIpv6 = true; // the instance is IPv6 (VRRP version 3) even before its VIPs say so
                version = 3;
            }
            case "nopreempt" -> {
                nopreempt = true;
                nopreemptOrigin = s.origin;
            }
            case "preempt" -> nopreempt = false;
            case "preempt_delay" -> {
                Duration v = a.seconds(s, Duration.ZERO, Duration.ofSeconds(1000));
                if (v != null) {
                    preemptDelay = v;
                    preemptDelayOrigin = s.origin;
                }
            }
            case "debug" -> {
                // parsed by keepalived with no effect
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void state(Stmt s) {
        String v = p.args.string(s);
        if (v == null) {
            return;
        }
        if (v.equals("MASTER")) {
            state = InitialState.MASTER;
            stateOrigin = s.origin;
        } else if (v.equals("BACKUP")) {
            if (state != InitialState.MASTER) {
                state = InitialState.BACKUP;
                stateOrigin = s.origin;
            }
        } else {
            p.diags.error(s.origin, "(" + name + ") unknown state '" + v + "', defaulting to BACKUP"
                    + (v.equalsIgnoreCase("master") || v.equalsIgnoreCase("backup")
                    ? " (state is case-sensitive: MASTER or BACKUP)" : ""));
            if (state == null) {
                state = InitialState.BACKUP;
                stateOrigin = s.origin;
            }
        }
    }

    private void vrid(Stmt s) {
        if (!p.args.require(s, 1)) {
            return;
        }
        Integer v = oneTo255(s.arg(1));
        if (v != null) {
            vrid = v;
        } else {
            p.diags.error(s.origin, "(" + name + ") VRID '" + s.arg(1) + "' not valid - must be between 1 & 255");
        }
    }

    private void priority(Stmt s) {
        if (!p.args.require(s, 1)) {
            return;
        }
        Integer v = oneTo255(s.arg(1));
        if (v != null) {
            priority = v;
            priorityInvalid = false;
        } else {
            p.diags.error(s.origin, "(" + name + ") Priority '" + s.arg(1)
                    + "' not valid! must be between 1 & 255. Using default 100");
            priority = 100;
            priorityInvalid = true;
        }
    }

    /** {@code text} as a number from 1 to 255, or null (each keyword reports it in keepalived's words). */
    private static Integer oneTo255(String text) {
        try {
            int v = Integer.parseInt(text);
            return v >= 1 && v <= 255 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Source and destination addresses, unicast, what the VIPs do, accept and strict mode. */
    private boolean addressing(Stmt s, String kw) {
        Args a = p.args;
        switch (kw) {
            case "mcast_src_ip" -> GlobalBuilder.set(p.address(s), v -> mcastSrcIp = v);
            case "unicast_src_ip" -> {
                unicastKeyword = true;
                if (unicastOrigin == null) {
                    unicastOrigin = s.origin;
                }
                GlobalBuilder.set(p.address(s), v -> unicastSrcIp = v);
            }
            case "unicast_fault_no_peer" -> unicastFaultNoPeer = true;
            case "check_unicast_src" -> checkUnicastSrc = true;
            case "old_unicast_checksum" -> oldUnicastChecksum(s);
            case "unicast_ttl" -> GlobalBuilder.set(a.integer(s, 0, 255), v -> unicastTtl = v);
            case "mcast_dst_ip" -> {
                InetAddress ip = p.address(s);
                if (ip != null && !ip.isMulticastAddress()) {
                    p.diags.error(s.origin, "(" + name + ") mcast_dst_ip '" + s.arg(1) + "' is not a multicast address - ignoring");
                } else if (ip != null) {
                    mcastDstIp = ip;
                }
            }
            case "track_src_ip" -> trackSrcIp = true;
            case "dont_track_primary" -> dontTrackPrimary = true;
            case "no_virtual_ipaddress" -> noVirtualIpaddress = true;
            case "promote_secondaries" -> {
                promoteSecondaries = true;
                promoteSecondariesOrigin = s.origin;
            }
            case "accept" -> accept = true;
            case "no_accept" -> accept = false;
            case "strict_mode" -> GlobalBuilder.set(a.bool(s), v -> strict = v);
            case "skip_check_adv_addr" -> GlobalBuilder.set(a.bool(s), v -> skipCheckAdvAddr = true); // keepalived quirk
            case "use_vmac" -> parseVmac(s);
            case "use_ipvlan" -> parseIpvlan(s);
            case "use_vmac_addr" -> vmacAddr = true;
            case "vmac_xmit_base" -> {
                vmacXmitBase = true;
                vmacXmitBaseOrigin = s.origin;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** keepalived/vrrp/vrrp_parser.c: vrrp_unicast_chksum_handler() */
    private void oldUnicastChecksum(Stmt s) {
        if (s.argCount() == 0) {
            oldUnicastChecksum = org.keepvip.vrrp.packet.OldUnicastChecksum.FORCE;
        } else if (s.arg(1).equals("never")) {
            oldUnicastChecksum = org.keepvip.vrrp.packet.OldUnicastChecksum.NEVER;
        } else {
            p.diags.error(s.origin, "(" + name + ") Unknown old_unicast_chksum mode " + s.arg(1) + " - ignoring");
        }
    }

    /** Gratuitous ARP / NA timing and the down timer. */
    private boolean garp(Stmt s, String kw) {
        Args a = p.args;
        switch (kw) {
            case "garp_master_delay" -> GlobalBuilder.set(a.integer(s, 0, Integer.MAX_VALUE), v -> garpMasterDelay = Duration.ofSeconds(v));
            case "garp_master_repeat" -> GlobalBuilder.set(a.integer(s, 0, Integer.MAX_VALUE), v -> garpMasterRepeat = Math.max(1, v));
            case "garp_extra_if" -> extraIf(s, kw);
            case "garp_master_refresh" -> GlobalBuilder.set(a.integer(s, 0, Integer.MAX_VALUE), v -> garpMasterRefresh = Duration.ofSeconds(v));
            case "garp_master_refresh_repeat" -> GlobalBuilder.set(a.integer(s, 0, Integer.MAX_VALUE), v -> garpMasterRefreshRepeat = Math.max(1, v));
            case "garp_lower_prio_delay" -> {
                garpLowerPrioOrigin = s.origin;
                GlobalBuilder.set(a.integer(s, 0, Integer.MAX_VALUE), v -> garpLowerPrioDelay = Duration.ofSeconds(v));
            }
            case "garp_lower_prio_repeat" -> {
                garpLowerPrioOrigin = s.origin;
                GlobalBuilder.set(a.integer(s, 0, Integer.MAX_VALUE), v -> garpLowerPrioRepeat = v);
            }
            case "down_timer_adverts" -> {
                downTimerOrigin = s.origin;
                GlobalBuilder.set(a.integer(s, 1, 100), v -> downTimerAdverts = v);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** When adverts are sent or heard, the backup's timer, notifies of priority, the v3 checksum. */
    private boolean adverts(Stmt s, String kw) {
        Args a = p.args;
        switch (kw) {
            case "lower_prio_no_advert" -> GlobalBuilder.set(a.bool(s), v -> lowerPrioNoAdvert = v);
            case "higher_prio_send_advert" -> GlobalBuilder.set(a.bool(s), v -> higherPrioSendAdvert = v);
            case "owner_ignore_adverts" -> GlobalBuilder.set(a.bool(s), v -> ownerIgnoreAdverts = v);
            case "timer_expired_backup", "thread_timer_expired" -> {
                if (s.argCount() == 0) {
                    timerExpiredBackup = 254;
                } else {
                    GlobalBuilder.set(a.integer(s, 1, 254), v -> timerExpiredBackup = v);
                }
            }
            case "notify_priority_changes" -> GlobalBuilder.set(a.bool(s), v -> notifyPriorityChanges = v);
            case "v3_checksum_as_v2" -> GlobalBuilder.set(a.bool(s), v -> v3ChecksumAsV2 = v);
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code use_vmac [NAME] [MAC]}, either order (a MAC has colons, a name cannot), with keepalived's
     * checks and words (keepalived/vrrp/vrrp_parser.c: vrrp_vmac_handler()). Five octets mean the
     * VRID is the sixth.
     */
    private void parseVmac(Stmt s) {
        Diagnostics d = p.diags;
        useVmac = true;
        vmacOrigin = s.origin;
        for (int i = 1; i <= Math.min(2, s.argCount()); i++) {
            String w = s.arg(i);
            if (w.contains(":")) {
                if (vmacMac != null) {
                    d.corrected(s.origin, "VMAC interface address already specified");
                    continue;
                }
                if (!w.matches("[0-9A-Fa-f:]+")) {
                    d.corrected(s.origin, "VMAC invalid MAC address " + w);
                    continue;
                }
                String[] octets = w.endsWith(":") ? w.substring(0, w.length() - 1).split(":", -1) : w.split(":", -1);
                boolean bad = octets.length < 5 || octets.length > 6;
                for (String o : octets) {
                    bad |= o.isEmpty() || o.length() > 2;
                }
                if (bad) {
                    d.corrected(s.origin, "VMAC invalid MAC address " + w + " - ignored");
                    continue;
                }
                int first = Integer.parseInt(octets[0], 16);
                boolean rfc = Integer.parseInt(octets[0], 16) == 0 && Integer.parseInt(octets[1], 16) == 0
                        && Integer.parseInt(octets[2], 16) == 0x5e && Integer.parseInt(octets[3], 16) == 0
                        && (Integer.parseInt(octets[4], 16) == 1 || Integer.parseInt(octets[4], 16) == 2);
                if ((first & 1) != 0) {
                    d.corrected(s.origin, "VMAC MAC address is multicast " + w + " - ignoring");
                } else if (rfc) {
                    d.corrected(s.origin, "VMAC MAC address not allowed to be RFC5798 address (" + w + ") - ignoring");
                } else {
                    StringBuilder mac = new StringBuilder();
                    for (String o : octets) {
                        mac.append(mac.length() == 0 ? "" : ":").append(String.format(java.util.Locale.ROOT, "%02x", Integer.parseInt(o, 16)));
                    }
                    vmacMac = mac.toString(); // five octets: CrossChecks appends the VRID
                }
            } else {
                if (vmacName != null) {
                    d.corrected(s.origin, "VMAC interface name already specified");
                } else if (!Vmac.validName(w)) {
                    d.corrected(s.origin, "VMAC interface name '" + w + "' too long or invalid characters - ignoring");
                } else {
                    vmacName = w;
                }
            }
        }
    }

    /**
     * {@code use_ipvlan [NAME] [ADDRESS[/PREFIX]] [bridge|private|vepa]}, any order, with keepalived's
     * words (keepalived/vrrp/vrrp_parser.c: vrrp_ipvlan_handler()): a word that is no address is the name.
     */
    private void parseIpvlan(Stmt s) {
        Diagnostics d = p.diags;
        String n = "(" + name + ") ";
        if (useIpvlan) {
            d.corrected(s.origin, n + "use_ipvlan already specified");
            return;
        }
        useIpvlan = true;
        ipvlanOrigin = s.origin;
        boolean hadFlags = false;
        for (int i = 1; i <= s.argCount(); i++) {
            String w = s.arg(i);
            int flags = switch (w) {
                case "bridge" -> Ipvlan.BRIDGE;
                case "private" -> Ipvlan.PRIVATE;
                case "vepa" -> Ipvlan.VEPA;
                default -> -1;
            };
            if (flags >= 0) {
                if (hadFlags) {
                    d.corrected(s.origin, n + "ipvlan type already specified - ignoring '" + w + "'");
                } else {
                    ipvlanFlags = flags;
                    hadFlags = true;
                }
                continue;
            }
            int slash = w.indexOf('/');
            InetAddress a = IpLiteral.parse(slash < 0 ? w : w.substring(0, slash));
            int max = a instanceof java.net.Inet6Address ? 128 : 32;
            Integer len = a == null ? null : slash < 0 ? Integer.valueOf(max) : prefix(w.substring(slash + 1), max);
            if (a != null && len != null) {
                if (ipvlanAddress != null) {
                    d.corrected(s.origin, n + "ipvlan address already specified - ignoring '" + w + "'");
                } else {
                    ipvlanAddress = a;
                    ipvlanPrefix = len;
                }
                continue;
            }
            if (ipvlanName != null) {
                d.corrected(s.origin, n + "IPVLAN interface already specified - ignoring '" + w + "'");
            } else if (!Vmac.validName(w)) {
                d.corrected(s.origin, n + "IPVLAN interface name '" + w + "' too long - ignoring");
            } else {
                ipvlanName = w;
            }
        }
    }

    private static Integer prefix(String s, int max) {
        if (!s.matches("[0-9]{1,3}")) {
            return null;
        }
        int v = Integer.parseInt(s);
        return v <= max ? v : null;
    }

    private void parsePeers(Stmt block) {
        for (Stmt s : block.block()) {
            if (s.hasBlock() || s.words.isEmpty()) {
                p.diags.error(s.origin, "(" + name + ") unexpected block in unicast_peer - skipped");
                continue;
            }
            InetAddress ip = IpLiteral.parse(s.keyword());
            if (ip == null) {
                p.diags.error(s.origin, "(" + name + ") unicast_peer '" + s.keyword() + "' is not an IPv4 or IPv6 address - ignoring");
                continue;
            }
            int min = 0;
            int max = 255;
            boolean ok = true;
            for (int i = 1; i < s.words.size(); i += 2) {
                String k = s.words.get(i);
                if ((k.equals("min_ttl") || k.equals("max_ttl")) && i + 1 < s.words.size()) {
                    Integer v = p.args.integer(s, s.words.get(i + 1), 0, 255);
                    if (v == null) {
                        ok = false;
                    } else if (k.equals("min_ttl")) {
                        min = v;
                    } else {
                        max = v;
                    }
                } else {
                    p.diags.error(s.origin, "(" + name + ") unicast_peer: unknown option '" + k + "' (expected min_ttl N or max_ttl N)");
                    ok = false;
                    break;
                }
            }
            if (!ok) {
                continue;
            }
            if (peers.stream().anyMatch(x -> x.address().equals(ip))) {
                p.diags.error(s.origin, "(" + name + ") unicast_peer " + IpLiteral.format(ip) + " is listed twice - ignoring");
                continue;
            }
            peers.add(new UnicastPeerSpec(ip, min, max, s.origin));
        }
    }

    private void parseAuth(Stmt block) {
        String type = null;
        String pass = null;
        for (Stmt s : block.block()) {
            if (!Keywords.AUTH.contains(s.keyword())) {
                p.unknown(s, "authentication of " + ctx, Keywords.AUTH, java.util.Set.of());
                continue;
            }
            if (!p.noBlock(s)) {
                continue;
            }
            if (s.keyword().equals("auth_type")) {
                type = p.args.string(s);
            } else {
                pass = p.args.string(s);
            }
        }
        authOrigin = block.origin;
        if (type == null) {
            p.diags.error(block.origin, "(" + name + ") authentication without auth_type - ignoring");
            return;
        }
        if (type.equals("AH")) {
            p.diags.error(block.origin, "(" + name + ") auth_type AH is not supported by keepvip - authentication ignored");
            return;
        }
        if (!type.equals("PASS")) {
            p.diags.error(block.origin, "(" + name + ") unknown authentication type '" + type + "'"
                    + (type.equalsIgnoreCase("pass") ? " - did you mean 'PASS'?" : " (expected PASS)"));
            return;
        }
        if (pass == null || pass.isEmpty()) {
            p.diags.error(block.origin, "(" + name + ") auth_type PASS without auth_pass - ignoring");
            return;
        }
        byte[] bytes = pass.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length > 8) {
            // keepalived/vrrp/vrrp_parser.c: vrrp_auth_pass_handler(), an error to keepalived -t.
            // The password stays whole: its first 8 bytes go on the wire (ConfigMapper.passwordBytes),
            // and cutting the String could split a multi-byte character into other bytes.
            p.diags.corrected(block.origin, "(" + name + ") Truncating auth_pass to 8 characters");
        }
        auth = new Authentication(pass);
    }

    private void parseVips(Stmt block, List<VirtualIp> into, boolean advertised) {
        for (Stmt s : block.block()) {
            if (s.hasBlock() || s.words.isEmpty()) {
                p.diags.error(s.origin, "(" + name + ") unexpected block in " + block.keyword() + " - skipped");
                continue;
            }
            VirtualIp v = VipParser.parse(s, p.diags, name);
            if (v != null) {
                into.add(v);
            }
        }
    }

    /**
     * {@code garp_extra_if [all] SECS}, as keepalived's vrrp_garp_extra_if_handler()
     * (keepalived/vrrp/vrrp_parser.c): 0..86400 s, 0 turning it off for this instance.
     */
    private void extraIf(Stmt s, String kw) {
        Integer delay = null;
        for (int i = 1; i <= s.argCount(); i++) {
            String w = s.arg(i);
            if (w.equals("all")) {
                garpExtraIfAll = true;
            } else if (w.matches("[0-9]{1,6}") && Integer.parseInt(w) <= 86400) {
                delay = Integer.parseInt(w);
            } else {
                p.diags.error(s.origin, "(" + name + "): " + kw + " '" + w + "' invalid - ignoring");
                return;
            }
        }
        if (delay == null) {
            p.diags.error(s.origin, "(" + name + "): " + kw + " specified without time - ignoring");
            return;
        }
        garpExtraIf = Duration.ofSeconds(delay);
    }
}
