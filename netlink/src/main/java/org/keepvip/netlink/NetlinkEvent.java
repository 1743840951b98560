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
            default -> java.util.Optional.empty();
        };
    }
}
