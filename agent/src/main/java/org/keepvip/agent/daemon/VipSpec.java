package org.keepvip.agent.daemon;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One virtual address as the daemon installs it: the {@code virtual_ipaddress} line's kernel
 * attributes, and what the daemon does with the address.
 *
 * @param address       the VIP
 * @param prefix        prefix length (32 / 128 by default)
 * @param ifname        the interface it goes on
 * @param label         IFA_LABEL for IPv4, or null
 * @param noTrack       deleting it from outside does not make the instance leave MASTER
 * @param broadcast     IPv4 {@code brd}, already resolved from {@code +}/{@code -}, or null
 * @param scope         IPv4 {@code scope} as RT_SCOPE_* (0 = global); the kernel derives IPv6's
 * @param nodad         IPv6: IFA_F_NODAD (keepalived's default; {@code -nodad} turns it off)
 * @param preferredLft  {@code preferred_lft} in seconds, -1 for forever (keepalived's defaults:
 *                      0 for an IPv6 /128, forever otherwise)
 */
public record VipSpec(InetAddress address, int prefix, String ifname, String label, boolean noTrack,
                      InetAddress broadcast, int scope, boolean nodad, long preferredLft) {
    public VipSpec {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(ifname, "ifname");
    }

    /** A VIP with keepalived's defaults for everything but its place and label. */
    public VipSpec(InetAddress address, int prefix, String ifname, String label, boolean noTrack) {
        this(address, prefix, ifname, label, noTrack, null, 0, address instanceof Inet6Address,
                defaultPreferredLft(address, prefix));
    }

    /** keepalived's preferred_lft when none is given: 0 for an IPv6 /128, forever otherwise. */
    public static long defaultPreferredLft(InetAddress address, int prefix) {
        return address instanceof Inet6Address && prefix == 128 ? 0 : -1;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix + " dev " + ifname;
    }
}
