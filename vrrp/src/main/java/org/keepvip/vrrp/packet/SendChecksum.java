package org.keepvip.vrrp.packet;

import java.util.Objects;

/**
 * The checksum an instance's adverts carry, and keepalived's switch to the old unicast style the
 * first time a peer's accepted advert uses it (keepalived/vrrp/vrrp.c: vrrp_check_packet, with
 * {@code old_unicast_checksum} left at auto). One per instance: the receive side learns, the
 * sending side (the loop, or a lane's release advert) reads.
 */
public final class SendChecksum {
    /** keepalived's line when it switches. */
    public static final String SWITCHED = "Setting unicast VRRPv3 checksum to old version";

    private volatile ChecksumMode mode;

    public SendChecksum(ChecksumMode configured) {
        this.mode = Objects.requireNonNull(configured, "configured");
    }

    public ChecksumMode mode() {
        return mode;
    }

    /**
     * Learns from an advert {@link ReceiveChecker} accepted: a peer found using the old unicast
     * checksum is answered in kind from then on. True when this advert made the switch (log
     * {@link #SWITCHED} once).
     */
    public boolean learn(ReceiveResult.Accepted accepted) {
        if (accepted.oldUnicastChecksumDetected() && mode != ChecksumMode.OLD_UNICAST) {
            mode = ChecksumMode.OLD_UNICAST;
            return true;
        }
        return false;
    }
}
