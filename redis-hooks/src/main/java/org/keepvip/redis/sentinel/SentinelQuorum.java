package org.keepvip.redis.sentinel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Sentinels' answers reduced to one verdict: which master, if any, a majority of all the
 * configured Sentinels (not of those that answer) names. Two addresses can never both have such a
 * majority, so at most one keepvip host sees itself named. Thread-safe.
 */
public final class SentinelQuorum {
    private final List<String> sentinels;
    private final SentinelReport[] reports;

    /** @param sentinels the Sentinels' addresses, for the verdict's text */
    public SentinelQuorum(List<String> sentinels) {
        if (sentinels.isEmpty()) {
            throw new IllegalArgumentException("no Sentinel");
        }
        this.sentinels = List.copyOf(sentinels);
        this.reports = new SentinelReport[sentinels.size()];
        Arrays.fill(reports, SentinelReport.UNKNOWN);
    }

    /** Records Sentinel {@code index}'s latest report and returns the verdict that follows. */
    public synchronized Verdict update(int index, SentinelReport report) {
        reports[index] = report;
        return verdict();
    }

    public synchronized Verdict verdict() {
        int reachable = 0;
        Map<MasterAddress, Integer> votes = new HashMap<>();
        List<String> views = new ArrayList<>();
        for (int i = 0; i < reports.length; i++) {
            SentinelReport r = reports[i];
            if (r.reachable()) {
                reachable++;
                r.master().ifPresent(m -> votes.merge(m, 1, Integer::sum));
            }
            views.add(sentinels.get(i) + " " + r.detail());
        }
        int majority = majority();
        Optional<MasterAddress> named = votes.entrySet().stream().filter(e -> e.getValue() >= majority)
                .map(Map.Entry::getKey).findFirst();
        return new Verdict(reports.length, reachable, named, List.copyOf(views));
    }

    /** Sentinels needed to agree: a majority of those configured. */
    public int majority() {
        return reports.length / 2 + 1;
    }

    /**
     * @param configured how many Sentinels are configured
     * @param reachable  how many answer
     * @param master     the master named by a majority of {@code configured}, if any
     * @param views      each Sentinel's view, for logs and status
     */
    public record Verdict(int configured, int reachable, Optional<MasterAddress> master, List<String> views) {
        public int majority() {
            return configured / 2 + 1;
        }

        public boolean majorityReachable() {
            return reachable >= majority();
        }

        /** One line for logs: "2 of 3 Sentinels reachable, 192.0.2.11:6379 named by 2 (...)". */
        public String summary() {
            return reachable + " of " + configured + " Sentinels reachable, " + master.map(m -> m + " named master by "
                    + "a majority").orElse("no master named by a majority (" + majority() + ")") + " ["
                    + String.join("; ", views) + "]";
        }
    }
}
