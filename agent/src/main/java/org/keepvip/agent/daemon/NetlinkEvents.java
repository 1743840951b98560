package org.keepvip.agent.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.keepvip.agent.kernel.LinkDelays;
import org.keepvip.agent.kernel.Linkbeat;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.netlink.Link;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.netlink.Rtnl;
import org.keepvip.vrrp.config.AddressFamily;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The netlink monitor's events, translated on its thread: link changes through
 * {@code interface_up_down_delays} (unless the link is polled, {@code linkbeat_interfaces}) to the
 * loop, deleted addresses, routes and rules to the loop as {@link LoopEvent}s, deleted or
 * flushed static entries put back ({@link StaticEntries}), a deleted link handed to the daemon.
 */
final class NetlinkEvents implements Consumer<NetlinkEvent> {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    private final NetlinkClient netlink;
    private final EventLoop loop;
    private final LinkDelays linkDelays;
    /** linkbeat_interfaces / linkbeat_use_polling: interfaces whose link state comes from polling. */
    private final Linkbeat linkbeat;
    private final StaticEntries statics;
    /** A link deleted from outside (the daemon re-creates a macvlan of its own). */
    private final Consumer<NetlinkEvent.LinkRemoved> linkRemoved;
    /** A link that appeared or changed (the daemon makes the macvlans that waited for it). */
    private final Consumer<NetlinkEvent.LinkChanged> linkChanged;
    private final Map<Integer, String> ifnames = new ConcurrentHashMap<>();
    /** Interfaces last seen up and running, to see one come up again. */
    private final Set<String> upLinks = ConcurrentHashMap.newKeySet();

    NetlinkEvents(NetlinkClient netlink, EventLoop loop, LinkDelays linkDelays, Linkbeat linkbeat,
            StaticEntries statics, Consumer<NetlinkEvent.LinkRemoved> linkRemoved,
            Consumer<NetlinkEvent.LinkChanged> linkChanged) {
        this.netlink = netlink;
        this.loop = loop;
        this.linkDelays = linkDelays;
        this.linkbeat = linkbeat;
        this.statics = statics;
        this.linkRemoved = linkRemoved;
        this.linkChanged = linkChanged;
    }

    @Override
    public void accept(NetlinkEvent e) {
        if (e instanceof NetlinkEvent.LinkChanged l) {
            ifnames.put(l.ifindex(), l.name());
            boolean up = l.up() && l.running();
            if (!linkbeat.polls(l.name())) {
                linkDelays.changed(l.name(), up);
            }
            if (!up) {
                upLinks.remove(l.name());
            } else if (upLinks.add(l.name())) {
                statics.reinstateOn(l.name());
            }
            linkChanged.accept(l);
        } else if (e instanceof NetlinkEvent.AddressRemoved a) {
            String name = ifname(a.ifindex());
            if (name != null) {
                loop.post(new LoopEvent.AddressRemoved(name, a.address()));
                statics.reinstateAddress(name, a.address());
            }
        } else if (e instanceof NetlinkEvent.RouteRemoved r) {
            loop.post(new LoopEvent.RoutingRemoved(r, r.oif() == 0 ? null : ifname(r.oif())));
            statics.reinstateRoute(r);
        } else if (e instanceof NetlinkEvent.RuleRemoved r) {
            loop.post(new LoopEvent.RoutingRemoved(r, null));
            statics.reinstateRule(r);
        } else if (e instanceof NetlinkEvent.LinkRemoved r) {
            linkRemoved.accept(r);
        } else if (e instanceof NetlinkEvent.EventsLost) {
            LOG.warn("netlink monitor lost events");
        }
    }

    /** An interface's name: as its last link event gave it, else as the kernel says now; null if gone. */
    private String ifname(int ifindex) {
        String known = ifnames.get(ifindex);
        if (known != null) {
            return known;
        }
        try {
            Optional<String> name = netlink.link(ifindex).map(Link::name);
            name.ifPresent(n -> ifnames.put(ifindex, n));
            return name.orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The route and rule groups to watch, per family: where a virtual or static route (or rule) is
     * tracked (not {@code no_track}). keepalived watches a family's static ones only where one has a
     * track_group, or a virtual one is tracked (keepalived/vrrp/vrrp.c: process_static_entries(),
     * vrrp_complete_instance()); keepvip restores a deleted static one whenever it is tracked.
     * Settled at start.
     */
    static int[] routingGroups(KeepalivedConfig c) {
        List<IpRoute> routes = new ArrayList<>(c.statics().routes());
        List<IpRule> rules = new ArrayList<>(c.statics().rules());
        c.instances().forEach(i -> {
            routes.addAll(i.virtualRoutes());
            rules.addAll(i.virtualRules());
        });
        Set<Integer> groups = new TreeSet<>();
        for (var r : routes) {
            if (!r.noTrack()) {
                groups.add(r.family() == AddressFamily.IPV6 ? Rtnl.RTNLGRP_IPV6_ROUTE
                        : Rtnl.RTNLGRP_IPV4_ROUTE);
            }
        }
        for (var r : rules) {
            if (!r.noTrack()) {
                groups.add(r.family() == AddressFamily.IPV6 ? Rtnl.RTNLGRP_IPV6_RULE
                        : Rtnl.RTNLGRP_IPV4_RULE);
            }
        }
        return groups.stream().mapToInt(Integer::intValue).toArray();
    }
}
