package org.keepvip.vrrp.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accumulates the top-level keywords of {@link HostSettings}, with keepalived 2.2.7's checks and
 * words (keepalived/core/global_parser.c, keepalived/vrrp/vrrp_parser.c; the handler is named at
 * each method).
 */
final class HostBuilder {
    /** The keywords this builder takes at the top level. */
    static final Set<String> ROOT = Set.of("instance", "net_namespace", "use_pid_dir", "linkbeat_use_polling",
            "garp_group", "track_group", "linkbeat_interfaces", "interface_up_down_delays");

    private static final Duration MAX_LINK_DELAY = Duration.ofSeconds(255);
    /** read_decimal_unsigned_strvec(..., 0, INT_MAX, TIMER_HZ_DIGITS): microseconds up to INT_MAX. */
    private static final Duration MAX_GARP_GAP = Duration.ofNanos(Integer.MAX_VALUE * 1000L);

    private final ConfigParser p;
    private String instanceName;
    private String netNamespace;
    private boolean usePidDir;
    private boolean linkbeatUsePolling;
    private final List<GarpGroup> garpGroups = new ArrayList<>();
    private final Set<String> garpInterfaces = new HashSet<>();
    private int aggregationGroups;
    private final Map<String, Stmt> trackGroups = new LinkedHashMap<>();
    private final Map<String, LinkDelay> linkDelays = new LinkedHashMap<>();
    private final List<String> linkbeat = new ArrayList<>();

    HostBuilder(ConfigParser p) {
        this.p = p;
    }

    void parse(Stmt s) {
        switch (s.keyword()) {
            case "instance" -> named(s, "instance", instanceName, v -> instanceName = v);
            case "net_namespace" -> named(s, "net_namespace", netNamespace, v -> netNamespace = v);
            case "use_pid_dir" -> usePidDir = true;
            case "linkbeat_use_polling" -> linkbeatUsePolling = true;
            case "garp_group" -> garpGroup(s);
            case "track_group" -> trackGroup(s);
            case "linkbeat_interfaces" -> linkbeat(s);
            case "interface_up_down_delays" -> linkDelays(s);
            default -> throw new IllegalStateException(s.keyword());
        }
    }

    /** instance_handler(), net_namespace_handler(): the first one counts. */
    private void named(Stmt s, String kw, String current, java.util.function.Consumer<String> set) {
        if (!p.noBlock(s)) {
            return;
        }
        if (s.argCount() < 1) {
            p.diags.error(s.origin, (kw.equals("instance") ? "instance name" : "net_namespace name")
                    + " missing - ignoring");
        } else if (current != null) {
            p.diags.error(s.origin, "Duplicate " + (kw.equals("instance") ? "instance" : "net_namespace")
                    + " definition " + s.arg(1) + " - ignoring");
        } else if (!validName(s.arg(1))) {
            // Both become part of a path (/run/keepvip/NAME...): no separators, no "..".
            p.diags.error(s.origin, kw + " '" + s.arg(1) + "' is not a valid name (letters, digits, '.', '_', '-';"
                    + " not starting with '.') - ignoring");
        } else {
            set.accept(s.arg(1));
        }
    }

    static boolean validName(String n) {
        return n.length() <= 64 && n.matches("[A-Za-z0-9_][A-Za-z0-9._-]*");
    }

    /** garp_group_handler() and its block's handlers; garp_group_end_handler(). */
    private void garpGroup(Stmt block) {
        if (!p.needBlock(block)) {
            return;
        }
        Duration garp = null;
        Duration gna = null;
        List<String> ifs = new ArrayList<>();
        int aggregation = 0; // keepalived numbers only groups with an interfaces block
        for (Stmt s : block.block()) {
            switch (s.keyword()) {
                case "garp_interval", "gna_interval" -> {
                    if (!p.noBlock(s) || !p.args.require(s, 1)) {
                        continue;
                    }
                    Duration d = gap(s);
                    if (d == null) {
                        p.diags.error(s.origin, "garp_group " + s.keyword() + " '" + s.arg(1) + "' invalid");
                    } else if (s.keyword().equals("garp_interval")) {
                        garp = d;
                    } else {
                        gna = d;
                    }
                }
                case "interface" -> {
                    if (p.noBlock(s) && p.args.require(s, 1)) {
                        addGarpInterface(s.arg(1), s.origin, ifs);
                    }
                }
                case "interfaces" -> {
                    if (!p.needBlock(s)) {
                        continue;
                    }
                    List<Stmt.Word> words = s.blockWords();
                    if (words.isEmpty()) {
                        p.diags.error(s.origin, "Warning - empty garp_group interfaces block");
                        continue;
                    }
                    aggregation = aggregation == 0 ? ++aggregationGroups : aggregation;
                    words.forEach(w -> addGarpInterface(w.text(), w.origin(), ifs));
                }
                default -> p.unknown(s, "garp_group", Set.of("garp_interval", "gna_interval", "interface",
                        "interfaces"), Set.of());
            }
        }
        if (garp == null && gna == null) {
            p.diags.error(block.origin, "garp group " + aggregation + " does not have any delay set - removing");
            ifs.forEach(garpInterfaces::remove);
            return;
        }
        if (ifs.isEmpty()) {
            p.diags.warning(block.origin, "garp_group names no interface - it paces nothing");
        }
        garpGroups.add(new GarpGroup(garp == null ? Duration.ZERO : garp, gna == null ? Duration.ZERO : gna, ifs,
                block.origin));
    }

    /** A decimal number of seconds, microseconds at most, from 0 to INT_MAX µs; null if not. */
    private static Duration gap(Stmt s) {
        try {
            java.math.BigDecimal bd = new java.math.BigDecimal(s.arg(1));
            if (bd.signum() < 0 || bd.scale() > 6) {
                return null;
            }
            Duration d = Duration.ofNanos(bd.movePointRight(9).longValueExact());
            return d.compareTo(MAX_GARP_GAP) <= 0 ? d : null;
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private void addGarpInterface(String ifname, Origin o, List<String> into) {
        if (!garpInterfaces.add(ifname)) {
            p.diags.error(o, "garp_group already specified for " + ifname + " - ignoring");
            return;
        }
        into.add(ifname);
    }

    /** static_track_group_handler(), static_track_group_group_handler(). */
    private void trackGroup(Stmt block) {
        if (!p.needBlock(block)) {
            return;
        }
        if (block.argCount() != 1) {
            p.diags.error(block.origin, "track_group must have a name - skipping");
            return;
        }
        String name = block.arg(1);
        if (trackGroups.containsKey(name)) {
            p.diags.error(block.origin, "track_group " + name + " already defined");
            return;
        }
        trackGroups.put(name, block);
        boolean groupSeen = false;
        for (Stmt s : block.block()) {
            if (!s.keyword().equals("group")) {
                p.unknown(s, "track_group " + name, Set.of("group"), Set.of());
                continue;
            }
            if (groupSeen) {
                p.diags.error(s.origin, "Group list already specified for sync group " + name);
                continue;
            }
            groupSeen = true;
            if (p.needBlock(s) && s.blockWords().isEmpty()) {
                p.diags.error(s.origin, "Warning - track group " + name + " has empty group block");
            }
        }
    }

    /** Whether a track_group of that name was defined (above the line asking: keepalived looks it up then). */
    boolean hasTrackGroup(String name) {
        return trackGroups.containsKey(name);
    }

    /** The track_groups {@code instance} is written in (before the check against the instances). */
    List<String> trackGroupsOf(String instance) {
        List<String> out = new ArrayList<>();
        trackGroups.forEach((name, block) -> {
            for (Stmt s : block.block()) {
                if (s.keyword().equals("group")) {
                    if (s.blockWords().stream().anyMatch(w -> w.text().equals(instance))) {
                        out.add(name);
                    }
                    break;
                }
            }
        });
        return out;
    }

    /** linkbeat_interfaces_handler(), alloc_linkbeat_interface(). */
    private void linkbeat(Stmt block) {
        if (!p.needBlock(block)) {
            return;
        }
        for (Stmt s : block.block()) {
            if (s.hasBlock()) {
                p.noBlock(s);
                continue;
            }
            if (s.argCount() > 0 && (!Set.of("MII", "ETHTOOL", "IOCTL").contains(s.arg(1)) || s.argCount() > 1)) {
                p.diags.error(s.origin, "extra characters " + s.arg(1) + " in linkbeat interface");
            }
            if (!linkbeat.contains(s.keyword())) {
                linkbeat.add(s.keyword());
            }
        }
    }

    /** interface_up_down_delays_handler(), alloc_if_up_down_delay(). */
    private void linkDelays(Stmt block) {
        if (!p.needBlock(block)) {
            return;
        }
        for (Stmt s : block.block()) {
            if (s.hasBlock()) {
                p.noBlock(s);
                continue;
            }
            String ifname = s.keyword();
            if (s.argCount() < 1) {
                p.diags.warning(s.origin, "No timeouts specified for " + ifname + " up/down delays");
                continue;
            }
            if (s.argCount() > 2) {
                p.diags.warning(s.origin, "Too many parameters for " + ifname + " up/down delays");
            }
            Duration down = p.args.seconds(s, s.arg(1), Duration.ZERO, MAX_LINK_DELAY);
            Duration up = s.argCount() < 2 ? Duration.ZERO : p.args.seconds(s, s.arg(2), Duration.ZERO, MAX_LINK_DELAY);
            if (down != null && up != null) {
                linkDelays.put(ifname, new LinkDelay(ifname, down, up, s.origin));
            }
        }
    }

    /**
     * The settings, with each track_group's members checked against the instances
     * (static_track_group_set(): keepalived logs these at start; here they are warnings).
     */
    HostSettings build(Set<String> instanceNames) {
        List<TrackGroup> groups = new ArrayList<>();
        trackGroups.forEach((name, block) -> {
            List<String> members = new ArrayList<>();
            for (Stmt s : block.block()) {
                if (!s.keyword().equals("group")) {
                    continue;
                }
                for (Stmt.Word w : s.blockWords()) {
                    if (instanceNames.contains(w.text())) {
                        members.add(w.text());
                    } else {
                        p.diags.warning(w.origin(), "vrrp instance " + w.text() + " specified in track group " + name
                                + " doesn't exist - ignoring");
                    }
                }
                break;
            }
            if (members.isEmpty()) {
                p.diags.warning(block.origin, "Static track group " + name + " has no VRRP instance(s) - removing");
            } else {
                groups.add(new TrackGroup(name, members, block.origin));
            }
        });
        return new HostSettings(instanceName, netNamespace, usePidDir || instanceName != null || netNamespace != null,
                garpGroups, groups, new ArrayList<>(linkDelays.values()), linkbeat, linkbeatUsePolling);
    }
}
