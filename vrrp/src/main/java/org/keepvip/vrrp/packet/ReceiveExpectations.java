package org.keepvip.vrrp.packet;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What one VRRP instance expects of a received advert: the parts of its configuration that
 * keepalived's {@code vrrp_check_packet} consults (keepalived/vrrp/vrrp.c).
 *
 * @param version              2 or 3
 * @param vrid                 1..255
 * @param authType             v2 auth type: NONE or PASS (NONE for v3); AH is not supported
 * @param password             {@code auth_pass}, stored as the 8 wire bytes (NUL padded, truncated at 8)
 * @param advertIntervalCentis our {@code advert_int} in centiseconds
 * @param vips                 the configured virtual addresses, in order
 * @param peers                {@code unicast_peer} list; empty means a multicast instance
 * @param checkUnicastSource   {@code check_unicast_src} (instance or global)
 * @param v3ChecksumAsV2       {@code v3_checksum_as_v2}: received v3/IPv4 checksums are not verified
 * @param oldUnicastChecksum   {@code old_unicast_checksum} mode, FORCE once AUTO has detected an old peer
 * @param skipCheckAdvAddr     {@code skip_check_adv_addr}: no VIP list check for adverts from the known master
 * @param ownerIgnoreAdverts   {@code owner_ignore_adverts}
 * @param ownPriority          our configured priority (255 = address owner)
 */
public record ReceiveExpectations(
        int version,
        int vrid,
        AuthType authType,
        byte[] password,
        int advertIntervalCentis,
        List<InetAddress> vips,
        List<UnicastPeer> peers,
        boolean checkUnicastSource,
        boolean v3ChecksumAsV2,
        OldUnicastChecksum oldUnicastChecksum,
        boolean skipCheckAdvAddr,
        boolean ownerIgnoreAdverts,
        int ownPriority) {

    public ReceiveExpectations {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("version " + version + " (expected: 2 or 3)");
        }
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("vrid " + vrid + " (expected: 1..255)");
        }
        Objects.requireNonNull(authType, "authType");
        if (authType == AuthType.AH) {
            // keepalived's IPsec-AH needs the AH header (IP protocol 51) and its ICV check; accepting
            // auth type 2 without them would accept anyone, so it is refused up front.
            throw new IllegalArgumentException("auth_type AH is not supported (use PASS or none)");
        }
        if (version == 3 && authType != AuthType.NONE) {
            throw new IllegalArgumentException("VRRPv3 has no authentication (got " + authType + ")");
        }
        password = Arrays.copyOf(password == null ? new byte[0] : password, VrrpCodec.AUTH_LENGTH);
        if (advertIntervalCentis < 0) {
            throw new IllegalArgumentException("advert interval " + advertIntervalCentis + " cs (expected: >= 0)");
        }
        vips = List.copyOf(vips);
        peers = List.copyOf(peers);
        Objects.requireNonNull(oldUnicastChecksum, "oldUnicastChecksum");
        if (ownPriority < 0 || ownPriority > 255) {
            throw new IllegalArgumentException("priority " + ownPriority + " (expected: 0..255)");
        }
    }

    /** A multicast instance without authentication and with keepalived's defaults elsewhere. */
    public static ReceiveExpectations of(int version, int vrid, int advertIntervalCentis, List<InetAddress> vips,
                                         int ownPriority) {
        return new ReceiveExpectations(version, vrid, AuthType.NONE, null, advertIntervalCentis, vips, List.of(),
                false, false, OldUnicastChecksum.AUTO, false, false, ownPriority);
    }

    @Override
    public byte[] password() {
        return password.clone();
    }

    /** True when there are no unicast peers. */
    public boolean multicast() {
        return peers.isEmpty();
    }

    public ReceiveExpectations withAuth(AuthType type, byte[] pass) {
        return new ReceiveExpectations(version, vrid, type, pass, advertIntervalCentis, vips, peers,
                checkUnicastSource, v3ChecksumAsV2, oldUnicastChecksum, skipCheckAdvAddr, ownerIgnoreAdverts, ownPriority);
    }

    public ReceiveExpectations withPeers(List<UnicastPeer> unicastPeers, boolean checkSource) {
        return new ReceiveExpectations(version, vrid, authType, password, advertIntervalCentis, vips, unicastPeers,
                checkSource, v3ChecksumAsV2, oldUnicastChecksum, skipCheckAdvAddr, ownerIgnoreAdverts, ownPriority);
    }

    public ReceiveExpectations withChecksum(boolean asV2, OldUnicastChecksum oldUnicast) {
        return new ReceiveExpectations(version, vrid, authType, password, advertIntervalCentis, vips, peers,
                checkUnicastSource, asV2, oldUnicast, skipCheckAdvAddr, ownerIgnoreAdverts, ownPriority);
    }

    public ReceiveExpectations withSkipCheckAdvAddr(boolean skip) {
        return new ReceiveExpectations(version, vrid, authType, password, advertIntervalCentis, vips, peers,
                checkUnicastSource, v3ChecksumAsV2, oldUnicastChecksum, skip, ownerIgnoreAdverts, ownPriority);
    }

    public ReceiveExpectations withOwnerIgnoreAdverts(boolean ignore) {
        return new ReceiveExpectations(version, vrid, authType, password, advertIntervalCentis, vips, peers,
                checkUnicastSource, v3ChecksumAsV2, oldUnicastChecksum, skipCheckAdvAddr, ignore, ownPriority);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceiveExpectations e
                && version == e.version && vrid == e.vrid && authType == e.authType
                && Arrays.equals(password, e.password) && advertIntervalCentis == e.advertIntervalCentis
                && vips.equals(e.vips) && peers.equals(e.peers) && checkUnicastSource == e.checkUnicastSource
                && v3ChecksumAsV2 == e.v3ChecksumAsV2 && oldUnicastChecksum == e.oldUnicastChecksum
                && skipCheckAdvAddr == e.skipCheckAdvAddr && ownerIgnoreAdverts == e.ownerIgnoreAdverts
                && ownPriority == e.ownPriority;
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, vrid, authType, Arrays.hashCode(password), advertIntervalCentis, vips, peers,
                checkUnicastSource, v3ChecksumAsV2, oldUnicastChecksum, skipCheckAdvAddr, ownerIgnoreAdverts,
                ownPriority);
    }

    @Override
    public String toString() {
        return "ReceiveExpectations[v" + version + " vrid=" + vrid + " auth=" + authType + " int="
                + advertIntervalCentis + "cs vips=" + vips + " peers=" + peers + "]"; // never the password
    }
}
