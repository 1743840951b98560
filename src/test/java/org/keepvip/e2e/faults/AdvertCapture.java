package org.keepvip.e2e.faults;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * tcpdump inside an observer's namespace, catching the adverts one host sends, stamped by the kernel
 * in nanoseconds as they arrive: what a backup's down timer really sees.
 */
final class AdvertCapture {
    private final LabProcess tcpdump;
    private final int count;

    private AdvertCapture(LabProcess tcpdump, int count) {
        this.tcpdump = tcpdump;
        this.count = count;
    }

    /** Starts catching the next {@code count} adverts from {@code sender} arriving at {@code observer}. */
    static AdvertCapture start(Lab lab, Node observer, Node sender, String label, int count) {
        LabProcess p = lab.start(observer, label, "tcpdump", "-i", observer.ifname(), "-n", "-p", "-l", "-tt",
                "--time-stamp-precision=nano", "-c", Integer.toString(count), "ip proto 112 and src host "
                        + sender.ipv4());
        return new AdvertCapture(p, count);
    }

    /** Waits for the capture to end and returns the arrival gaps, in ms, in arrival order. */
    double[] awaitGaps(Duration timeout) {
        int rc = tcpdump.awaitExit(timeout);
        if (rc != 0) {
            throw new AssertionError(tcpdump.label() + " exit " + rc + ": " + tcpdump.output());
        }
        List<BigDecimal> stamps = new ArrayList<>();
        for (String l : tcpdump.output().lines().toList()) {
            if (l.contains("VRRP")) {
                stamps.add(new BigDecimal(l.substring(0, l.indexOf(' '))));
            }
        }
        if (stamps.size() != count) {
            throw new AssertionError(tcpdump.label() + ": " + stamps.size() + " adverts of " + count);
        }
        double[] gaps = new double[stamps.size() - 1];
        for (int i = 1; i < stamps.size(); i++) {
            gaps[i - 1] = stamps.get(i).subtract(stamps.get(i - 1)).doubleValue() * 1000;
        }
        return gaps;
    }

    /** Nearest-rank percentile of {@code gaps}. */
    static double percentile(double[] gaps, double p) {
        double[] s = gaps.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    static double max(double[] gaps) {
        return Arrays.stream(gaps).max().orElse(0);
    }

    static String summary(double[] gaps) {
        return String.format("%d gaps, median %.2f, p99 %.2f, max %.2f ms", gaps.length, percentile(gaps, 50),
                percentile(gaps, 99), max(gaps));
    }
}
