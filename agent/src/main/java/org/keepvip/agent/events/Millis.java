package org.keepvip.agent.events;

import java.util.Locale;

/** Durations as the decision log prints them: milliseconds with three decimals at most. */
final class Millis {
    private Millis() {}

    static double of(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    static String text(double ms) {
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.3f s", ms / 1000);
        }
        return String.format(Locale.ROOT, "%.3f ms", ms).replaceAll("\\.?0+ ms$", " ms");
    }
}
