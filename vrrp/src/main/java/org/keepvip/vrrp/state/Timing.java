package org.keepvip.vrrp.state;

/** keepalived's timer formulas (include/vrrp.h), in nanoseconds. */
public final class Timing {
    static final long NANOS_PER_CENTI = 10_000_000L;
    static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Timing() {
    }

    /**
     * Skew_Time. v2: {@code (256 - P) / 256} seconds; v3: {@code ((256 - P) * Master_Adver_Interval) / 256}.
     *
     * @param priority               the effective priority P (255 for an owner)
     * @param masterAdverIntervalNs  Master_Adver_Interval (v3 only; ignored for v2)
     */
    public static long skewNanos(int version, int priority, long masterAdverIntervalNs) {
        long base = version == 2 ? NANOS_PER_SECOND : masterAdverIntervalNs;
        return (256L - priority) * base / 256L;
    }

    /** Master_Down_Interval = down_timer_adverts × Master_Adver_Interval + Skew_Time. */
    public static long masterDownIntervalNanos(int version, int priority, long masterAdverIntervalNs,
                                               int downTimerAdverts) {
        return downTimerAdverts * masterAdverIntervalNs + skewNanos(version, priority, masterAdverIntervalNs);
    }

    /** Centiseconds to nanoseconds. */
    public static long centisToNanos(int centis) {
        return centis * NANOS_PER_CENTI;
    }
}
