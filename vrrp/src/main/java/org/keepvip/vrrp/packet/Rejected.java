package org.keepvip.vrrp.packet;

import java.util.Objects;

/**
 * A dropped packet: the reason, a detail giving actual versus expected
 * ({@code "length 18 (expected: 20)"}), and keepalived's log line for it (without the
 * {@code (VI_1)} instance prefix, which the caller adds).
 */
public record Rejected(RejectReason reason, String detail, String logMessage)
        implements DecodeResult, ReceiveResult {

    public Rejected {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(logMessage, "logMessage");
    }

    @Override
    public String toString() {
        return "Rejected[" + reason + ": " + detail + "]";
    }
}
