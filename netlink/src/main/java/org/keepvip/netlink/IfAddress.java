package org.keepvip.netlink;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * An address on an interface, as RTM_NEWADDR describes it.
 *
 * @param address IFA_LOCAL when present (IPv4, and IPv6 with a peer), otherwise IFA_ADDRESS
 * @param scope   RT_SCOPE_* value
 * @param flags   IFA_F_* bits (from IFA_FLAGS when present, which holds the bits above 8)
 * @param label   IFA_LABEL (IPv4 only)
 */
public record IfAddress(int ifindex, InetAddress address, int prefixLength, int scope, int flags,
                        Optional<String> label) {
    public int family() {
        return address instanceof Inet6Address ? Rtnl.AF_INET6 : Rtnl.AF_INET;
    }

    @Override
    public String toString() {
        return Addresses.format(address) + "/" + prefixLength + " ifindex " + ifindex
                + label.map(l -> " label " + l).orElse("");
    }
}
