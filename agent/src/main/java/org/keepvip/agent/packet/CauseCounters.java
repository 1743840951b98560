package org.keepvip.agent.packet;

import org.slf4j.Logger;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Thread-safe counters keyed by an enum of causes, which log the first occurrence of each cause
 * and stay quiet after that until {@link #rearmLogging()} (keepalived's {@code log_rate_limited_error}).
 *
 * @param <K> the cause enum
 */
public final class CauseCounters<K extends Enum<K>> {
    private final Class<K> type;
    private final AtomicLongArray counts;
    private final AtomicLongArray logged;
    private final AtomicLong total = new AtomicLong();
    private final Logger log;
    private final String context;

    /**
     * @param log     where first occurrences go (WARN)
     * @param context prefixes each log line, e.g. the interface name
     */
    public CauseCounters(Class<K> type, Logger log, String context) {
        this.type = type;
        int n = type.getEnumConstants().length;
        this.counts = new AtomicLongArray(n);
        this.logged = new AtomicLongArray(n);
        this.log = log;
        this.context = context;
    }

    /**
     * Counts one occurrence of {@code cause}.
     *
     * @return true if this is the first since creation or the last {@link #rearmLogging()}, in
     *     which case it was logged with {@code detail}
     */
    public boolean count(K cause, String detail) {
        counts.incrementAndGet(cause.ordinal());
        total.incrementAndGet();
        boolean first = logged.compareAndSet(cause.ordinal(), 0, 1);
        if (first) {
            log.warn("{}: dropped a packet: {} ({}); further ones are only counted", context, describe(cause), detail);
        }
        return first;
    }

    public long get(K cause) {
        return counts.get(cause.ordinal());
    }

    public long total() {
        return total.get();
    }

    /** Non-zero counts, in declaration order of the causes. */
    public Map<K, Long> snapshot() {
        Map<K, Long> m = new EnumMap<>(type);
        for (K k : type.getEnumConstants()) {
            long v = counts.get(k.ordinal());
            if (v != 0) {
                m.put(k, v);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Lets each cause be logged once more; keepalived does this on a state change. */
    public void rearmLogging() {
        for (int i = 0; i < logged.length(); i++) {
            logged.set(i, 0);
        }
    }

    private static String describe(Enum<?> cause) {
        return cause instanceof DropReason d ? d.description() : cause.name();
    }
}
