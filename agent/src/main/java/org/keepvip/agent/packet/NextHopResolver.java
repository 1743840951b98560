package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the Ethernet address to send a unicast advert to: the peer's own MAC when it is on-link,
 * the gateway's when it is behind a router. The netlink implementation asks the route and then the
 * neighbour table and triggers resolution when the entry is missing.
 */
@FunctionalInterface
public interface NextHopResolver {

    /**
     * @return the next hop's MAC, or empty while it is not known (the caller counts a skipped
     *     send and tries again at the next advert)
     */
    Optional<MacAddress> resolve(InterfaceInfo iface, InetAddress peer);

    /** Resolves nothing: for ports that only multicast. */
    static NextHopResolver none() {
        return (iface, peer) -> Optional.empty();
    }

    /** A fixed table, for tests that know their peers' MACs. */
    static NextHopResolver fixed(Map<InetAddress, MacAddress> table) {
        Map<InetAddress, MacAddress> copy = Map.copyOf(table);
        return (iface, peer) -> Optional.ofNullable(copy.get(peer));
    }
}
