package org.keepvip.netlink;

import java.net.InetAddress;

/** A change the kernel reported on the monitor socket. */
public sealed interface NetlinkEvent {

    /** RTM_NEWLINK: an interface appeared or its flags changed. {@code running} is IFF_RUNNING (carrier). */
    record LinkChanged(int ifindex, String name, boolean up, boolean running) implements NetlinkEvent {}

    /** RTM_DELLINK: an interface went away. */
    record LinkRemoved(int ifindex, String name) implements NetlinkEvent {}

    /** RTM_NEWADDR. */
    record AddressAdded(int ifindex, InetAddress address, int prefixLength) implements NetlinkEvent {}

    /** RTM_DELADDR: an address was removed, by us or from outside (e.g. {@code ip addr del}). */
    record AddressRemoved(int ifindex, InetAddress address, int prefixLength) implements NetlinkEvent {}

    /**
     * RTM_DELROUTE, with the fields keepalived compares (keepalived/core/keepalived_netlink.c:
     * route_is_ours()).
     *
     * @param table    RTA_TABLE, else rtm_table
     * @param dst      RTA_DST, empty for a default route
     * @param oif      RTA_OIF, 0 if absent
     * @param metric   RTA_PRIORITY, 0 if absent
     */
    record RouteRemoved(int family, int dstLength, int tos, long table, int protocol,
                        java.util.Optional<InetAddress> dst, int oif, long metric) implements NetlinkEvent {}

    /**
     * RTM_DELRULE, with the fields keepalived compares (keepalived_netlink.c: compare_rule()).
     *
     * @param priority FRA_PRIORITY, -1 if absent
     * @param table    FRA_TABLE, else the header's table
     * @param protocol FRA_PROTOCOL, -1 if absent (kernels before 4.17)
     * @param fwmark   FRA_FWMARK, -1 if absent
     * @param fwmask   FRA_FWMASK, -1 if absent
     */
    record RuleRemoved(int family, long priority, int action, long table, int protocol, int tos, boolean invert,
                       java.util.Optional<InetAddress> from, int fromLength, java.util.Optional<InetAddress> to,
                       int toLength, java.util.Optional<String> iif, java.util.Optional<String> oif, long fwmark,
                       long fwmask) implements NetlinkEvent {}

    /**
     * The kernel dropped notifications (ENOBUFS: we read too slowly). The consumer should re-read
     * links and addresses through {@link NetlinkClient}, as keepalived does.
     */
    record EventsLost() implements NetlinkEvent {}

    /** Turns one monitor message into an event; empty for other types or undecodable bodies. */
    static java.util.Optional<NetlinkEvent> of(NetlinkMessage m) {
        return switch (m.header().type()) {
            case Rtnl.RTM_NEWLINK -> RtnlCodec.link(m.body())
                    .map(l -> new LinkChanged(l.ifindex(), l.name(), l.isUp(), l.isRunning()));
            case Rtnl.RTM_DELLINK -> RtnlCodec.link(m.body()).map(l -> new LinkRemoved(l.ifindex(), l.name()));
            case Rtnl.RTM_NEWADDR -> RtnlCodec.address(m.body())
                    .map(a -> new AddressAdded(a.ifindex(), a.address(), a.prefixLength()));
            case Rtnl.RTM_DELADDR -> RtnlCodec.address(m.body())
                    .map(a -> new AddressRemoved(a.ifindex(), a.address(), a.prefixLength()));
            case Rtnl.RTM_DELROUTE -> RtnlCodec.removedRoute(m.body());
            case Rtnl.RTM_DELRULE -> RtnlCodec.removedRule(m.body());
            default -> java.util.Optional.empty();
        };
    }
}
