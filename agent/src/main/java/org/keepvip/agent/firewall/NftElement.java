package org.keepvip.agent.firewall;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One address in keepalived's drop sets: {@code vips} of table {@code ip} or {@code ip6}, or for an
 * IPv6 link-local address {@code vips_link_local} (with the interface's index) or
 * {@code vips_link_local_name} (with its name) (keepalived/vrrp/vrrp_nftables.c:
 * nft_update_ipv6_address()).
 *
 * @param address the VIP
 * @param ifname  its interface
 * @param ifindex that interface's index (used by {@link NftSet#LINK_LOCAL})
 * @param set     the set it goes in
 */
public record NftElement(InetAddress address, String ifname, int ifindex, NftSet set) {
    public NftElement {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(ifname, "ifname");
        Objects.requireNonNull(set, "set");
    }

    /** The sets, with the family of table they live in. */
    public enum NftSet {
        VIPS4("ip", "vips"), VIPS6("ip6", "vips"), LINK_LOCAL("ip6", "vips_link_local"),
        LINK_LOCAL_NAME("ip6", "vips_link_local_name");

        final String family;
        final String name;

        NftSet(String family, String name) {
            this.family = family;
            this.name = name;
        }
    }

    /**
     * The set keepalived puts {@code address} in: a link-local address is matched by interface name
     * when the instance has {@code dont_track_primary} (its interface may come back with another
     * index), the address is on the instance's interface or is {@code no_track}, and
     * {@code nftables_ifindex} is not set; by index otherwise.
     */
    public static NftElement of(InetAddress address, String ifname, int ifindex, boolean noTrack,
                                String instanceIfname, boolean dontTrackPrimary, boolean useIfindex) {
        if (!(address instanceof Inet6Address)) {
            return new NftElement(address, ifname, ifindex, NftSet.VIPS4);
        }
        if (!address.isLinkLocalAddress()) {
            return new NftElement(address, ifname, ifindex, NftSet.VIPS6);
        }
        boolean byName = !useIfindex && dontTrackPrimary && (ifname.equals(instanceIfname) || noTrack);
        return new NftElement(address, ifname, ifindex, byName ? NftSet.LINK_LOCAL_NAME : NftSet.LINK_LOCAL);
    }

    /** The element as nft writes it. */
    String text() {
        String a = address.getHostAddress();
        int zone = a.indexOf('%');
        a = zone < 0 ? a : a.substring(0, zone);
        return switch (set) {
            case VIPS4, VIPS6 -> a;
            case LINK_LOCAL -> a + " . " + ifindex;
            case LINK_LOCAL_NAME -> a + " . \"" + ifname + "\"";
        };
    }
}
