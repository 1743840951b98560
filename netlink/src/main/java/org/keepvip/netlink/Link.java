package org.keepvip.netlink;

import java.util.Optional;

/**
 * An interface as RTM_NEWLINK describes it.
 *
 * @param flags IFF_* bits
 * @param mac   the hardware address, empty for interfaces without one (tun, some tunnels)
 */
public record Link(int ifindex, String name, int flags, Optional<MacAddress> mac, int mtu) {
    public boolean isUp() {
        return (flags & Rtnl.IFF_UP) != 0;
    }

    /** Administratively up and the carrier is present (IFF_RUNNING). */
    public boolean isRunning() {
        return (flags & Rtnl.IFF_RUNNING) != 0;
    }

    public boolean isLoopback() {
        return (flags & Rtnl.IFF_LOOPBACK) != 0;
    }
}
