package org.keepvip.netlink;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One virtual address as keepalived holds it (keepalived/vrrp/vrrp_ipaddress.c, alloc_ipaddress:
 * its {@code ip_address_t}): every attribute of a {@code virtual_ipaddress} or
 * {@code static_ipaddress} line that reaches the kernel, resolved for the interface it goes on, and
 * whether the daemon watches it. The agent maps each configured line to one of these once and keeps
 * it from there to RTM_NEWADDR / RTM_DELADDR.
 *
 * @param address           the VIP
 * @param prefixLength      0–32 or 0–128 (keepalived's default is 32 / 128)
 * @param ifname            the interface it goes on (the instance's, its {@code dev}, or a macvlan's)
 * @param ifindex           the interface's index, or 0 to look {@code ifname} up at the time of the call
 * @param broadcast         IPv4 only: the {@code brd} address, already resolved from {@code +}/{@code -}
 * @param label             IPv4 only: the {@code label}, shorter than 16 bytes
 * @param scope             RT_SCOPE_* ({@code scope} keyword), 0 = global; ignored for IPv6 as keepalived does
 * @param nodad             IPv6: set IFA_F_NODAD (true unless {@code -nodad} was given)
 * @param preferredLifetime {@code preferred_lft} in seconds, unsigned ({@link Rtnl#INFINITY_LIFE_TIME},
 *                          -1 as an int, is forever); empty = keepalived's default (IPv6: 0 for a
 *                          /128, forever otherwise; IPv4: not sent)
 * @param noTrack           {@code no_track}: deleting it from outside does not make the instance
 *                          leave MASTER (netlink ignores it)
 * @param peer              {@code peer IP[/P]}: the other end of a point-to-point address (IFA_ADDRESS);
 *                          its prefix, when given, is {@code prefixLength}, as ip(8) takes it
 * @param flags             IFA_F_HOMEADDRESS ({@code home}), IFA_F_MANAGETEMPADDR ({@code mngtmpaddr}),
 *                          IFA_F_NOPREFIXROUTE ({@code noprefixroute}), IFA_F_MCAUTOJOIN ({@code autojoin});
 *                          IFA_F_NODAD comes from {@code nodad}
 */
public record VipSpec(InetAddress address, int prefixLength, String ifname, int ifindex,
                      Optional<InetAddress> broadcast, Optional<String> label, int scope, boolean nodad,
                      OptionalInt preferredLifetime, boolean noTrack, Optional<InetAddress> peer, int flags) {
    /** The flags a configured address may carry besides IFA_F_NODAD. */
    public static final int CONFIGURABLE_FLAGS = Rtnl.IFA_F_HOMEADDRESS | Rtnl.IFA_F_MANAGETEMPADDR
            | Rtnl.IFA_F_NOPREFIXROUTE | Rtnl.IFA_F_MCAUTOJOIN;

    /** IFNAMSIZ - 1: the kernel's label and interface-name limit. */
    public static final int MAX_LABEL = 15;

    public VipSpec {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(ifname, "ifname");
        Objects.requireNonNull(broadcast, "broadcast");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(preferredLifetime, "preferredLifetime");
        int max = address instanceof Inet6Address ? 128 : 32;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " (expected: 0-" + max + ")");
        }
        if (ifindex < 0 || (ifindex == 0 && ifname.isEmpty())) {
            throw new IllegalArgumentException("needs an ifindex > 0 or an interface name");
        }
        if (broadcast.isPresent() && !(address instanceof Inet4Address && broadcast.get() instanceof Inet4Address)) {
            throw new IllegalArgumentException("broadcast " + Addresses.format(broadcast.get())
                    + " only applies to IPv4 addresses");
        }
        if (label.isPresent() && label.get().getBytes(StandardCharsets.UTF_8).length > MAX_LABEL) {
            throw new IllegalArgumentException("label '" + label.get() + "' is longer than " + MAX_LABEL);
        }
        if (scope < 0 || scope > 255) {
            throw new IllegalArgumentException("scope " + scope + " (expected: 0-255)");
        }
        Objects.requireNonNull(peer, "peer");
        if (peer.isPresent() && (peer.get() instanceof Inet6Address) != (address instanceof Inet6Address)) {
            throw new IllegalArgumentException("peer " + Addresses.format(peer.get()) + " is not of the address's family");
        }
        if ((flags & ~CONFIGURABLE_FLAGS) != 0) {
            throw new IllegalArgumentException("flags 0x" + Integer.toHexString(flags) + " (expected: home,"
                    + " mngtmpaddr, noprefixroute, autojoin)");
        }
    }

    /** A plain VIP on the named interface: global scope, no broadcast or label, keepalived defaults, tracked. */
    public static VipSpec of(InetAddress address, int prefixLength, String ifname) {
        return new VipSpec(address, prefixLength, ifname, 0, Optional.empty(), Optional.empty(),
                Rtnl.RT_SCOPE_UNIVERSE, true, OptionalInt.empty(), false, Optional.empty(), 0);
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    public VipSpec withIfname(String name) {
        return new VipSpec(address, prefixLength, name, 0, broadcast, label, scope, nodad, preferredLifetime, noTrack, peer,
                flags);
    }

    public VipSpec withIfindex(int index) {
        return new VipSpec(address, prefixLength, ifname, index, broadcast, label, scope, nodad, preferredLifetime,
                noTrack, peer, flags);
    }

    public VipSpec withBroadcast(InetAddress brd) {
        return new VipSpec(address, prefixLength, ifname, ifindex, Optional.of(brd), label, scope, nodad,
                preferredLifetime, noTrack, peer, flags);
    }

    public VipSpec withLabel(String l) {
        return new VipSpec(address, prefixLength, ifname, ifindex, broadcast, Optional.of(l), scope, nodad,
                preferredLifetime, noTrack, peer, flags);
    }

    public VipSpec withScope(int s) {
        return new VipSpec(address, prefixLength, ifname, ifindex, broadcast, label, s, nodad, preferredLifetime,
                noTrack, peer, flags);
    }

    public VipSpec withNodad(boolean n) {
        return new VipSpec(address, prefixLength, ifname, ifindex, broadcast, label, scope, n, preferredLifetime,
                noTrack, peer, flags);
    }

    public VipSpec withPreferredLifetime(int seconds) {
        return new VipSpec(address, prefixLength, ifname, ifindex, broadcast, label, scope, nodad,
                OptionalInt.of(seconds), noTrack, peer, flags);
    }

    public VipSpec withNoTrack(boolean n) {
        return new VipSpec(address, prefixLength, ifname, ifindex, broadcast, label, scope, nodad, preferredLifetime, n, peer,
                flags);
    }

    /** With {@code peer IP/P}: IFA_ADDRESS, and P (when {@code prefix} >= 0) the prefix length. */
    public VipSpec withPeer(InetAddress p, int prefix) {
        return new VipSpec(address, prefix >= 0 ? prefix : prefixLength, ifname, ifindex, broadcast, label, scope, nodad,
                preferredLifetime, noTrack, Optional.of(p), flags);
    }

    public VipSpec withFlags(int f) {
        return new VipSpec(address, prefixLength, ifname, ifindex, broadcast, label, scope, nodad, preferredLifetime,
                noTrack, peer, f);
    }

    /** "192.0.2.10/32 dev eth0", as keepalived and ip print it. */
    @Override
    public String toString() {
        return Addresses.format(address) + "/" + prefixLength + " dev " + (ifname.isEmpty() ? "#" + ifindex : ifname);
    }
}
