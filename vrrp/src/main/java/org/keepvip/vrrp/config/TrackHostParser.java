package org.keepvip.vrrp.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;

/** {@code vrrp_track_host NAME { ... }} (keepvip's own block), each problem a finding with its line. */
final class TrackHostParser {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final int DEFAULT_RISE = 1;
    /** One lost probe is common (a router rate-limits ICMP, a queue drops one); three in a row are not. */
    static final int DEFAULT_FALL = 3;

    private TrackHostParser() {}

    static void parse(ConfigParser p, Stmt block) {
        String name = p.blockName(block);
        if (name == null) {
            return;
        }
        String ctx = "vrrp_track_host " + name;
        Diagnostics d = p.diags;
        Args a = p.args;
        InetAddress address = null;
        Origin addressOrigin = block.origin;
        String iface = null;
        TrackHost.Method method = null;
        Origin methodOrigin = block.origin;
        TrackerTiming timing = new TrackerTiming(DEFAULT_INTERVAL, null, DEFAULT_RISE, DEFAULT_FALL, block.origin);
        int weight = 0;
        boolean reverse = false;
        boolean bad = false;
        for (Stmt s : block.block()) {
            String kw = s.keyword();
            if (!Keywords.TRACK_HOST.contains(kw)) {
                p.unknown(s, ctx, Keywords.TRACK_HOST, Set.of());
                continue;
            }
            if (!p.noBlock(s) || timing.read(a, s)) {
                continue;
            }
            switch (kw) {
                case "address" -> {
                    if (!a.require(s, 1)) {
                        bad = true;
                        break;
                    }
                    InetAddress v = a.address(s, s.arg(1));
                    if (v == null) {
                        bad = true;
                    } else if (v.isAnyLocalAddress() || v.isLoopbackAddress() || v.isMulticastAddress()) {
                        d.error(s.origin, ctx + ": address " + IpLiteral.format(v) + " cannot be probed ("
                                + (v.isMulticastAddress() ? "a multicast" : v.isLoopbackAddress() ? "a loopback"
                                : "the unspecified") + " address) - give the gateway's or witness's own address");
                        bad = true;
                    } else {
                        address = v;
                        addressOrigin = s.origin;
                    }
                }
                case "interface" -> {
                    String v = a.string(s);
                    if (v != null && (v.length() > 15 || v.contains("/") || v.isBlank())) {
                        d.error(s.origin, ctx + ": '" + v + "' is not an interface name (at most 15 characters, no '/')");
                        bad = true;
                    } else if (v != null) {
                        iface = v;
                    }
                }
                case "method" -> {
                    String v = a.string(s);
                    if (v == null) {
                        break;
                    }
                    method = switch (v) {
                        case "arp" -> TrackHost.Method.ARP;
                        case "nd" -> TrackHost.Method.ND;
                        case "icmp", "ping" -> TrackHost.Method.ICMP;
                        default -> null;
                    };
                    methodOrigin = s.origin;
                    if (method == null) {
                        d.error(s.origin, ctx + ": unknown method '" + v + "' (expected arp, nd or icmp)");
                        bad = true;
                    }
                }
                case "weight" -> {
                    int[] w = p.weight(s, 254);
                    if (w != null) {
                        weight = w[0];
                        reverse = w[1] == 1;
                    }
                }
                default -> throw new IllegalStateException(kw);
            }
        }
        if (address == null) {
            if (!bad) {
                d.error(block.origin, ctx + " has no address - removing (add: address GATEWAY_IP)");
            }
            p.rejectedTrackHosts.add(name);
            return;
        }
        boolean v6 = address instanceof Inet6Address;
        if (method == null) {
            method = TrackHost.Method.ICMP;
        } else if (method == TrackHost.Method.ARP && v6) {
            d.error(methodOrigin, ctx + ": method arp probes IPv4 addresses only - use nd (or icmp) for "
                    + IpLiteral.format(address) + " - removing");
            bad = true;
        } else if (method == TrackHost.Method.ND && !v6) {
            d.error(methodOrigin, ctx + ": method nd probes IPv6 addresses only - use arp (or icmp) for "
                    + IpLiteral.format(address) + " - removing");
            bad = true;
        }
        if (method != TrackHost.Method.ICMP && iface == null && !bad) {
            d.error(methodOrigin, ctx + ": method " + method.word() + " needs an interface (the link the neighbour"
                    + " is on) - removing");
            bad = true;
        }
        if (v6 && IpLiteral.isLinkLocal6(address) && iface == null && !bad) {
            d.error(addressOrigin, ctx + ": the link-local address " + IpLiteral.format(address)
                    + " needs an interface - removing");
            bad = true;
        }
        Duration interval = timing.interval;
        Duration timeout = timing.timeout;
        if (timeout == null) {
            timeout = interval;
        } else if (timeout.compareTo(interval) > 0) {
            d.error(timing.timeoutOrigin, ctx + ": timeout " + Durations.format(timeout) + " s is longer than interval "
                    + Durations.format(interval) + " s (one probe at a time) - using " + Durations.format(interval));
            timeout = interval;
        }
        if (bad) {
            p.rejectedTrackHosts.add(name);
            return;
        }
        if (p.trackHosts.containsKey(name)) {
            d.error(block.origin, "vrrp_track_host " + name + " already defined - replacing the earlier one");
        }
        p.rejectedTrackHosts.remove(name);
        p.trackHosts.put(name, new TrackHost(name, address, iface, method, interval, timeout, timing.rise, timing.fall, weight,
                reverse, block.origin));
    }
}
