package org.keepvip.netlink;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A neighbour-table (ARP/NDP) entry.
 *
 * @param state NUD_* bits
 * @param mac   NDA_LLADDR, absent while resolution is incomplete or failed
 */
public record Neighbour(int ifindex, InetAddress address, Optional<MacAddress> mac, int state) {
    /** The entry has a link-layer address that may be used to send (reachable, stale, probing, permanent). */
    public boolean isUsable() {
        return (state & Rtnl.NUD_VALID) != 0 && mac.isPresent();
    }
}
