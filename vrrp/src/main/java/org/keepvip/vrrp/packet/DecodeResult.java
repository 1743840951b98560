package org.keepvip.vrrp.packet;

import java.util.Objects;

/** The outcome of {@link VrrpCodec#decode}: a well-formed advert, or a {@link Rejected} with its reason. */
public sealed interface DecodeResult permits DecodeResult.Decoded, Rejected {

    /**
     * A well-formed advertisement whose checksum matched.
     *
     * @param advert   the decoded advert
     * @param checksum the checksum variant that matched (always {@link ChecksumMode#STANDARD} for
     *                 v2 and for IPv6)
     */
    record Decoded(VrrpAdvert advert, ChecksumMode checksum) implements DecodeResult {
        public Decoded {
            Objects.requireNonNull(advert, "advert");
            Objects.requireNonNull(checksum, "checksum");
        }
    }
}
