package org.keepvip.agent.kernel;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.netlink.Rtnl;
import org.keepvip.vrrp.config.AddressFamily;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;

/**
 * Whether a route or rule the kernel deleted is one of ours, as keepalived decides it
 * (keepalived/core/keepalived_netlink.c: route_is_ours(), compare_rule()): only entries of
 * keepalived's protocol (18), compared on the fields keepalived compares. Pure.
 */
public final class RoutingWatch {
    private RoutingWatch() {}

    /** RTPROT_KEEPALIVED: netlink_route_filter() ignores every other route. */
    static final int PROTOCOL = IpRoute.PROTOCOL_KEEPALIVED;

    /**
     * A virtual route: table, family, prefix length, metric, tos and destination, and its
     * {@code dev} when it has one.
     */
    public static boolean virtualRoute(NetlinkEvent.RouteRemoved e, String oifName, IpRoute r) {
        if (e.protocol() != PROTOCOL || !sameKey(e, r) || e.metric() != Math.max(0, r.metric())) {
            return false;
        }
        return r.device() == null || r.device().equals(oifName);
    }

    /** A static route: table, family, prefix length, tos and destination. */
    public static boolean staticRoute(NetlinkEvent.RouteRemoved e, IpRoute r) {
        return e.protocol() == PROTOCOL && sameKey(e, r);
    }

    private static boolean sameKey(NetlinkEvent.RouteRemoved e, IpRoute r) {
        return e.table() == r.table() && e.family() == family(r.family()) && e.dstLength() == r.destinationPrefix()
                && e.tos() == Math.max(0, r.tos()) && sameAddress(e.dst(), r.destination(), r.family());
    }

    /**
     * compare_rule(): family, priority, action, table, inversion, source and destination with their
     * lengths, tos, fwmark and mask, and the interfaces. A rule deleted by a kernel that reports its
     * protocol counts only if that is keepalived's (netlink_rule_filter()).
     */
    public static boolean rule(NetlinkEvent.RuleRemoved e, IpRule r) {
        if (e.protocol() >= 0 && e.protocol() != PROTOCOL) {
            return false;
        }
        if (e.family() != family(r.family()) || e.priority() != r.priority() || e.action() != r.action()
                || e.table() != r.table() || e.invert() != r.invert() || e.tos() != Math.max(0, r.tos())) {
            return false;
        }
        if (e.from().isPresent() != (r.from() != null) || e.to().isPresent() != (r.to() != null)) {
            return false;
        }
        if (r.from() != null && (e.fromLength() != r.fromPrefix() || !sameAddress(e.from(), r.from(), r.family()))) {
            return false;
        }
        if (r.to() != null && (e.toLength() != r.toPrefix() || !sameAddress(e.to(), r.to(), r.family()))) {
            return false;
        }
        if (e.fwmark() != r.fwmark()) {
            return false;
        }
        // Without a mask of ours, the kernel reports none or 0xffffffff.
        long mask = r.fwmask() >= 0 ? r.fwmask() : (e.fwmask() < 0 ? -1 : 0xffffffffL);
        if (e.fwmask() != mask) {
            return false;
        }
        return Objects.equals(e.iif().orElse(null), r.iif()) && Objects.equals(e.oif().orElse(null), r.oif());
    }

    private static int family(AddressFamily f) {
        return f == AddressFamily.IPV6 ? Rtnl.AF_INET6 : Rtnl.AF_INET;
    }

    /** Absent (a default route) equals the configured null, or the all-zero address. */
    private static boolean sameAddress(Optional<InetAddress> reported, InetAddress configured, AddressFamily f) {
        byte[] ours = configured == null ? new byte[f == AddressFamily.IPV6 ? 16 : 4] : configured.getAddress();
        byte[] theirs = reported.map(InetAddress::getAddress).orElse(new byte[ours.length]);
        return Arrays.equals(ours, theirs);
    }

    /** How a route is written in keepalived's "Restoring deleted static route" line. */
    public static String describe(IpRoute r) {
        return (r.destination() == null ? "default" : r.destination().getHostAddress() + "/" + r.destinationPrefix())
                + (r.device() == null ? "" : " dev " + r.device()) + " table " + r.table();
    }

    public static String describe(IpRule r) {
        return "priority " + r.priority() + (r.from() == null ? "" : " from " + r.from().getHostAddress() + "/"
                + r.fromPrefix()) + (r.to() == null ? "" : " to " + r.to().getHostAddress() + "/" + r.toPrefix());
    }
}
