package org.keepvip.vrrp.config;

import java.net.InetAddress;

/**
 * {@code use_ipvlan [NAME] [ADDRESS[/PREFIX]] [bridge|private|vepa]} (keepalived/vrrp/vrrp_parser.c:
 * vrrp_ipvlan_handler()): the instance's VIPs of its family go on an L2 ipvlan of its interface
 * instead of a macvlan. An ipvlan shares its base's MAC, so there is no virtual MAC; the address is
 * put on the ipvlan and is the adverts' source unless one is configured.
 *
 * @param name    the ipvlan's name as written, or null for {@code PREFIX.VRID} ({@code vmac_prefix})
 * @param address the interface address, or null (an IPv6 instance may do without)
 * @param prefix  its prefix length (32 or 128 when not written)
 * @param flags   {@link #BRIDGE}, {@link #PRIVATE} or {@link #VEPA} (IFLA_IPVLAN_FLAGS)
 * @param origin  the use_ipvlan line
 */
public record Ipvlan(String name, InetAddress address, int prefix, int flags, Origin origin) {
    public static final int BRIDGE = 0;
    public static final int PRIVATE = 1;
    public static final int VEPA = 2;

    /** The mode word keepalived and ip(8) print. */
    public String flagsWord() {
        return switch (flags) {
            case PRIVATE -> "private";
            case VEPA -> "vepa";
            default -> "bridge";
        };
    }

    public Ipvlan withName(String n) {
        return new Ipvlan(n, address, prefix, flags, origin);
    }

    public Ipvlan withoutAddress() {
        return new Ipvlan(name, null, 0, flags, origin);
    }
}
