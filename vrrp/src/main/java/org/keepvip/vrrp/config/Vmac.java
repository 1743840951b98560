package org.keepvip.vrrp.config;

/**
 * {@code use_vmac [NAME] [MAC]} with {@code vmac_xmit_base} and {@code use_vmac_addr}
 * (keepalived/vrrp/vrrp_parser.c: vrrp_vmac_handler()), after keepalived's checks
 * (keepalived/vrrp/vrrp.c: vrrp_complete_instance()): a private-mode macvlan on the instance's
 * interface that carries the instance's VIPs of its family, with the virtual MAC.
 *
 * @param onInstance {@code use_vmac} on the instance (false: only {@code use_vmac_addr} or a VIP's
 *                 {@code use_vmac} asked for macvlans, for VIPs on other interfaces)
 * @param name     the macvlan's name as written, or null for {@code PREFIX.VRID}
 *                 ({@code vmac_prefix}, default {@code vrrp}), chosen when the link is created
 * @param mac      the MAC as written (six octets, lower-case, colon-separated), or null for
 *                 RFC 5798's 00:00:5e:00:01:VRID (IPv4) / 00:00:5e:00:02:VRID (IPv6)
 * @param xmitBase {@code vmac_xmit_base}: adverts leave from the base interface, not the macvlan
 * @param forOtherAddresses {@code use_vmac_addr}: VIPs on other interfaces, or of the other
 *                 family, get a macvlan of their own on their interface
 * @param origin   the use_vmac line (the instance's first line without one)
 * @param ipvlan   {@code use_ipvlan}: the instance's link is an L2 ipvlan ({@code name} is its name,
 *                 {@code mac} unused), or null for a macvlan
 */
public record Vmac(boolean onInstance, String name, String mac, boolean xmitBase, boolean forOtherAddresses,
                   Origin origin, Ipvlan ipvlan) {
    public Vmac(boolean onInstance, String name, String mac, boolean xmitBase, boolean forOtherAddresses, Origin origin) {
        this(onInstance, name, mac, xmitBase, forOtherAddresses, origin, null);
    }

    /** The instance's own link is an ipvlan (use_ipvlan), not a macvlan. */
    public boolean isIpvlan() {
        return ipvlan != null;
    }

    /** The default {@code vmac_prefix}. */
    public static final String DEFAULT_PREFIX = "vrrp";
    /** IFNAMSIZ - 1: the longest interface name the kernel takes. */
    public static final int MAX_NAME = 15;

    /**
     * The MAC of a macvlan for {@code vrid} and {@code family}: the configured one, or RFC 5798's
     * (keepalived/vrrp/vrrp_vmac.c: netlink_link_add_vmac()).
     */
    public static byte[] macFor(String configured, int vrid, AddressFamily family) {
        byte[] out = new byte[6];
        if (configured != null) {
            String[] octets = configured.split(":");
            for (int i = 0; i < 6; i++) {
                out[i] = (byte) Integer.parseInt(octets[i], 16);
            }
            return out;
        }
        out[2] = 0x5e;
        out[4] = (byte) (family == AddressFamily.IPV6 ? 0x02 : 0x01);
        out[5] = (byte) vrid;
        return out;
    }

    /**
     * A macvlan name from {@code prefix}, {@code number} (0 = none) and {@code vrid}, the prefix
     * shortened to fit IFNAMSIZ (keepalived/vrrp/vrrp.c: create_vmac_name()).
     */
    public static String name(String prefix, int number, int vrid) {
        String tail = (number == 0 ? "" : Integer.toString(number)) + "." + vrid;
        int room = MAX_NAME - tail.length();
        return (prefix.length() > room ? prefix.substring(0, Math.max(0, room)) : prefix) + tail;
    }

    /**
     * The numbers keepalived tries after the plain name is taken: 1, 2, ... for IPv4; 6, 1, 2, 3,
     * 4, 5, 7, ... for IPv6 (keepalived/vrrp/vrrp.c: create_vmac_name()).
     */
    public static int nextNumber(int number, AddressFamily family) {
        if (family == AddressFamily.IPV6) {
            if (number == 0) {
                return 6;
            }
            if (number == 6) {
                return 1;
            }
            return number + 1 == 6 ? 7 : number + 1;
        }
        return number + 1;
    }

    /** keepalived's dev_name_valid() (copied there from the kernel's net/core/dev.c). */
    public static boolean validName(String name) {
        if (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME
                || name.equals(".") || name.equals("..")) {
            return false;
        }
        return name.chars().noneMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c));
    }
}
