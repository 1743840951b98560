package org.keepvip.vrrp.config;

import java.math.BigDecimal;
import java.time.Duration;

/** Durations as keepalived writes them: decimal seconds. */
public final class Durations {
    private Durations() {}

    /** {@code 1}, {@code 0.25}, {@code 0.000001}: seconds without trailing zeros. */
    public static String format(Duration d) {
        BigDecimal s = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
        s = s.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString();
    }
}
