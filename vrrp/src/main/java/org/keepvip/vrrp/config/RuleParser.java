package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * One {@code static_rules} / {@code virtual_rules} line, with keepalived's checks and words
 * (keepalived/vrrp/vrrp_iprule.c, alloc_rule). A line keepalived drops is dropped with an error.
 */
final class RuleParser {
    /** keepalived's RULE_START_PRIORITY: rules without a preference count down from here, per family. */
    static final long START_PRIORITY = 16384;
    private static final Set<String> UNSUPPORTED_WITH_VALUE = Set.of("realms", "suppress_ifgroup", "sup_group",
            "tunnel-id", "track_group");
    static final List<String> KEYWORDS = List.of("inet", "inet6", "from", "to", "table", "lookup", "not",
            "preference", "order", "priority", "tos", "dsfield", "fwmark", "realms", "suppress_prefixlength",
            "sup_pl", "suppress_ifgroup", "sup_group", "dev", "iif", "oif", "tunnel-id", "uidrange", "l3mdev",
            "protocol", "ipproto", "sport", "dport", "no_track", "type", "goto", "nop", "blackhole",
            "unreachable", "prohibit");

    /** The preferences given to rules written without one: keepalived counts per family over the whole file. */
    static final class AutoPriority {
        private long v4 = START_PRIORITY;
        private long v6 = START_PRIORITY;

        long next(AddressFamily f) {
            return f == AddressFamily.IPV6 ? v6-- : v4--;
        }
    }

    private RuleParser() {}

    /** @param what {@code static_rules} or {@code (VI_1) virtual_rules}, to say where in messages */
    static IpRule parse(Stmt s, Diagnostics d, RtNames names, AutoPriority auto, String what) {
        List<String> w = s.words;
        Origin o = s.origin;
        AddressFamily family = null;
        InetAddress from = null;
        int fromPrefix = 0;
        InetAddress to = null;
        int toPrefix = 0;
        boolean invert = false;
        long priority = -1;
        int tos = 0;
        long fwmark = -1;
        long fwmask = -1;
        String iif = null;
        String oif = null;
        int action = 0;
        long table = 0;
        long gotoTarget = 0;
        int protocol = -1;
        int ipProto = -1;
        IpRule.PortRange sport = null;
        IpRule.PortRange dport = null;
        IpRule.UidRange uid = null;
        long suppressPrefix = -1;
        boolean tableOption = false;
        boolean noTrack = false;
        String line = String.join(" ", w);
        for (int i = 0; i < w.size(); i++) {
            String k = w.get(i);
            String v = null;
            if (needsValue(k)) {
                if (i + 1 >= w.size()) {
                    return fail(d, o, what, "'" + k + "' is missing its value in '" + line + "'");
                }
                v = w.get(++i);
            }
            switch (k) {
                case "inet", "inet6" -> {
                    AddressFamily f = k.equals("inet") ? AddressFamily.IPV4 : AddressFamily.IPV6;
                    if (family != null && family != f) {
                        return fail(d, o, what, k + " specified for " + family + " rule");
                    }
                    family = f;
                    if (i + 1 < w.size()) {
                        return fail(d, o, what, RouteParser.skipped(k, w.get(i + 1)));
                    }
                }
                case "from", "to" -> {
                    RouteParser.Prefix p = RouteParser.Prefix.parse(v);
                    if (p == null) {
                        return fail(d, o, what, "Invalid rule " + k + " address " + v);
                    }
                    AddressFamily f = p.address() != null ? AddressFamily.of(p.address()) : p.family();
                    if (f != null) {
                        if (family != null && family != f) {
                            return fail(d, o, what, "rule specification has mixed IPv4 and IPv6");
                        }
                        family = f;
                    }
                    if (p.hostBitsSet()) {
                        d.warning(o, what + ": " + v + " has bits set beyond its prefix: the kernel will refuse"
                                + " this rule (keepalived accepts the line too)");
                    }
                    if (k.equals("from")) {
                        from = p.address();
                        fromPrefix = p.length();
                    } else {
                        to = p.address();
                        toPrefix = p.length();
                    }
                }
                case "table", "lookup" -> {
                    Long t = names.table(v);
                    if (t == null) {
                        return fail(d, o, what, "Routing table " + v + " not found for rule (a number 1-4294967295,"
                                + " or a name in " + RtNames.TABLES_FILE + ")");
                    }
                    if (t == 0) {
                        return fail(d, o, what, "Table 0 is not valid");
                    }
                    if (action != 0) {
                        return fail(d, o, what, "Cannot specify more than one of table/nop/goto/blackhole/prohibit/"
                                + "unreachable for rule");
                    }
                    table = t;
                    action = IpRule.FR_ACT_TO_TBL;
                }
                case "not" -> invert = true;
                case "preference", "order", "priority" -> {
                    Long p = RtNames.number(v);
                    if (p == null) {
                        return fail(d, o, what, "Invalid rule preference " + v + " specified (0-4294967295)");
                    }
                    priority = p;
                }
                case "tos", "dsfield" -> {
                    Long t = names.dsfield(v);
                    if (t == null) {
                        return fail(d, o, what, "TOS value " + v + " is invalid");
                    }
                    tos = t.intValue();
                }
                case "fwmark" -> {
                    int slash = v.indexOf('/');
                    Long m = RtNames.number(slash < 0 ? v : v.substring(0, slash));
                    Long mask = slash < 0 ? null : RtNames.number(v.substring(slash + 1));
                    if (m == null || (slash >= 0 && mask == null)) {
                        return fail(d, o, what, "Invalid rule fwmark " + v + " specified (MARK[/MASK], 0-4294967295)");
                    }
                    fwmark = m;
                    fwmask = mask == null ? -1 : mask;
                }
                case "suppress_prefixlength", "sup_pl" -> {
                    Long p = RtNames.number(v);
                    if (p == null || p > Integer.MAX_VALUE) {
                        return fail(d, o, what, "Invalid suppress_prefixlength " + v + " specified");
                    }
                    suppressPrefix = p;
                    tableOption = true;
                }
                case "dev", "iif" -> iif = v;
                case "oif" -> oif = v;
                case "uidrange" -> {
                    String[] r = v.split("-", 2);
                    Long a = r.length == 2 ? RtNames.number(r[0]) : null;
                    Long b = r.length == 2 ? RtNames.number(r[1]) : null;
                    if (a == null || b == null) {
                        return fail(d, o, what, "Invalid uidrange " + v + " specified (START-END)");
                    }
                    uid = new IpRule.UidRange(a, b);
                }
                case "l3mdev" -> d.warning(o, what + ": 'l3mdev' (VRF) is not supported by keepvip - rule " + line
                        + " is installed without it");
                case "protocol" -> {
                    Long p = RtNames.number(v);
                    if (p == null || p > 255) {
                        d.corrected(o, what + ": Invalid protocol " + v);
                    } else {
                        protocol = p.intValue();
                    }
                }
                case "ipproto" -> {
                    Integer p = ipProto(v);
                    if (p == null) {
                        d.corrected(o, what + ": Invalid ipproto " + v + " (tcp, udp, icmp, ... or a number)");
                    } else {
                        ipProto = p;
                    }
                }
                case "sport", "dport" -> {
                    IpRule.PortRange r = portRange(v);
                    if (r == null) {
                        d.corrected(o, what + ": invalid " + k + " range " + v);
                    } else if (k.equals("sport")) {
                        sport = r;
                    } else {
                        dport = r;
                    }
                }
                case "no_track" -> noTrack = true;
                default -> {
                    if (UNSUPPORTED_WITH_VALUE.contains(k)) {
                        if (i + 1 >= w.size()) {
                            return fail(d, o, what, "'" + k + "' is missing its value in '" + line + "'");
                        }
                        i++;
                        if (k.equals("realms")) {
                            tableOption = true;
                        }
                        d.warning(o, what + ": '" + k + "' is not supported by keepvip - rule " + line
                                + " is installed without it");
                        continue;
                    }
                    String word = k;
                    if (word.equals("type")) {
                        if (i + 1 >= w.size()) {
                            return fail(d, o, what, "'type' is missing its value in '" + line + "'");
                        }
                        word = w.get(++i);
                    }
                    int a;
                    switch (word) {
                        case "goto" -> {
                            Long t = i + 1 < w.size() ? RtNames.number(w.get(i + 1)) : null;
                            i++;
                            if (t == null) {
                                return fail(d, o, what, "Invalid target " + (i < w.size() ? w.get(i) : "(none)")
                                        + " specified for goto");
                            }
                            gotoTarget = t;
                            a = IpRule.FR_ACT_GOTO;
                        }
                        case "nop" -> a = IpRule.FR_ACT_NOP;
                        case "blackhole" -> a = IpRule.FR_ACT_BLACKHOLE;
                        case "unreachable" -> a = IpRule.FR_ACT_UNREACHABLE;
                        case "prohibit" -> a = IpRule.FR_ACT_PROHIBIT;
                        default -> {
                            if (RtNames.type(word) != null) {
                                return fail(d, o, what, "Invalid rule action " + word);
                            }
                            String hint = Suggest.nearest(word, KEYWORDS);
                            return fail(d, o, what, "Unknown rule option " + word
                                    + (hint != null ? " - did you mean '" + hint + "'?" : ""));
                        }
                    }
                    if (action != 0) {
                        return fail(d, o, what, "Cannot specify more than one of table/nop/goto/blackhole/prohibit/"
                                + "unreachable/l3mdev for rule");
                    }
                    action = a;
                }
            }
        }
        if (action == IpRule.FR_ACT_GOTO) {
            if (priority < 0) {
                return fail(d, o, what, "Invalid rule - goto target " + gotoTarget + " specified without preference");
            }
            if (priority >= gotoTarget) {
                return fail(d, o, what, "Invalid rule - preference " + priority + " >= goto target " + gotoTarget);
            }
        }
        if (action == 0) {
            d.error(o, what + ": No action specified for rule - ignoring (table N, goto N, nop, blackhole, "
                    + "unreachable or prohibit)");
            return null;
        }
        if (action != IpRule.FR_ACT_TO_TBL && tableOption) {
            return fail(d, o, what, "suppressor/realm specified for non table action");
        }
        if (!noTrack) {
            if (protocol >= 0 && protocol != IpRoute.PROTOCOL_KEEPALIVED) {
                d.corrected(o, what + ": Rule cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting"
                        + " protocol");
            }
            protocol = IpRoute.PROTOCOL_KEEPALIVED;
        }
        AddressFamily f = family == null ? AddressFamily.IPV4 : family;
        if (priority < 0) {
            priority = auto.next(f);
            d.corrected(o, what + ": Rule has no preference specified - setting to " + priority
                    + ". This is probably not what you want.");
        }
        return new IpRule(f, from, fromPrefix, to, toPrefix, invert, priority, tos, fwmark, fwmask, iif, oif, action,
                table, gotoTarget, protocol, ipProto, sport, dport, uid, suppressPrefix, noTrack, o);
    }

    private static boolean needsValue(String k) {
        return switch (k) {
            case "from", "to", "table", "lookup", "preference", "order", "priority", "tos", "dsfield", "fwmark",
                    "suppress_prefixlength", "sup_pl", "dev", "iif", "oif", "uidrange", "protocol", "ipproto",
                    "sport", "dport" -> true;
            default -> false;
        };
    }

    /** keepalived's inet_proto_a2n: a number up to 127, or a name from the protocols database (common ones here). */
    private static Integer ipProto(String v) {
        Long n = v.chars().allMatch(Character::isDigit) && !v.isEmpty() ? Long.parseLong(v) : null;
        if (n != null) {
            return n <= 127 ? n.intValue() : null;
        }
        return switch (v) {
            case "icmp" -> 1;
            case "igmp" -> 2;
            case "tcp" -> 6;
            case "udp" -> 17;
            case "gre" -> 47;
            case "esp" -> 50;
            case "ah" -> 51;
            case "ipv6-icmp" -> 58;
            case "vrrp" -> 112;
            case "sctp" -> 132;
            default -> null;
        };
    }

    private static IpRule.PortRange portRange(String v) {
        String[] r = v.split("-", 2);
        try {
            int a = Integer.parseInt(r[0]);
            int b = r.length == 2 ? Integer.parseInt(r[1]) : a;
            return a >= 0 && a <= 65535 && b >= 0 && b <= 65535 ? new IpRule.PortRange(a, b) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static IpRule fail(Diagnostics d, Origin o, String what, String msg) {
        d.error(o, what + ": " + msg + " - rule skipped");
        return null;
    }
}
