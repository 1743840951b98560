package org.keepvip.vrrp.config;

/**
 * Advert-handling switches that keepalived sets globally and per instance.
 *
 * @param downTimerAdverts      multiplier in master_down_interval, 1..100 (default 3; strict: 3)
 * @param lowerPrioNoAdvert     a master that hears a lower priority does not answer at once (strict: on)
 * @param higherPrioSendAdvert  a master that hears a higher priority sends one advert first (strict: off)
 * @param ownerIgnoreAdverts    a priority-255 owner drops received adverts (strict: on)
 * @param skipCheckAdvAddr      do not re-check the VIP list of adverts from the same master
 * @param v3ChecksumAsV2        VRRPv3 over IPv4 without the pseudo-header in the checksum
 * @param checkUnicastSrc       in unicast mode accept only adverts from configured peers
 * @param oldUnicastChecksum    {@code old_unicast_checksum}: unicast VRRPv3/IPv4 checksums as keepalived
 *                              before 1.3.6 computed them (AUTO: standard, switching when a peer uses them)
 */
public record AdvertBehaviour(int downTimerAdverts, boolean lowerPrioNoAdvert, boolean higherPrioSendAdvert,
                              boolean ownerIgnoreAdverts, boolean skipCheckAdvAddr, boolean v3ChecksumAsV2,
                              boolean checkUnicastSrc,
                              org.keepvip.vrrp.packet.OldUnicastChecksum oldUnicastChecksum) {
    public static final AdvertBehaviour DEFAULT = new AdvertBehaviour(3, false, false, false, false, false, false);

    public AdvertBehaviour {
        oldUnicastChecksum = oldUnicastChecksum == null ? org.keepvip.vrrp.packet.OldUnicastChecksum.AUTO
                : oldUnicastChecksum;
    }

    /** With the default (AUTO) old unicast checksum handling. */
    public AdvertBehaviour(int downTimerAdverts, boolean lowerPrioNoAdvert, boolean higherPrioSendAdvert,
                           boolean ownerIgnoreAdverts, boolean skipCheckAdvAddr, boolean v3ChecksumAsV2,
                           boolean checkUnicastSrc) {
        this(downTimerAdverts, lowerPrioNoAdvert, higherPrioSendAdvert, ownerIgnoreAdverts, skipCheckAdvAddr,
                v3ChecksumAsV2, checkUnicastSrc, null);
    }
}
