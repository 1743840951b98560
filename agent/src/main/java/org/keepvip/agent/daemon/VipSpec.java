package org.keepvip.agent.daemon;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One virtual address as the daemon installs it.
 *
 * @param address  the VIP
 * @param prefix   prefix length (32 / 128 by default)
 * @param ifname   the interface it goes on
 * @param label    IFA_LABEL for IPv4, or null
 * @param noTrack  deleting it from outside does not make the instance leave MASTER
 */
public record VipSpec(InetAddress address, int prefix, String ifname, String label, boolean noTrack) {
    public VipSpec {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(ifname, "ifname");
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix + " dev " + ifname;
    }
}
