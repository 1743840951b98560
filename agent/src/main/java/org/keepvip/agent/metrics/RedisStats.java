package org.keepvip.agent.metrics;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters and durations of one {@code redis_instance}'s checks and hooks, recorded by the check
 * thread and the hook lane with plain atomics, read by a scrape.
 */
public final class RedisStats {
    /** A Redis hook. */
    public enum Hook {
        PROMOTION, DEMOTION, FENCE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a hook ended: done, refused by a guard, or failed (timeout, error, unreachable). */
    public enum Result {
        OK, REFUSED, FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final LatencyHistogram checks = new LatencyHistogram();
    private final Map<Hook, LatencyHistogram> durations = new EnumMap<>(Hook.class);
    private final Map<Hook, AtomicLong[]> results = new EnumMap<>(Hook.class);
    private final AtomicLong wipeGuardRefusals = new AtomicLong();
    private final AtomicLong splitBrains = new AtomicLong();

    public RedisStats() {
        for (Hook h : Hook.values()) {
            durations.put(h, new LatencyHistogram());
            AtomicLong[] r = new AtomicLong[Result.values().length];
            for (int i = 0; i < r.length; i++) {
                r[i] = new AtomicLong();
            }
            results.put(h, r);
        }
    }

    /** One check (PING + INFO) took {@code nanos}. */
    public void check(long nanos) {
        checks.observeNanos(nanos);
    }

    /** A hook ended with {@code result} after {@code nanos}. */
    public void hook(Hook hook, Result result, long nanos) {
        results.get(hook)[result.ordinal()].incrementAndGet();
        durations.get(hook).observeNanos(nanos);
    }

    /** The wipe guard refused a promotion or a REPLICAOF (H1). */
    public void wipeGuardRefused() {
        wipeGuardRefusals.incrementAndGet();
    }

    /** A demote healed a split brain: the loser's writes were discarded by the resync (H2). */
    public void splitBrain() {
        splitBrains.incrementAndGet();
    }

    /** What a scrape reads. */
    public record Snapshot(LatencyHistogram.Snapshot checks, Map<Hook, LatencyHistogram.Snapshot> durations,
            Map<Hook, Map<Result, Long>> results, long wipeGuardRefusals, long splitBrains) {}

    public Snapshot snapshot() {
        Map<Hook, LatencyHistogram.Snapshot> d = new EnumMap<>(Hook.class);
        Map<Hook, Map<Result, Long>> r = new EnumMap<>(Hook.class);
        for (Hook h : Hook.values()) {
            d.put(h, durations.get(h).snapshot());
            Map<Result, Long> byResult = new EnumMap<>(Result.class);
            for (Result x : Result.values()) {
                byResult.put(x, results.get(h)[x.ordinal()].get());
            }
            r.put(h, byResult);
        }
        return new Snapshot(checks.snapshot(), d, r, wipeGuardRefusals.get(), splitBrains.get());
    }
}
