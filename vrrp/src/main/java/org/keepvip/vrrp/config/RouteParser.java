package org.keepvip.vrrp.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * One {@code static_routes} / {@code virtual_routes} line, with keepalived's checks and words
 * (keepalived/vrrp/vrrp_iproute.c, alloc_route). A line keepalived drops is dropped with an
 * error; options keepvip does not install are warned about by name, and the route goes in without them.
 */
final class RouteParser {
    /** Route metrics and rarer attributes keepalived accepts with one value (after an optional {@code lock}). */
    private static final Set<String> UNSUPPORTED_WITH_VALUE = Set.of("mtu", "hoplimit", "advmss", "rtt", "rttvar",
            "reordering", "window", "cwnd", "ssthresh", "realms", "rto_min", "initcwnd", "initrwnd", "features",
            "quickack", "congctl", "pref", "ttl-propagate", "fastopen_no_cookie", "expires", "track_group");
    private static final Set<String> LOCKABLE = Set.of("mtu", "advmss", "rtt", "rttvar", "reordering", "cwnd",
            "ssthresh", "rto_min", "congctl");
    static final List<String> KEYWORDS = List.of("inet", "inet6", "src", "via", "gw", "from", "tos", "dsfield",
            "table", "protocol", "scope", "metric", "priority", "preference", "dev", "oif", "onlink", "add",
            "prepend", "append", "no_track", "nexthop", "or", "encap", "as", "to", "mtu", "hoplimit", "advmss",
            "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh", "realms", "rto_min", "initcwnd",
            "initrwnd", "features", "quickack", "congctl", "pref", "ttl-propagate", "fastopen_no_cookie",
            "expires", "vrf", "track_group", "blackhole", "unreachable", "prohibit", "throw", "unicast", "local");

    private final Diagnostics d;
    private final RtNames names;
    private final Origin o;
    private final List<String> w;
    private final String what;
    private AddressFamily family;

    private RouteParser(Stmt s, Diagnostics d, RtNames names, String what) {
        this.d = d;
        this.names = names;
        this.o = s.origin;
        this.w = s.words;
        this.what = what;
    }

    /** @param what {@code static_routes} or {@code (VI_1) virtual_routes}, to say where in messages */
    static IpRoute parse(Stmt s, Diagnostics d, RtNames names, String what) {
        return new RouteParser(s, d, names, what).parse();
    }

    private IpRoute parse() {
        int type = 1;
        boolean typeGiven = false;
        InetAddress dst = null;
        int dstPrefix = 0;
        boolean haveDst = false;
        String dstText = null;
        InetAddress via = null;
        InetAddress prefSrc = null;
        InetAddress src = null;
        int srcPrefix = 0;
        String dev = null;
        long table = IpRoute.MAIN_TABLE;
        long metric = -1;
        int scope = 0;
        Integer protocol = null;
        int tos = -1;
        boolean onlink = false;
        IpRoute.Mode mode = IpRoute.Mode.PREPEND;
        boolean noTrack = false;
        for (int i = 0; i < w.size(); i++) {
            String k = w.get(i);
            switch (k) {
                case "inet", "inet6" -> {
                    AddressFamily f = k.equals("inet") ? AddressFamily.IPV4 : AddressFamily.IPV6;
                    if (family != null && family != f) {
                        return fail(k + " specified for " + family + " route");
                    }
                    family = f;
                    if (i + 1 < w.size()) {
                        return fail(skipped(k, w.get(i + 1)));
                    }
                }
                case "src" -> {
                    String v = value(++i);
                    if (v == null) {
                        return null;
                    }
                    prefSrc = IpLiteral.parse(v);
                    if (prefSrc == null) {
                        return fail("invalid route src address " + v);
                    }
                    if (!sameFamily(prefSrc)) {
                        return null;
                    }
                }
                case "via", "gw" -> {
                    if (k.equals("gw")) {
                        d.corrected(o, what + ": \"gw\" for routes is deprecated. Please use \"via\"");
                    }
                    String v = value(++i);
                    if (v == null) {
                        return null;
                    }
                    if (v.equals("inet") || v.equals("inet6")) {
                        AddressFamily f = v.equals("inet") ? AddressFamily.IPV4 : AddressFamily.IPV6;
                        if (family != null && family != f) {
                            return fail("Cannot mix IPv4 and IPv6 addresses for route");
                        }
                        family = f;
                        v = value(++i);
                        if (v == null) {
                            return null;
                        }
                    }
                    via = IpLiteral.parse(v);
                    if (via == null) {
                        return fail("invalid route via address " + v);
                    }
                    if (!sameFamily(via)) {
                        return null;
                    }
                }
                case "from" -> {
                    String v = value(++i);
                    if (v == null) {
                        return null;
                    }
                    Prefix p = Prefix.parse(v);
                    if (p == null) {
                        return fail("invalid route from address " + v);
                    }
                    if (p.address() == null || AddressFamily.of(p.address()) != AddressFamily.IPV6) {
                        return fail("route from address only supported with IPv6 (" + v + ")");
                    }
                    if (!sameFamily(p.address())) {
                        return null;
                    }
                    src = p.address();
                    srcPrefix = p.length();
                }
                case "tos", "dsfield" -> {
                    String v = value(++i);
                    if (v == null) {
                        return null;
                    }
                    Long t = names.dsfield(v);
                    if (t == null) {
                        return fail("TOS value " + v + " is invalid");
                    }
                    tos = t.intValue();
                }
                case "table" -> {
                    String v = value(++i);
                    if (v == null) {
                        return null;
                    }
                    Long t = names.table(v);
                    if (t == null) {
                        return fail("Routing table " + v + " not found for route (a number 0-4294967295, or a name in "
                                + RtNames.TABLES_FILE + ")");
                    }
                    table = t;
                }
                case "vrf" -> {
                    // keepalived/vrrp/vrrp_iproute.c: parse_route(): the route goes in the VRF's table
                    String v = value(++i);
                    if (v == null) {
                        return null;
                    }
                    java.util.OptionalLong t = names.vrfTable(v);
                    if (t.isEmpty()) {
                        return fail("VRF " + v + " not found for route");
                    }
                    if (t.getAsLong() < 0) {
                        return fail("Route specified VRF " + v + " is not a VRF");
                    }
                    table = t.getAsLong();
                }
                case "protocol" -> {
                    String v = value(++i);
                    if (v == null) {
                        return null;
                    }
                    Long p = names.protocol(v);
                    if (p == null) {
                        return fail("Protocol " + v + " not found or invalid for route");
                    }
                    protocol = p.intValue();
                }
                case "scope" -> {
                    String v = value(++i);
                    if (v == null) {
                        return null;
                    }
                    Long sc = names.scope(v);
                    if (sc == null) {
                        return fail("Scope " + v + " not found or invalid for route (global, site, link, host,"
                                + " nowhere or 0-255)");
                    }
                    scope = sc.intValue();
                }
                case "metric", "priority", "preference" -> {
                    String v = value(++i);
                    if (v == null) {
                        return null;
                    }
                    Long m = RtNames.number(v);
                    if (m == null) {
                        return fail("Invalid metric " + v + " specified for route (0-4294967295)");
                    }
                    metric = m;
                }
                case "dev", "oif" -> {
                    dev = value(++i);
                    if (dev == null) {
                        return null;
                    }
                }
                case "onlink" -> onlink = true;
                case "add" -> mode = IpRoute.Mode.ADD;
                case "prepend" -> mode = IpRoute.Mode.PREPEND;
                case "append" -> mode = IpRoute.Mode.APPEND;
                case "no_track" -> noTrack = true;
                case "nexthop", "or" -> {
                    return fail("multipath routes ('" + k + "') are not supported by keepvip - route "
                            + String.join(" ", w) + " is not installed");
                }
                case "encap" -> {
                    return fail("'encap' (lightweight tunnel) routes are not supported by keepvip - route "
                            + String.join(" ", w) + " is not installed");
                }
                case "as" -> {
                    if (i + 1 < w.size() && w.get(i + 1).equals("to")) {
                        i++;
                    }
                    i++;
                    d.corrected(o, what + ": \"as to\" for MPLS only - ignoring");
                }
                default -> {
                    if (UNSUPPORTED_WITH_VALUE.contains(k)) {
                        if (LOCKABLE.contains(k) && i + 1 < w.size() && w.get(i + 1).equals("lock")) {
                            i++;
                        }
                        if (value(++i) == null) {
                            return null;
                        }
                        d.warning(o, what + ": '" + k + "' is not supported by keepvip - route "
                                + String.join(" ", w) + " is installed without it");
                        continue;
                    }
                    // keepalived's last branch: an optional "to", an optional type, then the destination.
                    String word = k;
                    if (word.equals("to")) {
                        word = value(++i);
                        if (word == null) {
                            return null;
                        }
                    }
                    Integer t = RtNames.type(word);
                    if (t != null) {
                        type = t;
                        typeGiven = true;
                        word = value(++i);
                        if (word == null) {
                            return null;
                        }
                    }
                    Prefix p = Prefix.parse(word);
                    if (p == null) {
                        String hint = Suggest.nearest(word, KEYWORDS);
                        return fail("unknown route keyword " + word + (hint != null ? " - did you mean '" + hint + "'?"
                                : " (and not a valid destination)"));
                    }
                    if (p.address() != null && !sameFamily(p.address())) {
                        return fail("Cannot mix IPv4 and IPv6 addresses for route (" + word + ")");
                    }
                    if (p.address() == null && p.family() != null) {
                        if (family != null && family != p.family()) {
                            return fail("Cannot mix IPv4 and IPv6 addresses for route (" + word + ")");
                        }
                        family = p.family();
                    }
                    if (p.hostBitsSet()) {
                        d.warning(o, what + ": " + word + " has bits set beyond its prefix: the kernel will refuse"
                                + " this route (keepalived accepts the line too)");
                    }
                    dst = p.address();
                    dstPrefix = p.length();
                    haveDst = true;
                    dstText = word;
                }
            }
        }
        if (!haveDst) {
            return fail("Route must have a destination");
        }
        if (!noTrack) {
            if (protocol != null && protocol != IpRoute.PROTOCOL_KEEPALIVED) {
                d.corrected(o, what + ": Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol");
            }
            protocol = IpRoute.PROTOCOL_KEEPALIVED;
            if (dev == null) {
                d.corrected(o, what + ": Warning - cannot track route " + dstText + " with no interface specified, not tracking");
                noTrack = true;
            }
        }
        AddressFamily f = family == null ? AddressFamily.IPV4 : family;
        if (dst != null && AddressFamily.of(dst) != f) {
            return fail("Cannot mix IPv4 and IPv6 addresses for route (" + dstText + ")");
        }
        return new IpRoute(f, type, typeGiven, dst, dstPrefix, via, prefSrc, src, srcPrefix, dev, table, metric,
                scope, protocol == null ? IpRoute.PROTOCOL_KEEPALIVED : protocol, tos, onlink, mode, noTrack, o);
    }

    /**
     * keepalived 2.2.7 steps past {@code inet}/{@code inet6} twice (alloc_route, alloc_rule), so the
     * word after it is lost: the destination, usually, and the line dropped.
     */
    static String skipped(String keyword, String next) {
        return "keepalived 2.2.7 skips the word after '" + keyword + "' ('" + next + "'): leave '" + keyword
                + "' out (an address gives its own family; 'default6' is the IPv6 default)";
    }

    private boolean sameFamily(InetAddress a) {
        AddressFamily f = AddressFamily.of(a);
        if (family != null && family != f) {
            fail("Cannot mix IPv4 and IPv6 addresses for route");
            return false;
        }
        family = f;
        return true;
    }

    /** The word at {@code i}, or null after keepalived's missing-parameter error. */
    private String value(int i) {
        if (i < w.size()) {
            return w.get(i);
        }
        d.error(o, what + ": '" + w.get(i - 1) + "' is missing its value in '" + String.join(" ", w)
                + "' - line skipped");
        return null;
    }

    private IpRoute fail(String msg) {
        d.error(o, what + ": " + msg + (msg.contains("not installed") ? "" : " - route skipped"));
        return null;
    }

    /**
     * A destination or source as keepalived's parse_route reads it: {@code default}, {@code any},
     * {@code all} (no address, prefix 0), the deprecated {@code default6}, or ADDR[/P] (host prefix if none).
     */
    record Prefix(InetAddress address, int length, AddressFamily family) {
        static Prefix parse(String s) {
            switch (s) {
                case "default", "any", "all" -> {
                    return new Prefix(null, 0, null);
                }
                case "default6" -> {
                    return new Prefix(null, 0, AddressFamily.IPV6);
                }
                default -> {
                    int slash = s.indexOf('/');
                    InetAddress a = IpLiteral.parse(slash < 0 ? s : s.substring(0, slash));
                    if (a == null) {
                        return null;
                    }
                    int max = AddressFamily.of(a) == AddressFamily.IPV6 ? 128 : 32;
                    int len = max;
                    if (slash >= 0) {
                        try {
                            len = Integer.parseInt(s.substring(slash + 1));
                        } catch (NumberFormatException e) {
                            return null;
                        }
                        if (len < 0 || len > max) {
                            return null;
                        }
                    }
                    return new Prefix(a, len, AddressFamily.of(a));
                }
            }
        }

        /** True if bits beyond the prefix are set: the kernel refuses such a route (EINVAL). */
        boolean hostBitsSet() {
            if (address == null) {
                return false;
            }
            byte[] b = address.getAddress();
            for (int bit = length; bit < b.length * 8; bit++) {
                if ((b[bit / 8] & (0x80 >> (bit % 8))) != 0) {
                    return true;
                }
            }
            return false;
        }
    }
}
