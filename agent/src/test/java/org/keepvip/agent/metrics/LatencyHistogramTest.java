package org.keepvip.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void histogramCountsEachDurationInItsBucketAndSumsThem() {
        LatencyHistogram h = new LatencyHistogram();
        h.observeNanos(50_000);        // 0.05 ms: the first bucket (le 0.1 ms)
        h.observeNanos(100_000);       // exactly 0.1 ms: still the first (le is inclusive)
        h.observeNanos(3_000_000);     // 3 ms: le 5 ms
        h.observeNanos(20_000_000_000L); // 20 s: +Inf
        h.observeNanos(-1);            // clocks of different origin: not recorded
        LatencyHistogram.Snapshot s = h.snapshot();
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.counts()[0]).isEqualTo(2);
        assertThat(s.upperBounds()[5]).isEqualTo(0.005);
        assertThat(s.counts()[5]).isEqualTo(1);
        assertThat(s.upperBounds()[s.upperBounds().length - 1]).isInfinite();
        assertThat(s.counts()[s.counts().length - 1]).isEqualTo(1);
        assertThat(s.sumSeconds()).isCloseTo(20.00315, org.assertj.core.data.Offset.offset(1e-9));
    }
}
