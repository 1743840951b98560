package org.keepvip.agent.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of durations with fixed buckets, recorded with plain atomics by whichever thread
 * measured (a hook lane, a check thread) and read by a scrape at any time. No Prometheus class: it
 * is recorded whether or not metrics are on, and costs an add or two per observation.
 */
public final class LatencyHistogram {
    /**
     * Upper bounds in seconds: from 0.1 ms (a Redis PING on the host) to 10 s (a promotion that
     * waited for its timeout); a takeover after a priority-0 advert includes the skew (up to an
     * advert interval).
     */
    static final double[] BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        0.5, 1, 2.5, 5, 10};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
        }
    }

    /** One count per bucket (not cumulative), the last one above the largest bound. */
    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS.length + 1);
    private final AtomicLong sumNanos = new AtomicLong();

    /** Records one duration; a negative one (clocks of different origin) is not recorded. */
    public void observeNanos(long nanos) {
        if (nanos < 0) {
            return;
        }
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        counts.incrementAndGet(i);
        sumNanos.addAndGet(nanos);
    }

    /**
     * What a scrape reads: the buckets' upper bounds in seconds (the last one +Inf) and their counts
     * (not cumulative). Taken without a lock, so a concurrent observation may show in a bucket but not
     * yet in the sum: off by one observation at most, never inconsistent in the bucket counts.
     */
    public record Snapshot(double[] upperBounds, long[] counts, double sumSeconds) {
        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }

    public Snapshot snapshot() {
        double[] bounds = new double[BOUNDS.length + 1];
        System.arraycopy(BOUNDS, 0, bounds, 0, BOUNDS.length);
        bounds[BOUNDS.length] = Double.POSITIVE_INFINITY;
        long[] c = new long[counts.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(i);
        }
        return new Snapshot(bounds, c, sumNanos.get() / 1e9);
    }
}
