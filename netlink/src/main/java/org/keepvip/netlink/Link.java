package org.keepvip.netlink;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An interface as RTM_NEWLINK describes it.
 *
 * @param flags IFF_* bits
 * @param mac   the hardware address, empty for interfaces without an Ethernet one (tun, tunnels)
 * @param kind  IFLA_INFO_KIND ("macvlan", "veth", ...), empty for a physical interface
 * @param parentIndex IFLA_LINK: the lower interface of a macvlan or VLAN, 0 without one
 * @param macvlanMode IFLA_MACVLAN_MODE of a macvlan, 0 otherwise
 * @param masterIndex IFLA_MASTER: the VRF (or bridge, bond) it is enslaved to, 0 without one
 * @param ipvlanMode IFLA_IPVLAN_MODE of an ipvlan (L2 is 0), -1 otherwise
 * @param ipvlanFlags IFLA_IPVLAN_FLAGS of an ipvlan (0 bridge, private, vepa), 0 otherwise
 * @param vrfTable IFLA_VRF_TABLE of a vrf, 0 otherwise
 * @param ipv4Conf the interface's IPV4_DEVCONF_* values (element {@code param - 1}), empty when the
 *                 kernel sent none (no IPv4 on it)
 */
public record Link(int ifindex, String name, int flags, Optional<MacAddress> mac, int mtu, String kind,
                   int parentIndex, int macvlanMode, List<Integer> ipv4Conf, int masterIndex, int ipvlanMode,
                   int ipvlanFlags, long vrfTable) {
    public Link {
        ipv4Conf = List.copyOf(ipv4Conf);
    }

    /** One IPV4_DEVCONF_* value ({@link Rtnl#IPV4_DEVCONF_ARP_IGNORE}, ...), if the kernel reported it. */
    public OptionalInt ipv4Conf(int param) {
        return param >= 1 && param <= ipv4Conf.size() ? OptionalInt.of(ipv4Conf.get(param - 1)) : OptionalInt.empty();
    }

    /** A macvlan in private mode: what keepalived makes a VMAC. */
    public boolean isPrivateMacvlan() {
        return kind.equals("macvlan") && macvlanMode == Rtnl.MACVLAN_MODE_PRIVATE;
    }

    /** An ipvlan in L2 mode with {@code flags}: what keepalived makes for use_ipvlan. */
    public boolean isL2Ipvlan(int flags) {
        return kind.equals("ipvlan") && ipvlanMode == Rtnl.IPVLAN_MODE_L2 && ipvlanFlags == flags;
    }

    /** A VRF master device. */
    public boolean isVrf() {
        return kind.equals("vrf");
    }

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
