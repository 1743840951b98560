package org.keepvip.vrrp.packet;

/**
 * How the VRRP checksum is computed (keepalived/vrrp/vrrp.c, vrrp_build_vrrp and vrrp_check_packet).
 *
 * <ul>
 *   <li>v2 always sums the VRRP message alone; the mode only matters for v3.</li>
 *   <li>IPv6 (any version) always uses the IPv6 pseudo-header with the real addresses: keepalived
 *       leaves it to the kernel ({@code IPV6_CHECKSUM}), which does exactly that.</li>
 * </ul>
 */
public enum ChecksumMode {
    /** RFC 5798: IPv4 pseudo-header with the real destination (224.0.0.18 or the unicast peer). */
    STANDARD,
    /** keepalived {@code v3_checksum_as_v2}: no pseudo-header (as Cisco and Juniper do). */
    V3_AS_V2,
    /** keepalived ≤1.3.6 unicast: IPv4 pseudo-header with 224.0.0.18 as destination, whatever the real one. */
    OLD_UNICAST
}
