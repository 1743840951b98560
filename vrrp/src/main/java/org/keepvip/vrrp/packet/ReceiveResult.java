package org.keepvip.vrrp.packet;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The outcome of {@link ReceiveChecker#check}: accepted (maybe with warnings to log) or {@link Rejected}. */
public sealed interface ReceiveResult permits ReceiveResult.Accepted, Rejected {

    /**
     * A packet the instance must process.
     *
     * @param advert   the advert
     * @param checksum the checksum variant that matched; empty when it was not verified
     *                 ({@code v3_checksum_as_v2} set and no variant matched, as keepalived skips the check)
     * @param warnings mismatches keepalived only logs
     */
    record Accepted(VrrpAdvert advert, Optional<ChecksumMode> checksum, List<ReceiveWarning> warnings)
            implements ReceiveResult {
        public Accepted {
            Objects.requireNonNull(advert, "advert");
            Objects.requireNonNull(checksum, "checksum");
            warnings = List.copyOf(warnings);
        }

        /**
         * True when this packet revealed a peer using keepalived's old unicast checksum: from now on
         * the instance should send, and expect, {@link ChecksumMode#OLD_UNICAST}
         * ({@link OldUnicastChecksum#FORCE}), as keepalived does.
         */
        public boolean oldUnicastChecksumDetected() {
            return warnings.stream().anyMatch(w -> w instanceof ReceiveWarning.OldUnicastChecksumDetected);
        }
    }
}
