package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * keepalived's {@code vrrp_complete_instance} and friends: defaults that depend on other
 * keywords, strict mode, address families, duplicates, tracker resolution, sync groups.
 */
final class CrossChecks {
    private final ConfigParser p;
    private final Diagnostics d;
    /** vrrp_script blocks nothing tracks, known after {@link #finish()}. */
    final List<VrrpScript> unusedScripts = new ArrayList<>();
    /** use_vmac names taken so far, by instance (keepalived checks them in file order). */
    private final Map<String, String> vmacNames = new HashMap<>();

    CrossChecks(ConfigParser p) {
        this.p = p;
        this.d = p.diags;
    }

    KeepalivedConfig finish() {
        GlobalDefs global = p.global.build();
        Set<String> instanceNames = new HashSet<>();
        p.instances.forEach(b -> instanceNames.add(b.name));
        Map<String, String> groupOf = new HashMap<>();
        List<SyncGroupSpec> groups = syncGroups(instanceNames, groupOf);
        Used used = new Used();
        groups.forEach(g -> used.mark(g.tracking()));
        List<InstanceSpec> instances = instances(global, groupOf, groups, used);
        vridConflicts(instances);
        groups = withoutRemovedMembers(groups, instances);
        List<VrrpScript> scripts = usedScripts(used.scripts);
        warnUntrackedRedis(used.redis);
        warnUnusedFiles(used.files);
        List<TrackProcess> processes = usedProcesses(used.processes);
        List<TrackHost> hosts = usedHosts(used.hosts);
        if (instances.isEmpty() && p.instances.isEmpty()) {
            d.warning(new Origin(p.mainFile, 0), "no vrrp_instance is configured - keepvip would do nothing");
        }
        return new KeepalivedConfig(global, scripts, new ArrayList<>(p.trackFiles.values()),
                new ArrayList<>(p.redis.values()), instances, groups, processes, hosts,
                new StaticRouting(p.staticAddresses, p.staticRoutes, p.staticRules), p.host.build(instanceNames));
    }

    /** The names a sync group or an instance tracks, so the blocks nothing tracks get their warning. */
    private static final class Used {
        final Set<String> scripts = new HashSet<>();
        final Set<String> redis = new HashSet<>();
        final Set<String> files = new HashSet<>();
        final Set<String> processes = new HashSet<>();
        final Set<String> hosts = new HashSet<>();

        void mark(Tracking t) {
            t.scripts().forEach(x -> scripts.add(x.name()));
            t.redis().forEach(x -> redis.add(x.name()));
            t.files().forEach(x -> files.add(x.name()));
            t.processes().forEach(x -> processes.add(x.name()));
            t.hosts().forEach(x -> hosts.add(x.name()));
        }
    }

    /** The valid sync groups, in file order; {@code groupOf} gets each member's group. */
    private List<SyncGroupSpec> syncGroups(Set<String> instanceNames, Map<String, String> groupOf) {
        List<SyncGroupSpec> groups = new ArrayList<>();
        for (SyncGroupBuilder g : p.syncGroups) {
            SyncGroupSpec sg = syncGroup(g, instanceNames, groupOf);
            if (sg != null) {
                groups.add(sg);
            }
        }
        return groups;
    }

    /** The instances the checks keep, in file order, each VIP owned by the first that names it. */
    private List<InstanceSpec> instances(GlobalDefs global, Map<String, String> groupOf, List<SyncGroupSpec> groups,
                                         Used used) {
        List<InstanceSpec> instances = new ArrayList<>();
        Map<String, Origin> allVips = new HashMap<>();
        Map<String, String> vipOwner = new HashMap<>();
        for (InstanceBuilder b : p.instances) {
            InstanceSpec vi = instance(b, global, groupOf, groups, allVips, vipOwner);
            if (vi != null) {
                instances.add(vi);
                used.mark(vi.tracking());
            }
        }
        return instances;
    }

    /** The vrrp_script blocks something tracks; the others are warned about and kept aside. */
    private List<VrrpScript> usedScripts(Set<String> used) {
        List<VrrpScript> scripts = new ArrayList<>();
        for (VrrpScript s : p.scripts.values()) {
            if (used.contains(s.name())) {
                scripts.add(s);
            } else {
                d.warning(s.origin(), "Warning - script " + s.name() + " is not used");
                unusedScripts.add(s);
            }
        }
        return scripts;
    }

    private void warnUntrackedRedis(Set<String> used) {
        for (RedisInstance r : p.redis.values()) {
            if (!used.contains(r.name())) {
                d.warning(r.origin(), "redis_instance " + r.name() + " is not tracked by any vrrp_instance (add track_redis { "
                        + r.name() + " })");
            }
        }
    }

    private void warnUnusedFiles(Set<String> used) {
        for (TrackFile f : p.trackFiles.values()) {
            if (!used.contains(f.name())) {
                d.warning(f.origin(), "Warning - track_file " + f.name() + " is not used");
            }
        }
    }

    private List<TrackProcess> usedProcesses(Set<String> used) {
        List<TrackProcess> processes = new ArrayList<>();
        for (TrackProcess tp : p.trackProcesses.values()) {
            if (used.contains(tp.name())) {
                processes.add(tp);
            } else {
                d.warning(tp.origin(), "Warning - vrrp_track_process " + tp.name() + " is not used");
            }
        }
        return processes;
    }

    private List<TrackHost> usedHosts(Set<String> used) {
        List<TrackHost> hosts = new ArrayList<>();
        for (TrackHost h : p.trackHosts.values()) {
            if (used.contains(h.name())) {
                hosts.add(h);
            } else {
                d.warning(h.origin(), "Warning - vrrp_track_host " + h.name() + " is not used (add track_host { "
                        + h.name() + " } to a vrrp_instance or vrrp_sync_group)");
            }
        }
        return hosts;
    }

    /**
     * The groups as they run: a member whose instance an error removed is gone from its group too,
     * so the effective configuration (-d) names only instances it holds. A group left with one
     * member gets keepalived's warning for that; one left with none is removed.
     */
    private List<SyncGroupSpec> withoutRemovedMembers(List<SyncGroupSpec> groups, List<InstanceSpec> instances) {
        Set<String> running = new HashSet<>();
        instances.forEach(i -> running.add(i.name()));
        List<SyncGroupSpec> out = new ArrayList<>();
        for (SyncGroupSpec g : groups) {
            List<String> members = g.members().stream().filter(running::contains).toList();
            if (members.size() == g.members().size()) {
                out.add(g);
                continue;
            }
            if (members.isEmpty()) {
                d.error(g.origin(), "vrrp_sync_group " + g.name() + " has no valid members - removing");
                continue;
            }
            if (members.size() == 1) {
                d.corrected(g.origin(), "Sync group " + g.name()
                        + " has only 1 virtual router(s) - this probably isn't what you want");
            }
            out.add(new SyncGroupSpec(g.name(), members, g.tracking(), g.notifyScripts(), g.syncGroupTrackingWeight(),
                    g.notifyPriorityChanges(), g.origin()));
        }
        return out;
    }

    /** Only the per-instance checks, for a misspelt block checked but not used (no sync groups, no VIP clashes). */
    void checkInstancesOnly(GlobalDefs global) {
        for (InstanceBuilder b : p.instances) {
            instance(b, global, new HashMap<>(), List.of(), new HashMap<>(), new HashMap<>());
        }
    }

    private SyncGroupSpec syncGroup(SyncGroupBuilder g, Set<String> instanceNames, Map<String, String> groupOf) {
        if (!g.groupSeen) {
            d.error(g.origin, "vrrp_sync_group " + g.name + " has no 'group { ... }' block - removing");
            return null;
        }
        List<String> members = new ArrayList<>();
        for (Stmt.Word w : g.members) {
            if (!instanceNames.contains(w.text())) {
                d.error(w.origin(), "Virtual router " + w.text() + " specified in sync group " + g.name
                        + " doesn't exist - ignoring");
            } else if (groupOf.containsKey(w.text())) {
                d.error(w.origin(), "(" + w.text() + ") is already in sync group " + groupOf.get(w.text())
                        + " - ignoring it in " + g.name);
            } else if (!members.contains(w.text())) {
                members.add(w.text());
                groupOf.put(w.text(), g.name);
            }
        }
        if (members.isEmpty()) {
            d.error(g.origin, "vrrp_sync_group " + g.name + " has no valid members - removing");
            return null;
        }
        if (members.size() == 1) {
            // keepalived/vrrp/vrrp_sync.c: vrrp_sync_set_group() counts it as a configuration error (-t exit 5).
            d.corrected(g.origin, "Sync group " + g.name + " has only 1 virtual router(s) - this probably isn't what you want");
        }
        Tracking t = tracking(g.name, null, g.track);
        return new SyncGroupSpec(g.name, members, t, ConfigParser.notifyScripts(g.notify), g.trackingWeight,
                g.notifyPriorityChanges, g.origin);
    }

    /** Every tracker of an instance or sync group, each kind resolved and checked in turn. */
    private Tracking tracking(String owner, String ownInterface, TrackEntries t) {
        String o = "(" + owner + ") ";
        List<Tracked> ti = trackedInterfaces(o, ownInterface, t.interfaces);
        List<Tracked> ts = trackedScripts(t.scripts);
        List<Tracked> tf = trackedFiles(o, t.files);
        List<Tracked> tr = trackedRedis(o, t.redis);
        List<Tracked> tp = trackedProcesses(o, t.processes);
        List<Tracked> th = trackedHosts(o, t.hosts);
        return new Tracking(ti, ts, tf, tr, tp, th);
    }

    /** track_interface: not the own interface (always tracked), each once; weight 0 unless given. */
    private List<Tracked> trackedInterfaces(String o, String ownInterface, List<ConfigParser.TrackEntry> ifs) {
        List<Tracked> ti = new ArrayList<>();
        for (ConfigParser.TrackEntry e : ifs) {
            if (e.name().equals(ownInterface)) {
                d.error(e.origin(), o + "track_interface " + e.name()
                        + " is the instance's own interface (it is always tracked) - ignoring");
                continue;
            }
            if (named(ti, e.name())) {
                // keepalived/vrrp/vrrp_track.c: alloc_track_if()
                d.corrected(e.origin(), o + "duplicate track_interface " + e.name() + " - ignoring");
                continue;
            }
            ti.add(new Tracked(e.name(), e.weight() == null ? 0 : e.weight(), Boolean.TRUE.equals(e.reverse()), e.origin()));
        }
        return ti;
    }

    /** track_script: the parser kept only known scripts; weight and reverse default to the script's. */
    private List<Tracked> trackedScripts(List<ConfigParser.TrackEntry> scripts) {
        List<Tracked> ts = new ArrayList<>();
        for (ConfigParser.TrackEntry e : scripts) {
            VrrpScript s = p.scripts.get(e.name());
            ts.add(new Tracked(e.name(), e.weight() == null ? s.weight() : ConfigParser.clamp253(e.weight()),
                    e.reverse() == null ? s.reverse() : e.reverse(), e.origin()));
        }
        return ts;
    }

    private List<Tracked> trackedFiles(String o, List<ConfigParser.TrackEntry> files) {
        List<Tracked> tf = new ArrayList<>();
        for (ConfigParser.TrackEntry e : files) {
            TrackFile f = p.trackFiles.get(e.name());
            if (f == null) {
                d.error(e.origin(), o + "track_file " + e.name() + " not found, ignoring...");
                continue;
            }
            tf.add(new Tracked(e.name(), e.weight() == null ? f.weight() : e.weight(),
                    e.reverse() == null ? f.reverse() : e.reverse(), e.origin()));
        }
        return tf;
    }

    private List<Tracked> trackedRedis(String o, List<ConfigParser.TrackEntry> redis) {
        List<Tracked> tr = new ArrayList<>();
        for (ConfigParser.TrackEntry e : redis) {
            RedisInstance r = p.redis.get(e.name());
            if (r == null) {
                String hint = Suggest.nearest(e.name(), p.redis.keySet());
                d.error(e.origin(), o + "track_redis " + e.name() + " not found, ignoring..."
                        + (hint != null ? " - did you mean '" + hint + "'?" : ""));
                continue;
            }
            tr.add(new Tracked(e.name(), e.weight() == null ? r.weight() : ConfigParser.clamp253(e.weight()),
                    Boolean.TRUE.equals(e.reverse()), e.origin()));
        }
        return tr;
    }

    private List<Tracked> trackedProcesses(String o, List<ConfigParser.TrackEntry> processes) {
        List<Tracked> tp = new ArrayList<>();
        for (ConfigParser.TrackEntry e : processes) {
            TrackProcess proc = p.trackProcesses.get(e.name());
            if (named(tp, e.name())) {
                // keepalived/vrrp/vrrp_track.c: alloc_track_process()
                d.error(e.origin(), o + "duplicate track_process " + e.name() + " - ignoring");
                continue;
            }
            tp.add(new Tracked(e.name(), e.weight() == null ? proc.weight() : e.weight(),
                    e.reverse() == null ? proc.reverse() : e.reverse(), e.origin()));
        }
        return tp;
    }

    private List<Tracked> trackedHosts(String o, List<ConfigParser.TrackEntry> hosts) {
        List<Tracked> th = new ArrayList<>();
        for (ConfigParser.TrackEntry e : hosts) {
            TrackHost h = p.trackHosts.get(e.name());
            if (h == null) {
                if (!p.rejectedTrackHosts.contains(e.name())) {
                    String hint = Suggest.nearest(e.name(), p.trackHosts.keySet());
                    d.error(e.origin(), o + "track_host " + e.name() + " not found, ignoring..."
                            + " (define it with vrrp_track_host " + e.name() + " { address ... })"
                            + (hint != null ? " - did you mean '" + hint + "'?" : ""));
                }
                continue;
            }
            if (named(th, e.name())) {
                d.error(e.origin(), o + "duplicate track_host " + e.name() + " - ignoring");
                continue;
            }
            th.add(new Tracked(e.name(), e.weight() == null ? h.weight() : e.weight(),
                    e.reverse() == null ? h.reverse() : e.reverse(), e.origin()));
        }
        return th;
    }

    private static boolean named(List<Tracked> list, String name) {
        return list.stream().anyMatch(x -> x.name().equals(name));
    }

    private InstanceSpec instance(InstanceBuilder b, GlobalDefs g, Map<String, String> groupOf, List<SyncGroupSpec> groups,
                                  Map<String, Origin> allVips, Map<String, String> vipOwner) {
        Draft x = new Draft(b, g);
        if (!x.required() || !x.addresses(allVips, vipOwner)) {
            return null;
        }
        x.versionAndInterval();
        x.priorityAndState();
        if (!x.authentication() || !x.vipCount()) {
            return null;
        }
        x.garpAndAdverts();
        x.tracking(groupOf, groups);
        return x.build();
    }

    /**
     * One instance as the checks complete it, step by step, in keepalived's order
     * (keepalived/vrrp/vrrp.c: vrrp_complete_instance()); a step that answers false removed it.
     */
    private final class Draft {
        private final InstanceBuilder b;
        private final GlobalDefs g;
        /** The prefix of every message about this instance. */
        private final String n;
        private boolean unicast;
        private boolean strict;
        private AddressFamily family;
        private List<VirtualIp> vips;
        private List<VirtualIp> excluded;
        private InetAddress unicastSrc;
        private InetAddress mcastSrc;
        private List<UnicastPeerSpec> peers;
        private int version;
        private Duration adv;
        private int priority;
        private InitialState state;
        private boolean preempt;
        private Duration preemptDelay;
        private Authentication auth;
        private GarpSettings garp;
        private AdvertBehaviour advert;
        private boolean accept;
        private Tracking tracking;
        private String group;

        Draft(InstanceBuilder b, GlobalDefs g) {
            this.b = b;
            this.g = g;
            this.n = "(" + b.name + ") ";
        }

        /** A VRID, and an interface (or a unicast source with peers). */
        boolean required() {
            if (b.vrid == null) {
                d.error(b.origin, n + "the virtual router id must be set - instance removed");
                return false;
            }
            unicast = !b.peers.isEmpty();
            if (b.unicastKeyword && b.peers.isEmpty()) {
                // The warnings of keepalived/vrrp/vrrp.c: vrrp_complete_instance() below are all
                // configuration errors to keepalived -t (exit 5), so they are errors here too.
                d.corrected(b.unicastOrigin, n + "A unicast keyword has been specified without any unicast peers."
                        + " Defaulting to multicast. This usage is deprecated - please update your configuration.");
            }
            if (b.iface == null && !(unicast && b.unicastSrcIp != null)) {
                d.error(b.origin, n + "Unknown interface! (set 'interface', or unicast_src_ip with unicast peers)"
                        + " - instance removed");
                return false;
            }
            strict = b.strict != null ? b.strict : g.strict();
            return true;
        }

        /** The family, then the VIPs, sources and peers of that family. */
        boolean addresses(Map<String, Origin> allVips, Map<String, String> vipOwner) {
            // Family: the first address-like keyword decides (VIPs first in practice).
            for (InetAddress a : new InetAddress[] {
                    b.vips.isEmpty() ? null : b.vips.get(0).address(), b.unicastSrcIp, b.mcastSrcIp,
                    b.peers.isEmpty() ? null : b.peers.get(0).address()}) {
                if (a != null && family == null) {
                    family = AddressFamily.of(a);
                }
            }
            if (b.useIpvlan && b.ipvlanAddress != null && (b.vips.isEmpty() || before(b.ipvlanOrigin, b.vips.get(0).origin()))) {
                family = AddressFamily.of(b.ipvlanAddress); // vrrp_ipvlan_handler() sets it when it comes first
            }
            if (b.nativeIpv6) {
                family = AddressFamily.IPV6; // keepalived/vrrp/vrrp_parser.c: vrrp_native_ipv6_handler()
            } else if (family == null) {
                family = AddressFamily.IPV4;
            }
            vips = new ArrayList<>();
            for (VirtualIp v : b.vips) {
                if (v.family() != family) {
                    d.error(v.origin(), n + "address family must match VRRP instance [" + v.cidr() + " is " + v.family()
                            + ", the instance is " + family + "] - ignoring");
                    continue;
                }
                if (!uniqueVip(v, b.name, allVips, vipOwner)) {
                    continue;
                }
                vips.add(v);
            }
            excluded = new ArrayList<>();
            for (VirtualIp v : b.excluded) {
                if (uniqueVip(v, b.name, allVips, vipOwner)) {
                    excluded.add(v);
                }
            }
            unicastSrc = ofFamily(b.unicastSrcIp, "unicast_src_ip");
            mcastSrc = ofFamily(b.mcastSrcIp, "mcast_src_ip");
            if (!ipvlanUsable(b, family)) {
                return false;
            }
            if (b.useIpvlan && b.ipvlanAddress != null && b.mcastSrcIp == null && b.unicastSrcIp == null) {
                // keepalived/vrrp/vrrp_parser.c: vrrp_ipvlan_handler(): "use this address as the source address"
                if (unicast) {
                    unicastSrc = b.ipvlanAddress;
                } else {
                    mcastSrc = b.ipvlanAddress;
                }
            }
            peers = new ArrayList<>();
            for (UnicastPeerSpec up : b.peers) {
                if (AddressFamily.of(up.address()) != family) {
                    d.error(up.origin(), n + "unicast_peer " + IpLiteral.format(up.address())
                            + " address family must match VRRP instance (" + family + ") - ignoring");
                } else {
                    peers.add(up);
                }
            }
            if (b.iface == null && peers.isEmpty()) {
                d.error(b.origin, n + "Unknown interface! - instance removed");
                return false;
            }
            return true;
        }

        private InetAddress ofFamily(InetAddress a, String keyword) {
            if (a != null && AddressFamily.of(a) != family) {
                d.error(b.origin, n + keyword + " " + IpLiteral.format(a) + " is not " + family + " - ignoring");
                return null;
            }
            return a;
        }

        /** Version 3 for IPv6; the advert interval: v2 whole seconds (at least 1), v3 centiseconds up to 40.95 s. */
        void versionAndInterval() {
            version = b.version != null ? b.version : g.vrrpVersion();
            if (family == AddressFamily.IPV6 && version == 2) {
                if (b.version != null) {
                    d.warning(b.origin, n + "IPv6 requires VRRP version 3 - using version 3");
                }
                version = 3;
            }
            adv = b.advertInt;
            if (version == 2) {
                long secs = Math.max(1, Math.round(adv.toMillis() / 1000.0));
                if (secs * 1000 != adv.toMillis()) {
                    d.corrected(b.origin, n + "VRRPv2 advertisement interval " + Durations.format(adv) + "s must be an"
                            + " integer. rounding to " + secs + "s");
                }
                adv = Duration.ofSeconds(secs);
            } else {
                long cs = Math.max(1, Math.round(adv.toMillis() / 10.0));
                if (cs > 4095) {
                    d.corrected(b.origin, n + "VRRPv3 advertisement interval " + Durations.format(adv) + "s is out of range."
                            + " Must be less than 40.96s. Setting to 40.95s");
                    cs = 4095;
                } else if (cs * 10 != adv.toMillis() || adv.toNanos() % 1_000_000 != 0) {
                    d.corrected(b.origin, n + "VRRPv3 advertisement interval " + Durations.format(adv) + "s must be in units"
                            + " of 10ms - rounding to " + Durations.format(Duration.ofMillis(cs * 10)) + "s");
                }
                adv = Duration.ofMillis(cs * 10);
            }
        }

        /** Priority, initial state, preemption and its delay. */
        void priorityAndState() {
            priority = b.priority != null ? b.priority : (b.state == InitialState.MASTER ? 255 : 100);
            state = b.state != null ? b.state : (priority == 255 ? InitialState.MASTER : InitialState.BACKUP);
            if (strict && state == InitialState.MASTER && priority != 255) {
                d.error(b.stateOrigin != null ? b.stateOrigin : b.origin, n + "strict mode requires state MASTER only for"
                        + " the address owner (priority 255) - using BACKUP");
                state = InitialState.BACKUP;
            }
            preempt = !b.nopreempt;
            if (b.nopreempt && (state == InitialState.MASTER || priority == 255)) {
                d.corrected(b.nopreemptOrigin, n + (priority == 255 ? "nopreempt is incompatible with priority 255."
                        + " resetting nopreempt" : "Warning - nopreempt will not work with initial state MASTER - clearing"));
                preempt = true;
            }
            preemptDelay = b.preemptDelay;
            if (!preemptDelay.isZero() && (state == InitialState.MASTER || !preempt || strict)) {
                d.corrected(b.preemptDelayOrigin, n + (state == InitialState.MASTER
                        ? "Warning - preempt delay will not work with initial state MASTER - clearing"
                        : "preempt_delay is incompatible with " + (strict ? "strict" : "nopreempt") + " mode - resetting"));
                preemptDelay = Duration.ZERO;
            }
        }

        /** v2 authentication only, not in strict mode; strict mode takes no unicast peers either. */
        boolean authentication() {
            auth = b.auth;
            if (auth != null && version == 3) {
                d.error(b.authOrigin, n + "VRRP version 3 does not support authentication. Ignoring.");
                auth = null;
            }
            if (auth != null && strict) {
                d.error(b.authOrigin, n + "strict mode does not support authentication. Ignoring.");
                auth = null;
            }
            if (unicast && strict) {
                d.error(b.unicastOrigin, n + "strict mode does not support unicast peers - instance removed");
                return false;
            }
            return true;
        }

        /** At least one VIP where keepalived needs one, and no more than an advert carries. */
        boolean vipCount() {
            if (vips.isEmpty() && !b.noVirtualIpaddress) {
                if (version == 3 || strict) {
                    // keepalived/vrrp/vrrp.c: vrrp_complete_instance() fails, and keepalived does not run.
                    d.error(b.origin, n + "No VIP specified; at least one is required (VRRP version 3"
                            + (strict ? " / strict mode" : "") + ") - instance removed");
                    return false;
                }
                d.corrected(b.origin, n + "No VIP specified; at least one is sensible");
            }
            if (strict && family == AddressFamily.IPV6 && !vips.isEmpty() && !IpLiteral.isLinkLocal6(vips.get(0).address())) {
                d.error(vips.get(0).origin(), n + "strict mode: the first IPv6 VIP must be link-local");
            }
            int maxVips = maxAdvertisedVips(family, version);
            if (vips.size() > maxVips) {
                // keepalived/vrrp/vrrp.c: vrrp_complete_instance(), a configuration error (-t exit 5).
                d.corrected(vips.get(maxVips).origin(), n + "Number of VIPs (" + vips.size() + ") exceeds maximum/space"
                        + " available in packet (max " + maxVips + " addresses) - excess moved to eVIPs"
                        + " (managed but not advertised)");
                excluded.addAll(0, vips.subList(maxVips, vips.size()));
                vips = new ArrayList<>(vips.subList(0, maxVips));
            }
            return true;
        }

        /** GARP and advert behaviour: instance overrides, then strict mode; then accept mode. */
        void garpAndAdverts() {
            GarpSettings gg = g.garp();
            Duration masterDelay = b.garpMasterDelay != null ? b.garpMasterDelay : gg.masterDelay();
            int masterRepeat = b.garpMasterRepeat != null ? b.garpMasterRepeat : gg.masterRepeat();
            garp = new GarpSettings(masterDelay, masterRepeat,
                    b.garpMasterRefresh != null ? b.garpMasterRefresh : gg.masterRefresh(),
                    b.garpMasterRefreshRepeat != null ? b.garpMasterRefreshRepeat : gg.masterRefreshRepeat(),
                    b.garpLowerPrioDelay != null ? b.garpLowerPrioDelay : gg.lowerPrioDelay(),
                    b.garpLowerPrioRepeat != null ? b.garpLowerPrioRepeat : gg.lowerPrioRepeat(),
                    gg.interval(), gg.naInterval(),
                    // keepalived/vrrp/vrrp.c, vrrp_complete_instance(): the global value only when the instance has none
                    b.garpExtraIf != null ? b.garpExtraIf : gg.extraIf(),
                    b.garpExtraIf != null ? b.garpExtraIfAll : gg.extraIfAll());
            AdvertBehaviour ga = g.advert();
            int downTimer = b.downTimerAdverts != null ? b.downTimerAdverts : ga.downTimerAdverts();
            boolean lowerNoAdv = b.lowerPrioNoAdvert != null ? b.lowerPrioNoAdvert : ga.lowerPrioNoAdvert();
            boolean higherSend = b.higherPrioSendAdvert != null ? b.higherPrioSendAdvert : ga.higherPrioSendAdvert();
            boolean ownerIgnore = b.ownerIgnoreAdverts != null ? b.ownerIgnoreAdverts : ga.ownerIgnoreAdverts();
            if (strict) {
                if ((b.garpLowerPrioRepeat != null && b.garpLowerPrioRepeat != 0)
                        || (b.garpLowerPrioDelay != null && !b.garpLowerPrioDelay.isZero())) {
                    d.corrected(b.garpLowerPrioOrigin, n + "Strict mode requires no repeat garps (garp_lower_prio_*). resetting");
                }
                garp = new GarpSettings(garp.masterDelay(), garp.masterRepeat(), garp.masterRefresh(),
                        garp.masterRefreshRepeat(), Duration.ZERO, 0, garp.interval(), garp.naInterval(), garp.extraIf(),
                        garp.extraIfAll());
                if (downTimer != 3) {
                    d.corrected(b.downTimerOrigin != null ? b.downTimerOrigin : b.origin,
                            n + "down_timer_adverts is incompatible with strict mode - resetting");
                    downTimer = 3;
                }
                lowerNoAdv = true;
                higherSend = false;
                ownerIgnore = true;
            }
            advert = new AdvertBehaviour(downTimer, lowerNoAdv, higherSend, ownerIgnore,
                    b.skipCheckAdvAddr != null ? b.skipCheckAdvAddr : ga.skipCheckAdvAddr(),
                    b.v3ChecksumAsV2 != null ? b.v3ChecksumAsV2 : ga.v3ChecksumAsV2(),
                    b.checkUnicastSrc != null ? b.checkUnicastSrc : ga.checkUnicastSrc()
                            || peers.stream().anyMatch(x -> x.minTtl() > 0 || x.maxTtl() < 255),
                    b.oldUnicastChecksum);
            accept = b.accept != null ? b.accept : (!strict || priority == 255);
            if (accept && priority != 255 && strict && version == 2) {
                // keepalived/vrrp/vrrp.c: vrrp_complete_instance(); so a strict v2 backup drops on its VIPs.
                d.corrected(b.origin, n + "warning - accept mode for VRRP version 2 does not comply with RFC3768"
                        + " - resetting");
                accept = false;
            }
        }

        /** Tracking, with sync-group weight rules. */
        void tracking(Map<String, String> groupOf, List<SyncGroupSpec> groups) {
            tracking = implicitInterfaces(b, CrossChecks.this.tracking(b.name, b.iface, b.track));
            group = groupOf.get(b.name);
            if (group != null) {
                SyncGroupSpec sg = groups.stream().filter(x -> x.name().equals(group)).findFirst().orElseThrow();
                if (!sg.syncGroupTrackingWeight()) {
                    tracking = zeroWeights(b.name, tracking);
                }
            }
        }

        /** The multicast group, TTL, notifies and VMAC, then the instance. */
        InstanceSpec build() {
            InetAddress mcastGroup = b.mcastDstIp != null && AddressFamily.of(b.mcastDstIp) == family ? b.mcastDstIp
                    : family == AddressFamily.IPV4 ? g.mcastGroup4() : g.mcastGroup6();
            if (b.mcastDstIp != null && AddressFamily.of(b.mcastDstIp) != family) {
                d.error(b.origin, n + "mcast_dst_ip " + IpLiteral.format(b.mcastDstIp) + " is not " + family + " - ignoring");
            }
            int unicastTtl = b.unicastTtl != null ? b.unicastTtl : 255;
            boolean notifyPrio = b.notifyPriorityChanges != null ? b.notifyPriorityChanges : g.notifyPriorityChanges();
            Vmac vmac = vmac(b, strict, unicast || b.unicastKeyword, family, vips, excluded);
            boolean promoteSecondaries = b.promoteSecondaries && (vmac == null || !vmac.onInstance());
            return new InstanceSpec(
                    new InstanceSpec.Router(b.name, state, b.iface, b.vrid, priority, version, family, group),
                    new InstanceSpec.Timing(adv, preempt, preemptDelay, b.timerExpiredBackup, garp),
                    new InstanceSpec.Wire(mcastSrc, mcastGroup, unicastSrc, peers, unicastTtl, b.unicastFaultNoPeer,
                            auth, advert),
                    new InstanceSpec.Addressing(vips, excluded, b.routes, b.rules, b.noVirtualIpaddress,
                            promoteSecondaries, vmac),
                    tracking,
                    new InstanceSpec.Modes(strict, accept, b.trackSrcIp, b.dontTrackPrimary, notifyPrio),
                    ConfigParser.notifyScripts(b.notify), b.origin);
        }
    }

    /**
     * The instance's VMAC settings after keepalived's checks, in its words (keepalived/vrrp/vrrp_parser.c:
     * vrrp_vmac_handler(), vrrp_end_handler(); keepalived/vrrp/vrrp.c: vrrp_complete_instance()),
     * or null when nothing asks for a macvlan. Every finding is one keepalived corrects and runs with.
     */
    private Vmac vmac(InstanceBuilder b, boolean strict, boolean unicast, AddressFamily family, List<VirtualIp> vips,
                      List<VirtualIp> excluded) {
        String n = "(" + b.name + ") ";
        boolean onInstance = b.useVmac || b.useIpvlan;
        // use_ipvlan and use_vmac share keepalived's vmac_ifname; the ipvlan is made when both are set.
        String name = b.useIpvlan && b.ipvlanName != null ? b.ipvlanName : b.vmacName;
        boolean xmitBase = b.vmacXmitBase;
        Origin origin = b.useIpvlan ? b.ipvlanOrigin : b.vmacOrigin;
        if (onInstance && name != null) {
            String owner = vmacNames.putIfAbsent(name, b.name);
            if (owner != null && !owner.equals(b.name)) {
                d.corrected(origin, n + "VRRP instance " + owner + " is already using " + name + " - ignoring name");
                name = null;
            }
        }
        if (onInstance && unicast) {
            if (b.iface == null) {
                d.corrected(origin, "(" + b.name + "): Cannot use VMAC/ipvlan with unicast and no interface - clearing use_vmac");
                onInstance = false;
                name = null;
            } else if (!xmitBase) {
                d.corrected(origin, n + "unicast with use_vmac requires vmac_xmit_base - setting");
                xmitBase = true;
            }
        }
        String mac = b.vmacMac;
        if (strict && mac != null) {
            d.corrected(b.vmacOrigin, n + "cannot specify MAC address with strict mode - clearing");
            mac = null;
        }
        if (mac != null && mac.split(":").length == 5) {
            mac = mac + String.format(java.util.Locale.ROOT, ":%02x", b.vrid); // keepalived's VRRP_VMAC_MAC_USE_VRID
        }
        if (onInstance && strict && xmitBase) {
            d.corrected(b.vmacXmitBaseOrigin, n + "xmit_base is incompatible with strict mode - resetting");
            xmitBase = false;
        }
        if (onInstance && b.promoteSecondaries) {
            d.corrected(b.promoteSecondariesOrigin, n + "promote_secondaries is automatically set for vmacs - ignoring");
        }
        if (xmitBase && !b.useVmac) {
            d.corrected(b.vmacXmitBaseOrigin != null ? b.vmacXmitBaseOrigin : origin, n + "vmac_xmit_base is only valid with a vmac");
            xmitBase = false;
        }
        boolean perVip = false;
        for (VirtualIp v : concat(vips, excluded)) {
            if (!v.useVmac()) {
                continue;
            }
            boolean own = v.device() == null || v.device().equals(b.iface);
            if (own && onInstance && v.family() == family) {
                d.corrected(v.origin(), n + "use_vmac specified for VIP/eVIP " + IpLiteral.format(v.address())
                        + " and vrrp instance");
            } else if ((!own || v.family() != family) && b.vmacAddr) {
                d.corrected(v.origin(), n + "use_vmac_addr specified and use_vmac specified for VIP/eVIP "
                        + IpLiteral.format(v.address()));
            } else {
                perVip = true;
            }
        }
        if (!onInstance && !b.vmacAddr && !perVip) {
            return null;
        }
        Ipvlan ipvlan = onInstance && b.useIpvlan ? new Ipvlan(name, b.ipvlanAddress, b.ipvlanPrefix, b.ipvlanFlags,
                b.ipvlanOrigin) : null;
        return new Vmac(onInstance, onInstance ? name : null, ipvlan != null ? null : mac, xmitBase, b.vmacAddr,
                b.vmacOrigin != null ? b.vmacOrigin : b.ipvlanOrigin != null ? b.ipvlanOrigin : b.origin, ipvlan);
    }

    /**
     * keepalived/vrrp/vrrp.c: vrrp_complete_instance(): an IPv4 ipvlan needs its address, and the
     * address must be of the instance's family; otherwise keepalived holds the instance in FAULT
     * for good. keepvip has no such state for a configuration, so the instance is removed (it never
     * takes its VIPs either way). Returns false when it is.
     */
    private boolean ipvlanUsable(InstanceBuilder b, AddressFamily family) {
        if (!b.useIpvlan) {
            return true;
        }
        String n = "(" + b.name + ") ";
        boolean v4WithoutAddress = family == AddressFamily.IPV4 && b.ipvlanAddress == null;
        boolean otherFamily = b.ipvlanAddress != null && AddressFamily.of(b.ipvlanAddress) != family;
        if ((v4WithoutAddress || otherFamily) && b.ipvlanName != null) {
            // keepalived checks the name as it parses, before it finds the fault
            String owner = vmacNames.get(b.ipvlanName);
            if (owner != null && !owner.equals(b.name)) {
                d.corrected(b.ipvlanOrigin, n + "VRRP instance " + owner + " is already using " + b.ipvlanName
                        + " - ignoring name");
            }
        }
        if (v4WithoutAddress) {
            d.error(b.ipvlanOrigin, n + "IPv4 ipvlan requires a source ip address to be configured."
                    + " setting instance to fault state - instance removed");
            return false;
        }
        if (otherFamily) {
            d.error(b.ipvlanOrigin, n + "IPv4 ipvlan address family does not match instance."
                    + " setting instance to fault state - instance removed");
            return false;
        }
        return true;
    }

    private static boolean before(Origin a, Origin b) {
        return a != null && b != null && a.file().equals(b.file()) && a.line() < b.line();
    }

    private static List<VirtualIp> concat(List<VirtualIp> a, List<VirtualIp> b) {
        List<VirtualIp> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * How many VIPs fit in one advert on a 1500-byte MTU (keepalived/vrrp/vrrp.c:
     * vrrp_complete_instance(), which uses the interface's MTU, or 1500 without one): Ethernet, IP
     * and VRRP headers, the v2 authentication data, and at most 255 (the count is 8 bits).
     * IPv4 gets 255, IPv6 89.
     */
    static int maxAdvertisedVips(AddressFamily family, int version) {
        int mtu = 1500;
        int headers = 14 + 8 + (family == AddressFamily.IPV4 ? 20 + (version == 2 ? 8 : 0) : 40);
        int size = family == AddressFamily.IPV4 ? 4 : 16;
        return Math.min(255, (mtu - headers) / size);
    }

    /**
     * The interfaces an instance tracks without a track_interface line, each as a weight-0 one (down
     * is FAULT): its virtual_routes' {@code dev} and its virtual_rules' {@code iif} and {@code oif},
     * unless {@code no_track} (keepalived/vrrp/vrrp.c: vrrp_complete_instance()), and the interface
     * of every static address, route and rule naming a track_group it is in
     * (keepalived/vrrp/vrrp_static_track.c: static_track_group_init()). One already tracked with a
     * weight loses it, as add_vrrp_to_interface() sets it to 0.
     */
    private Tracking implicitInterfaces(InstanceBuilder b, Tracking t) {
        Map<String, Origin> wanted = new java.util.LinkedHashMap<>();
        for (IpRoute r : b.routes) {
            if (!r.noTrack() && r.device() != null) {
                wanted.putIfAbsent(r.device(), r.origin());
            }
        }
        for (IpRule r : b.rules) {
            if (!r.noTrack()) {
                for (String ifname : java.util.Arrays.asList(r.iif(), r.oif())) {
                    if (ifname != null) {
                        wanted.putIfAbsent(ifname, r.origin());
                    }
                }
            }
        }
        List<String> groups = p.host.trackGroupsOf(b.name);
        for (StaticTrack s : p.staticTracks) {
            if (groups.contains(s.group())) {
                wanted.putIfAbsent(s.ifname(), s.origin());
            }
        }
        wanted.remove(b.iface);
        if (wanted.isEmpty()) {
            return t;
        }
        List<Tracked> ifs = new ArrayList<>();
        for (Tracked x : t.interfaces()) {
            ifs.add(wanted.containsKey(x.name()) ? new Tracked(x.name(), 0, false, x.origin()) : x);
        }
        wanted.forEach((name, origin) -> {
            if (ifs.stream().noneMatch(x -> x.name().equals(name))) {
                ifs.add(new Tracked(name, 0, false, origin));
            }
        });
        return new Tracking(ifs, t.scripts(), t.files(), t.redis(), t.processes());
    }

    private Tracking zeroWeights(String name, Tracking t) {
        List<List<Tracked>> lists = new ArrayList<>();
        // keepalived/vrrp/vrrp.c: vrrp_complete_instance() leaves a weighted track_process alone.
        for (List<Tracked> l : List.of(t.interfaces(), t.scripts(), t.files(), t.redis(), t.hosts())) {
            List<Tracked> out = new ArrayList<>();
            for (Tracked x : l) {
                if (x.weight() != 0) {
                    // keepalived/vrrp/vrrp.c: vrrp_complete_instance(), an error to keepalived -t.
                    d.corrected(x.origin(), "(" + name + ") ignoring weight of tracker " + x.name()
                            + " due to SYNC group (add sync_group_tracking_weight to the group to keep it)");
                    out.add(new Tracked(x.name(), 0, x.reverse(), x.origin()));
                } else {
                    out.add(x);
                }
            }
            lists.add(out);
        }
        return new Tracking(lists.get(0), lists.get(1), lists.get(2), lists.get(3), t.processes(), lists.get(4));
    }

    private boolean uniqueVip(VirtualIp v, String instance, Map<String, Origin> all, Map<String, String> owner) {
        String key = IpLiteral.format(v.address()) + "%" + (v.device() == null ? "" : v.device());
        String plain = IpLiteral.format(v.address());
        Origin first = all.get(plain);
        if (first != null) {
            String other = owner.get(plain);
            d.error(v.origin(), "(" + instance + ") VIP " + plain + " duplicates a VIP in "
                    + (other.equals(instance) ? "the same instance" : "(" + other + ")") + " (" + first + ") - ignoring");
            return false;
        }
        all.put(plain, v.origin());
        owner.put(plain, instance);
        return key != null;
    }

    /** VRIDs must be unique per interface, family and group for multicast; per peer set for unicast. */
    private void vridConflicts(List<InstanceSpec> instances) {
        Map<String, InstanceSpec> seen = new HashMap<>();
        for (InstanceSpec i : instances) {
            String where = i.isUnicast()
                    ? "unicast:" + (i.unicastSrcIp() == null ? i.interfaceName() : IpLiteral.format(i.unicastSrcIp()))
                    + ":" + i.unicastPeers().stream().map(x -> IpLiteral.format(x.address())).sorted().toList()
                    : "mcast:" + i.interfaceName() + ":" + IpLiteral.format(i.mcastGroup());
            String key = where + ":" + i.family() + ":" + i.vrid();
            InstanceSpec other = seen.putIfAbsent(key, i);
            if (other != null) {
                d.error(i.origin(), other.name() + " and " + i.name() + " both use VRID " + i.vrid() + " with "
                        + i.family() + (i.isUnicast() ? " to the same unicast peers" : " on interface " + i.interfaceName())
                        + " - each needs its own virtual_router_id");
            }
        }
    }
}
