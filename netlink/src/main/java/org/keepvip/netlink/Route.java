package org.keepvip.netlink;

import java.net.InetAddress;
import java.util.Optional;

/**
 * The kernel's answer to "how do I reach {@code destination}" (RTM_GETROUTE).
 *
 * @param type      RTN_* (RTN_UNICAST for a normal route, RTN_LOCAL for one of our own addresses)
 * @param gateway   the next hop if the destination is not on-link
 * @param preferredSource the source address the kernel would pick (RTA_PREFSRC)
 */
public record Route(InetAddress destination, int outputIfindex, Optional<InetAddress> gateway,
                    Optional<InetAddress> preferredSource, int type) {
    /** The address whose link-layer address frames to {@code destination} must carry. */
    public InetAddress nextHop() {
        return gateway.orElse(destination);
    }
}
