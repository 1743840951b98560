package org.keepvip.vrrp.packet;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;

/** A mismatch keepalived logs but does not drop the packet for (keepalived/vrrp/vrrp.c, vrrp_check_packet). */
public sealed interface ReceiveWarning {

    /** keepalived's log line for it (without the {@code (VI_1)} instance prefix). */
    String logMessage();

    /** The advert lists another number of addresses than this instance has VIPs. */
    record AddressCountMismatch(int expected, int received) implements ReceiveWarning {
        @Override
        public String logMessage() {
            return String.format(Locale.ROOT, "expected %d VIPs but received %d", expected, received);
        }
    }

    /** One of this instance's VIPs is not in the advert. */
    record VipMissing(int vrid, InetAddress vip, InetAddress sender) implements ReceiveWarning {
        public VipMissing {
            Objects.requireNonNull(vip, "vip");
            Objects.requireNonNull(sender, "sender");
        }

        @Override
        public String logMessage() {
            return "ip address associated with VRID " + vrid + " not present in advert from "
                    + sender.getHostAddress() + ": " + vip.getHostAddress();
        }
    }

    /** v3: the sender's interval differs from ours (a v3 backup adopts the master's interval). */
    record IntervalMismatch(int localCentis, int receivedCentis) implements ReceiveWarning {
        @Override
        public String logMessage() {
            return String.format(Locale.ROOT,
                    "advertisement interval mismatch ours = %d centi-sec rcv'd=%d centi-sec",
                    localCentis, receivedCentis);
        }
    }

    /** A unicast v3 peer checksums with 224.0.0.18 as destination (keepalived ≤1.3.6 style). */
    record OldUnicastChecksumDetected() implements ReceiveWarning {
        @Override
        public String logMessage() {
            return "Setting unicast VRRPv3 checksum to old version";
        }
    }
}
