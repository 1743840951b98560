package org.keepvip.vrrp.packet;

/** keepalived's {@code old_unicast_checksum} setting for unicast VRRPv3 over IPv4 (keepalived/vrrp/vrrp.c, vrrp_check_packet). */
public enum OldUnicastChecksum {
    /** Default: standard checksums, but a peer found to use the old style is accepted and detected. */
    AUTO,
    /** {@code old_unicast_checksum never}: standard checksums only, no detection. */
    NEVER,
    /** {@code old_unicast_checksum}: old-style checksums (224.0.0.18 pseudo-header destination) only. */
    FORCE
}
