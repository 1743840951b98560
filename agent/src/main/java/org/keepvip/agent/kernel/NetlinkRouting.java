package org.keepvip.agent.kernel;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.keepvip.agent.loop.Ports;
import org.keepvip.netlink.Errno;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.NetlinkException;
import org.keepvip.netlink.RouteSpec;
import org.keepvip.netlink.Rtnl;
import org.keepvip.netlink.RuleSpec;
import org.keepvip.vrrp.config.AddressFamily;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes and rules through rtnetlink (RTM_NEWROUTE / RTM_DELROUTE, RTM_NEWRULE / RTM_DELRULE),
 * never through the {@code ip} command. A failure is logged with the kernel's reason and counted by
 * the caller; the other routes and rules still go in or out.
 */
public final class NetlinkRouting implements Ports.Routing {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    private final NetlinkClient netlink;

    public NetlinkRouting(NetlinkClient netlink) {
        this.netlink = netlink;
    }

    @Override
    public int add(String owner, List<IpRoute> routes, List<IpRule> rules) {
        return each(owner, "add route", routes, NetlinkRouting::route, netlink::addRoute)
                + each(owner, "add rule", rules, NetlinkRouting::rule, netlink::addRule);
    }

    @Override
    public int remove(String owner, List<IpRoute> routes, List<IpRule> rules) {
        return each(owner, "remove rule", rules, NetlinkRouting::rule, netlink::deleteRule)
                + each(owner, "remove route", routes, NetlinkRouting::route, netlink::deleteRoute);
    }

    /**
     * Adds those of {@code routes} that are not in the kernel (an existing one, EEXIST, is left as it
     * is); returns how many went in. Failures are logged, as by {@link #add}.
     */
    public int addMissing(String owner, List<IpRoute> routes, List<IpRule> rules) {
        return missing(owner, "add route", routes, NetlinkRouting::route, netlink::addRoute)
                + missing(owner, "add rule", rules, NetlinkRouting::rule, netlink::addRule);
    }

    private static <T, S> int missing(String owner, String what, List<T> items,
            Function<T, S> spec, Request<S> request) {
        int added = 0;
        for (T item : items) {
            S s = spec.apply(item);
            try {
                request.send(s);
                added++;
            } catch (NetlinkException e) {
                if (e.errno() != Errno.EEXIST) {
                    LOG.error("{} cannot {} {}: {}", owner, what, s, e.getMessage());
                }
            }
        }
        return added;
    }

    /** A netlink request. */
    private interface Request<S> {
        void send(S spec) throws NetlinkException;
    }

    /** Sends {@code request} for each item; a refusal is logged and counted, the rest still go. */
    private static <T, S> int each(String owner, String what, List<T> items, Function<T, S> spec,
            Request<S> request) {
        int failed = 0;
        for (T item : items) {
            S s = spec.apply(item);
            try {
                request.send(s);
            } catch (NetlinkException e) {
                failed++;
                LOG.error("{} cannot {} {}: {}", owner, what, s, e.getMessage());
            }
        }
        return failed;
    }

    /** keepalived's netlink_route fields for a configured route. */
    static RouteSpec route(IpRoute r) {
        int createFlags = switch (r.mode()) {
            case ADD -> Rtnl.NLM_F_EXCL;
            case APPEND -> Rtnl.NLM_F_APPEND;
            case PREPEND -> 0;
        };
        return new RouteSpec(r.family() == AddressFamily.IPV6, r.type(), r.typeGiven(), opt(r.destination()),
                r.destinationPrefix(), opt(r.source()), r.sourcePrefix(), opt(r.via()), opt(r.preferredSource()),
                Optional.ofNullable(r.device()), r.table(), r.metric(), r.scope() == 0 ? -1 : r.scope(),
                r.protocol(), r.tos(), r.onlink(), createFlags);
    }

    /** keepalived's netlink_rule fields for a configured rule. */
    static RuleSpec rule(IpRule r) {
        return new RuleSpec(r.family() == AddressFamily.IPV6, opt(r.from()), r.fromPrefix(), opt(r.to()), r.toPrefix(),
                r.invert(), r.priority(), r.tos(), r.fwmark(), r.fwmask(), Optional.ofNullable(r.iif()),
                Optional.ofNullable(r.oif()), r.action(), r.table(), r.gotoTarget(), r.protocol(), r.ipProto(),
                r.sport() == null ? null : new int[] {r.sport().start(), r.sport().end()},
                r.dport() == null ? null : new int[] {r.dport().start(), r.dport().end()},
                r.uidRange() == null ? null : new long[] {r.uidRange().start(), r.uidRange().end()},
                r.suppressPrefix());
    }

    private static Optional<InetAddress> opt(InetAddress a) {
        return Optional.ofNullable(a);
    }
}
