package org.keepvip.agent.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.keepvip.agent.kernel.KernelVips;
import org.keepvip.netlink.VipSpec;
import org.keepvip.agent.kernel.NetlinkRouting;
import org.keepvip.agent.kernel.NetlinkVips;
import org.keepvip.agent.kernel.RoutingWatch;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;
import org.keepvip.vrrp.config.StaticRouting;
import org.keepvip.vrrp.config.VirtualIp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code static_ipaddress}, {@code static_routes} and {@code static_rules} in the kernel: set
 * at start, diffed at a reload, cleared at exit, and put back when deleted from outside (as
 * keepalived's netlink filters do). Changes and restores run under the daemon's lock, the one a
 * reload holds, so a restore never interleaves with a reload's change.
 */
final class StaticEntries {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    private final NetlinkVips vips;
    private final NetlinkRouting routing;
    private final Object lock;
    /** The entries in the kernel now; a reload diffs against them. */
    private volatile StaticRouting statics = StaticRouting.NONE;
    /** The entries to keep in place; set before a change removes any. */
    private volatile StaticRouting watchedStatics = StaticRouting.NONE;
    /** Entries that could not be set or removed (status counter). */
    private final AtomicLong failures = new AtomicLong();

    StaticEntries(NetlinkVips vips, NetlinkRouting routing, Object lock) {
        this.vips = vips;
        this.routing = routing;
        this.lock = lock;
    }

    /** Static addresses, routes and rules that could not be set or removed. */
    long failures() {
        return failures.get();
    }

    /** See {@link #changeLocked}. */
    void change(StaticRouting after) {
        synchronized (lock) {
            changeLocked(statics, after);
        }
    }

    void reinstateAddress(String ifname, InetAddress address) {
        synchronized (lock) {
            reinstateAddressLocked(ifname, address);
        }
    }

    void reinstateRoute(NetlinkEvent.RouteRemoved deleted) {
        synchronized (lock) {
            reinstateRouteLocked(deleted);
        }
    }

    void reinstateRule(NetlinkEvent.RuleRemoved deleted) {
        synchronized (lock) {
            reinstateRuleLocked(deleted);
        }
    }

    void reinstateOn(String ifname) {
        synchronized (lock) {
            reinstateOnLocked(ifname);
        }
    }

    /**
     * Takes the static addresses, routes and rules from those in place to {@code after}: removes
     * what went (rules, routes, then addresses) and sets what is new (addresses, routes, then rules),
     * as keepalived's clear_diff_static_* and start_vrrp do. Entries in both stay untouched.
     * Failures are logged and counted, never thrown.
     */
    private void changeLocked(StaticRouting before, StaticRouting after) {
        watchedStatics = after; // what this removes is no longer to be restored
        var oldRoutes = before.routes().stream().map(IpRoute::withoutOrigin).toList();
        var oldRules = before.rules().stream().map(IpRule::withoutOrigin).toList();
        var newRoutes = after.routes().stream().map(IpRoute::withoutOrigin).toList();
        var newRules = after.rules().stream().map(IpRule::withoutOrigin).toList();
        List<VipSpec> oldAddrs = before.addresses().stream().map(KernelVips::ofStatic).toList();
        List<VipSpec> newAddrs = after.addresses().stream().map(KernelVips::ofStatic).toList();
        long failed = routing.remove("static", oldRoutes.stream().filter(r -> !newRoutes.contains(r)).toList(),
                oldRules.stream().filter(r -> !newRules.contains(r)).toList());
        List<VipSpec> goneAddrs = oldAddrs.stream().filter(a -> !newAddrs.contains(a)).toList();
        if (!goneAddrs.isEmpty()) {
            try {
                vips.remove(goneAddrs);
            } catch (IOException e) {
                failed++; // logged by the port
            }
        }
        List<VipSpec> addAddrs = newAddrs.stream().filter(a -> !oldAddrs.contains(a)).toList();
        if (!addAddrs.isEmpty()) {
            LOG.info("Setting static addresses {}", addAddrs);
            try {
                vips.add(addAddrs);
            } catch (IOException e) {
                failed++; // each address logged by the port
            }
        }
        failed += routing.add("static", newRoutes.stream().filter(r -> !oldRoutes.contains(r)).toList(),
                newRules.stream().filter(r -> !oldRules.contains(r)).toList());
        statics = after;
        if (failed > 0) {
            failures.addAndGet(failed);
            LOG.error("{} static address(es), route(s) or rule(s) could not be changed (see above)", failed);
        }
    }

    /** netlink_if_address_filter(): a deleted static address is added again, unless no_track. */
    private void reinstateAddressLocked(String ifname, InetAddress address) {
        for (VirtualIp v : watchedStatics.addresses()) {
            if (!v.noTrack() && v.address().equals(address) && ifname.equals(v.device())) {
                VipSpec spec = KernelVips.ofStatic(v);
                LOG.info("Restoring deleted static address {}", spec);
                try {
                    vips.add(List.of(spec));
                } catch (IOException e) {
                    failures.incrementAndGet(); // logged by the port
                }
            }
        }
    }

    /** netlink_route_filter(): a deleted static route (ours, tracked) is added again. */
    private void reinstateRouteLocked(NetlinkEvent.RouteRemoved deleted) {
        for (IpRoute r : watchedStatics.routes()) {
            if (!r.noTrack() && RoutingWatch.staticRoute(deleted, r)) {
                // Not when a reload replaced it (same key, another metric): it is there already.
                if (routing.addMissing("static", List.of(r), List.of()) > 0) {
                    LOG.info("Restoring deleted static route {}", RoutingWatch.describe(r));
                }
                return;
            }
        }
    }

    /** netlink_rule_filter(): a deleted static rule (ours, tracked) is added again. */
    private void reinstateRuleLocked(NetlinkEvent.RuleRemoved deleted) {
        for (IpRule r : watchedStatics.rules()) {
            if (!r.noTrack() && RoutingWatch.rule(deleted, r)) {
                if (routing.addMissing("static", List.of(), List.of(r)) > 0) {
                    LOG.info("Restoring deleted static rule {}", RoutingWatch.describe(r));
                }
                return;
            }
        }
    }

    /**
     * keepalived/vrrp/vrrp_if.c: interface_up(), static_track_group_reinstate_config(): the static
     * addresses and routes of an interface that came up again go in again (the kernel flushed the
     * routes when it went down); those still there are left as they are.
     */
    private void reinstateOnLocked(String ifname) {
        for (VirtualIp v : watchedStatics.addresses()) {
            if (!v.noTrack() && ifname.equals(v.device())) {
                try {
                    vips.add(List.of(KernelVips.ofStatic(v))); // present already is fine
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
            }
        }
        List<IpRoute> routes = watchedStatics.routes().stream()
                .filter(r -> !r.noTrack() && ifname.equals(r.device())).toList();
        if (!routes.isEmpty()) {
            int missing = routing.addMissing("static", routes, List.of());
            if (missing > 0) {
                LOG.info("{} static route(s) on {} restored after it came up", missing, ifname);
            }
        }
    }
}
