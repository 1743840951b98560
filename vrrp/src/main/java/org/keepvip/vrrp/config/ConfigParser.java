package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses keepalived.conf (plus keepvip's {@code redis_instance}) into a {@link KeepalivedConfig}.
 * Never throws for any input: every problem becomes a {@link Diagnostic}.
 *
 * <pre>{@code
 * ParseResult r = ConfigParser.parse("/etc/keepvip/keepalived.conf", source, null);
 * }</pre>
 */
public final class ConfigParser {
    static final Duration MAX_TIMER = Duration.ofNanos(4_294_967_295_000L);

    final Diagnostics diags;
    final Args args;
    final String mainFile;
    final GlobalBuilder global;
    final Map<String, VrrpScript> scripts = new LinkedHashMap<>();
    final Map<String, TrackFile> trackFiles = new LinkedHashMap<>();
    final Map<String, TrackProcess> trackProcesses = new LinkedHashMap<>();
    final Map<String, TrackHost> trackHosts = new LinkedHashMap<>();
    /** vrrp_track_host blocks removed for an error already reported: a reference to one adds no second error. */
    final java.util.Set<String> rejectedTrackHosts = new java.util.HashSet<>();
    final Map<String, RedisInstance> redis = new LinkedHashMap<>();
    final List<InstanceBuilder> instances = new ArrayList<>();
    private final java.util.Set<String> instanceNames = new java.util.HashSet<>();
    final List<SyncGroupBuilder> syncGroups = new ArrayList<>();
    final List<VirtualIp> staticAddresses = new ArrayList<>();
    final List<IpRoute> staticRoutes = new ArrayList<>();
    final List<IpRule> staticRules = new ArrayList<>();
    /** Static lines naming a track_group, with the interface each one's members track. */
    final List<StaticTrack> staticTracks = new ArrayList<>();
    /** Table, protocol and scope names; reads /etc/iproute2 through the source when a name is used. */
    RtNames rtNames = new RtNames(null);
    RuleParser.AutoPriority autoPriority = new RuleParser.AutoPriority();
    final HostBuilder host = new HostBuilder(this);

    private ConfigParser(String mainFile, String hostName) {
        this.diags = new Diagnostics();
        this.args = new Args(diags);
        this.mainFile = mainFile;
        this.global = new GlobalBuilder(hostName, new Origin(mainFile, 0));
    }

    /**
     * A scratch parser for a misspelt block: it reports into {@code parent}'s diagnostics and sees
     * the scripts, track files and Redis instances defined so far, but what it builds is dropped.
     */
    private ConfigParser(ConfigParser parent) {
        this.diags = parent.diags;
        this.args = parent.args;
        this.mainFile = parent.mainFile;
        this.global = new GlobalBuilder(parent.global.routerId, parent.global.origin);
        this.scripts.putAll(parent.scripts);
        this.trackFiles.putAll(parent.trackFiles);
        this.trackProcesses.putAll(parent.trackProcesses);
        this.trackHosts.putAll(parent.trackHosts);
        this.rejectedTrackHosts.addAll(parent.rejectedTrackHosts);
        this.redis.putAll(parent.redis);
        this.rtNames = parent.rtNames;
        this.autoPriority = parent.autoPriority;
    }

    /**
     * Parses a configuration.
     *
     * @param mainFile absolute path of the main file
     * @param source   file system, environment and host name
     * @param configId the {@code -i} config-id, or null for the host name up to its first '.'
     */
    public static ParseResult parse(String mainFile, ConfigSource source, String configId) {
        String host = safeHost(source);
        String id = configId != null ? configId : host.split("\\.", 2)[0];
        ConfigParser p = new ConfigParser(mainFile, host);
        p.rtNames = new RtNames(source);
        try {
            Preprocessor pre = new Preprocessor(source, p.diags, id);
            List<Line> lines = pre.run(mainFile);
            if (lines == null) {
                return new ParseResult(null, p.diags.toList(), pre.files());
            }
            List<Stmt> root = TreeBuilder.build(lines, p.diags);
            p.parseRoot(root);
            CrossChecks checks = new CrossChecks(p);
            KeepalivedConfig cfg = checks.finish();
            return new ParseResult(cfg, ParseResult.sort(p.diags.toList(), pre.files()), pre.files(),
                    checks.unusedScripts);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            // A parser bug must not reach the operator as a stack trace; say what happened instead.
            p.diags.add(Diagnostic.fatal(new Origin(mainFile, 0),
                    "internal parser error (" + e.getClass().getSimpleName() + ") - please report this configuration"));
            return new ParseResult(null, p.diags.toList(), List.of(mainFile));
        }
    }

    private static String safeHost(ConfigSource source) {
        String h = source.hostName();
        return h == null || h.isBlank() ? "localhost" : h;
    }

    // ---------------------------------------------------------------- dispatch helpers

    /**
     * Reports a keyword that is not valid here, with a did-you-mean. keepalived
     * (lib/parser.c: process_stream()) reports only the keyword and then misreads the block; we
     * skip it, but when it is a slip of a block keyword known here ({@code Vrrp_instance},
     * {@code virtual_ipadress}) the caller checks its contents as that block: one run then reports
     * the typos inside too. Returns that block keyword, or null.
     */
    String unknown(Stmt s, String context, Set<String> known, Set<String> unsupported) {
        String kw = s.keyword();
        if (kw.isEmpty()) {
            return null; // an anonymous block after "Unexpected '{'", already reported
        }
        if (unsupported.contains(kw)) {
            unsupported(s);
            return null;
        }
        String hint = Suggest.nearest(kw, Keywords.union(known, unsupported));
        String checkAs = s.hasBlock() && hint != null && known.contains(hint) && Keywords.BLOCKS.contains(hint)
                ? hint : null;
        String block = !s.hasBlock() ? ""
                : checkAs != null ? " (its block is checked as '" + checkAs + "' but not used)"
                : " (its block is skipped)";
        diags.error(s.origin, "unknown keyword '" + kw + "'" + (context.isEmpty() ? "" : " in " + context)
                + block + (hint != null ? " - did you mean '" + hint + "'?" : ""));
        return checkAs;
    }

    void unsupported(Stmt s) {
        String kw = s.keyword();
        String block = s.hasBlock() ? " with its block" : "";
        String why = Keywords.UNSUPPORTED_ERRORS.get(kw);
        String reason = Keywords.reason(kw);
        Diagnostic d = why != null
                ? Diagnostic.error(s.origin, "'" + kw + "' is not supported by keepvip - ignored" + block + " (" + why + ")")
                : Keywords.NO_EFFECT.containsKey(kw)
                ? Diagnostic.warning(s.origin, "'" + kw + "' has no effect in keepvip - ignored" + block + " (" + reason + ")")
                : Diagnostic.warning(s.origin, "'" + kw + "' is not supported by keepvip - ignored" + block
                        + (reason != null ? " (" + reason + ")" : ""));
        diags.once("unsupported:" + kw, d);
    }

    /** True if {@code s} has a block; reports keepalived's error otherwise. */
    boolean needBlock(Stmt s) {
        if (s.hasBlock()) {
            return true;
        }
        diags.error(s.origin, "Missing '{' at beginning of configuration block '" + s.describe() + "'");
        return false;
    }

    /** True if {@code s} has no block; a block after a simple keyword is reported and skipped. */
    boolean noBlock(Stmt s) {
        if (!s.hasBlock()) {
            return true;
        }
        diags.error(s.origin, "'" + s.keyword() + "' does not take a block - ignoring the line and its block");
        return false;
    }

    /** The name of a named block ({@code vrrp_instance NAME}), or null after an error. */
    String blockName(Stmt s) {
        if (s.argCount() != 1) {
            diags.error(s.origin, s.keyword() + " must have " + (s.argCount() == 0 ? "a name" : "exactly one name")
                    + " - block skipped");
            return null;
        }
        return s.arg(1);
    }

    // ---------------------------------------------------------------- root

    private void parseRoot(List<Stmt> root) {
        for (Stmt s : root) {
            switch (s.keyword()) {
                case "global_defs" -> {
                    if (needBlock(s)) {
                        global.parse(this, s);
                    }
                }
                case "vrrp_script" -> {
                    if (needBlock(s)) {
                        parseScript(s);
                    }
                }
                case "track_file", "vrrp_track_file" -> {
                    if (needBlock(s)) {
                        parseTrackFile(s);
                    }
                }
                case "redis_instance" -> {
                    if (needBlock(s)) {
                        RedisParser.parse(this, s);
                    }
                }
                case "vrrp_track_process" -> {
                    if (needBlock(s)) {
                        TrackProcessParser.parse(this, s);
                    }
                }
                case "vrrp_track_host" -> {
                    if (needBlock(s)) {
                        TrackHostParser.parse(this, s);
                    }
                }
                case "static_ipaddress" -> {
                    if (needBlock(s)) {
                        parseStaticAddresses(s);
                    }
                }
                case "static_routes" -> {
                    if (needBlock(s)) {
                        staticRoutes(s);
                    }
                }
                case "static_rules" -> {
                    if (needBlock(s)) {
                        staticRules(s);
                    }
                }
                case "vrrp_instance" -> {
                    if (needBlock(s)) {
                        String name = blockName(s);
                        if (name == null) {
                            break;
                        }
                        if (!instanceNames.add(name)) {
                            diags.error(s.origin, "vrrp instance " + name + " already defined - block skipped");
                            break;
                        }
                        InstanceBuilder b = new InstanceBuilder(this, name, s.origin);
                        b.parse(s);
                        instances.add(b);
                    }
                }
                case "vrrp_sync_group" -> {
                    if (needBlock(s)) {
                        String name = blockName(s);
                        if (name == null) {
                            break;
                        }
                        if (syncGroups.stream().anyMatch(g -> g.name.equals(name))) {
                            diags.error(s.origin, "vrrp sync group " + name + " already defined - block skipped");
                            break;
                        }
                        SyncGroupBuilder g = new SyncGroupBuilder(this, name, s.origin);
                        g.parse(s);
                        syncGroups.add(g);
                    }
                }
                default -> {
                    if (HostBuilder.ROOT.contains(s.keyword())) {
                        host.parse(s);
                        break;
                    }
                    String as = unknown(s, "", Keywords.ROOT, Keywords.ROOT_UNSUPPORTED);
                    if (as != null) {
                        checkOnly(s.renamed(as));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- addresses, routes and rules

    /**
     * {@code static_ipaddress}: {@code virtual_ipaddress} lines that never move. Without {@code dev}
     * keepalived puts them on global_defs' default_interface as set so far in the file, else eth0
     * (keepalived/vrrp/vrrp_ipaddress.c: alloc_ipaddress(); keepalived/vrrp/vrrp_if.c: get_default_if()).
     */
    private void parseStaticAddresses(Stmt block) {
        for (Stmt line : lines(block)) {
            String[] group = new String[1];
            Stmt s = withoutTrackGroup(line, group);
            VirtualIp v = VipParser.parse(s, diags, "static_ipaddress");
            if (v != null) {
                staticAddresses.add(v.device() != null ? v : new VirtualIp(v.address(), v.prefixLength(),
                        global.extras.staticAddressInterface(), v.broadcast(), v.scope(), v.label(), v.peer(), v.peerPrefix(), v.home(),
                        v.nodad(), v.mngtmpaddr(), v.noPrefixRoute(), v.autojoin(), v.noTrack(), v.preferredLft(),
                        v.useVmac(), v.origin()));
                if (group[0] != null && v.device() == null) {
                    diags.error(s.origin, "Static route cannot have track_group if interface not specified");
                } else {
                    staticTrack(group[0], v.device(), v.noTrack(), "address", s.origin);
                }
            }
        }
    }

    private void staticRoutes(Stmt block) {
        for (Stmt line : lines(block)) {
            String[] group = new String[1];
            Stmt s = withoutTrackGroup(line, group);
            IpRoute r = RouteParser.parse(s, diags, rtNames, "static_routes");
            if (r != null) {
                staticRoutes.add(r);
                if (group[0] != null && r.device() == null) {
                    diags.error(s.origin, "Static route cannot have track group if no oif specified");
                } else {
                    staticTrack(group[0], r.device(), r.noTrack(), "route", s.origin);
                }
            }
        }
    }

    private void staticRules(Stmt block) {
        for (Stmt line : lines(block)) {
            String[] group = new String[1];
            Stmt s = withoutTrackGroup(line, group);
            IpRule r = RuleParser.parse(s, diags, rtNames, autoPriority, "static_rules");
            if (r != null) {
                staticRules.add(r);
                if (group[0] != null && r.iif() == null) {
                    diags.error(s.origin, "Static rule cannot have track_group if dev/iif not specified");
                } else {
                    staticTrack(group[0], r.iif(), r.noTrack(), "rule", s.origin);
                }
            }
        }
    }

    /**
     * {@code line} without its {@code track_group NAME}, whose name goes to {@code group[0]} if the
     * group was defined above (alloc_ipaddress(), alloc_route(), alloc_rule(): static_track_group_find()).
     */
    private Stmt withoutTrackGroup(Stmt line, String[] group) {
        int at = line.words.indexOf("track_group");
        if (at < 0) {
            return line;
        }
        Stmt s = new Stmt(line.origin);
        for (int i = 0; i < line.words.size(); i++) {
            String w = line.words.get(i);
            if (!w.equals("track_group")) {
                s.words.add(w);
                continue;
            }
            if (i + 1 >= line.words.size()) {
                diags.error(line.origin, "track_group is missing its group name - ignoring");
                continue;
            }
            String name = line.words.get(++i);
            if (group[0] != null) {
                diags.error(line.origin, "track_group " + name + " is a duplicate");
            } else if (!host.hasTrackGroup(name)) {
                diags.error(line.origin, "track_group " + name + " not found");
            } else {
                group[0] = name;
            }
        }
        return s;
    }

    /** static_track_group_init(): no_track wins, with keepalived's words. */
    private void staticTrack(String group, String ifname, boolean noTrack, String what, Origin origin) {
        if (group == null) {
            return;
        }
        if (noTrack) {
            diags.warning(origin, "Static " + what + " has both track_group and no_track set - not tracking");
            return;
        }
        staticTracks.add(new StaticTrack(group, ifname, origin));
    }

    /** keepalived's default_interface when global_defs sets none (DFLT_INT). */
    static final String DEFAULT_INTERFACE = "eth0";

    /** {@code static_routes} or an instance's {@code virtual_routes}. */
    void routes(Stmt block, List<IpRoute> into, String what) {
        for (Stmt s : lines(block)) {
            IpRoute r = RouteParser.parse(s, diags, rtNames, what);
            if (r != null) {
                into.add(r);
            }
        }
    }

    /** {@code static_rules} or an instance's {@code virtual_rules}. */
    void rules(Stmt block, List<IpRule> into, String what) {
        for (Stmt s : lines(block)) {
            IpRule r = RuleParser.parse(s, diags, rtNames, autoPriority, what);
            if (r != null) {
                into.add(r);
            }
        }
    }

    /** The one-line statements of a value block; a nested block is reported and skipped. */
    private List<Stmt> lines(Stmt block) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : block.block()) {
            if (s.hasBlock()) {
                diags.error(s.origin, "unexpected block in " + block.keyword() + " - skipped");
            } else if (!s.words.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Parses and cross-checks a misspelt top-level block as the block it resembles, then drops it. */
    private void checkOnly(Stmt block) {
        ConfigParser scratch = new ConfigParser(this);
        if (block.keyword().equals("vrrp_script")) {
            scratch.scripts.clear(); // a slip of an existing name is not "already defined"
        }
        scratch.parseRoot(List.of(block));
        new CrossChecks(scratch).checkInstancesOnly(global.build());
    }

    // ---------------------------------------------------------------- vrrp_script

    private void parseScript(Stmt block) {
        String name = blockName(block);
        if (name == null) {
            return;
        }
        String ctx = "vrrp_script " + name;
        ScriptCommand cmd = null;
        Duration interval = Duration.ofSeconds(1);
        Duration timeout = null;
        int weight = 0;
        boolean reverse = false;
        int rise = 1;
        int fall = 1;
        boolean initFail = false;
        String user = null;
        String group = null;
        for (Stmt s : block.block()) {
            if (!Keywords.SCRIPT.contains(s.keyword())) {
                unknown(s, ctx, Keywords.SCRIPT, Set.of()); // no blocks inside: nothing to check as
                continue;
            }
            if (!noBlock(s)) {
                continue;
            }
            switch (s.keyword()) {
                case "script" -> {
                    ScriptCommand c = args.script(s, 1);
                    if (c != null) {
                        cmd = c;
                        if (s.argCount() > 1) {
                            diags.warning(s.origin, "script: only '" + s.arg(1) + "' is run; put the command and its"
                                    + " arguments in one quoted string");
                        }
                    }
                }
                case "interval" -> {
                    Duration d = args.seconds(s, Duration.ZERO, MAX_TIMER);
                    if (d != null) {
                        interval = d.isZero() ? Duration.ofSeconds(1) : d;
                    }
                }
                case "timeout" -> {
                    Duration d = args.seconds(s, Duration.ZERO, MAX_TIMER);
                    if (d != null) {
                        timeout = d.isZero() ? null : d;
                    }
                }
                case "weight" -> {
                    int[] w = weight(s, 254);
                    if (w != null) {
                        weight = clamp253(w[0]);
                        reverse = w[1] == 1;
                    }
                }
                case "rise" -> {
                    Integer v = args.integer(s, 1, Integer.MAX_VALUE);
                    if (v != null) {
                        rise = v;
                    }
                }
                case "fall" -> {
                    Integer v = args.integer(s, 1, Integer.MAX_VALUE);
                    if (v != null) {
                        fall = v;
                    }
                }
                case "user" -> {
                    if (args.require(s, 1)) {
                        user = s.arg(1);
                        group = s.argCount() > 1 ? stripColon(s.arg(2)) : null;
                    }
                }
                case "init_fail" -> initFail = true;
                default -> throw new IllegalStateException(s.keyword());
            }
        }
        if (cmd == null) {
            diags.error(block.origin, "No script set for vrrp_script " + name + " - removing");
            return;
        }
        if (user != null) {
            cmd = new ScriptCommand(cmd.raw(), cmd.argv(), user, group, cmd.origin());
        }
        if (scripts.containsKey(name)) {
            diags.error(block.origin, "vrrp_script " + name + " already defined - replacing the earlier one");
        }
        scripts.put(name, new VrrpScript(name, cmd, interval, timeout == null ? interval : timeout, weight, reverse,
                rise, fall, initFail, block.origin));
    }

    static String stripColon(String g) {
        String s = g.startsWith(":") ? g.substring(1) : g;
        return s.isEmpty() ? null : s;
    }

    static int clamp253(int w) {
        return Math.max(-253, Math.min(253, w));
    }

    /** {@code weight N [reverse|noreverse]} → {N, reverse?1:0, explicit?1:0}, or null. */
    int[] weight(Stmt s, int limit) {
        return weightAt(s, 1, limit);
    }

    int[] weightAt(Stmt s, int at, int limit) {
        if (s.argCount() < at) {
            diags.error(s.origin, "'" + s.words.get(at - 1) + "' is missing its value");
            return null;
        }
        Integer w = args.integer(s, s.arg(at), -limit, limit);
        if (w == null) {
            return null;
        }
        int rev = 0;
        int explicit = 0;
        if (s.argCount() > at) {
            String r = s.arg(at + 1);
            if (r.equals("reverse")) {
                rev = 1;
                explicit = 1;
            } else if (r.equals("noreverse")) {
                explicit = 1;
            } else {
                diags.error(s.origin, "unknown word '" + r + "' after weight (expected reverse or noreverse)");
            }
        }
        return new int[] {w, rev, explicit};
    }

    // ---------------------------------------------------------------- track_file

    private void parseTrackFile(Stmt block) {
        String name = blockName(block);
        if (name == null) {
            return;
        }
        String ctx = "track_file " + name;
        String path = null;
        int weight = 1;
        boolean reverse = false;
        boolean initFile = false;
        long initValue = 0;
        boolean overwrite = false;
        for (Stmt s : block.block()) {
            if (!Keywords.TRACK_FILE.contains(s.keyword())) {
                unknown(s, ctx, Keywords.TRACK_FILE, Set.of());
                continue;
            }
            if (!noBlock(s)) {
                continue;
            }
            switch (s.keyword()) {
                case "file" -> path = args.string(s);
                case "weight" -> {
                    int[] w = weight(s, 254);
                    if (w != null) {
                        weight = w[0];
                        reverse = w[1] == 1;
                    }
                }
                case "init_file" -> {
                    // keepalived/trackers/track_file.c: track_file_init_handler()
                    initFile = true;
                    initValue = 0;
                    for (int i = 1; i <= s.argCount(); i++) {
                        String w = s.arg(i);
                        if (!w.isEmpty() && (Character.isDigit(w.charAt(0)) || w.charAt(0) == '-')) {
                            try {
                                initValue = Integer.parseInt(w);
                                if (initValue < -254 || initValue > 254) {
                                    diags.error(s.origin, "Track file " + name + " init value " + initValue
                                            + " is outside sensible range [-254, 254]");
                                }
                            } catch (NumberFormatException e) {
                                diags.error(s.origin, "Track file " + name + " init value " + w + " is invalid");
                                initValue = 0;
                            }
                        } else if (w.equals("overwrite")) {
                            overwrite = true;
                        } else {
                            diags.error(s.origin, "Unknown track file init option " + w);
                        }
                    }
                }
                default -> throw new IllegalStateException(s.keyword());
            }
        }
        if (path == null) {
            diags.error(block.origin, "No file set for track_file " + name + " - removing");
            return;
        }
        trackFiles.put(name, new TrackFile(name, path, weight, reverse, initFile, initValue, overwrite, block.origin));
    }

    // ---------------------------------------------------------------- shared by instance and sync group

    /** Reads a notify keyword into the slot array; a second one is ignored with an error. */
    void notifyScript(Stmt s, ScriptCommand[] slots, int slot) {
        if (!noBlock(s)) {
            return;
        }
        if (slots[slot] != null) {
            diags.error(s.origin, s.keyword() + " script already specified - ignoring");
            return;
        }
        slots[slot] = args.script(s, 1);
    }

    static int notifySlot(String kw) {
        return switch (kw) {
            case "notify_master" -> 0;
            case "notify_backup" -> 1;
            case "notify_fault" -> 2;
            case "notify_stop" -> 3;
            case "notify_deleted" -> 4;
            case "notify" -> 5;
            case "notify_master_rx_lower_pri" -> 6;
            default -> -1;
        };
    }

    static NotifyScripts notifyScripts(ScriptCommand[] s) {
        return new NotifyScripts(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
    }

    /** Parses {@code track_X { NAME [weight N [reverse]] }} entries as written (resolved later). */
    List<TrackEntry> trackEntries(Stmt s, int weightLimit) {
        List<TrackEntry> out = new ArrayList<>();
        if (!needBlock(s)) {
            return out;
        }
        for (Stmt e : s.block()) {
            if (e.hasBlock()) {
                diags.error(e.origin, "unexpected block in " + s.keyword() + " - skipped");
                continue;
            }
            if (e.words.isEmpty()) {
                continue;
            }
            Integer weight = null;
            Boolean reverse = null;
            if (e.words.size() > 1) {
                if (!e.words.get(1).equals("weight")) {
                    diags.error(e.origin, s.keyword() + " " + e.keyword() + ": unknown word '" + e.words.get(1)
                            + "' (expected weight)");
                    continue;
                }
                int[] w = weightAt(e, 2, weightLimit);
                if (w == null) {
                    continue;
                }
                weight = w[0];
                reverse = w[2] == 1 ? w[1] == 1 : null;
            }
            out.add(new TrackEntry(e.keyword(), weight, reverse, e.origin));
        }
        return out;
    }

    /**
     * {@code track_process { NAME [weight N [reverse|noreverse]] }}: the process tracker must be
     * defined before (keepalived looks it up at once, keepalived/vrrp/vrrp_track.c: alloc_track_process).
     */
    List<TrackEntry> trackProcessEntries(Stmt s, String owner, String before) {
        List<TrackEntry> out = new ArrayList<>();
        for (TrackEntry e : trackEntries(s, 254)) {
            if (!trackProcesses.containsKey(e.name())) {
                String hint = Suggest.nearest(e.name(), trackProcesses.keySet());
                diags.error(e.origin(), "(" + owner + ") track process " + e.name() + " not found, ignoring..."
                        + " (a vrrp_track_process must be defined before the " + before + " that tracks it)"
                        + (hint != null ? " - did you mean '" + hint + "'?" : ""));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** A tracker as written: weight and reverse are null unless overridden. */
    record TrackEntry(String name, Integer weight, Boolean reverse, Origin origin) {}

    InetAddress address(Stmt s) {
        return args.require(s, 1) ? args.address(s, s.arg(1)) : null;
    }
}
