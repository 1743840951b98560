package org.keepvip.redis;

import java.time.Duration;

/**
 * Tunables of the data-safety guards.
 *
 * @param freshUptime a master younger than this, with a replication history we do not share, counts
 *                    as "freshly restarted" (H1, ARCHITECTURE.md)
 */
public record GuardPolicy(Duration freshUptime) {

    public static final GuardPolicy DEFAULT = new GuardPolicy(Duration.ofSeconds(60));

    public GuardPolicy {
        if (freshUptime == null || freshUptime.isNegative()) {
            throw new IllegalArgumentException("freshUptime " + freshUptime + " (expected: >= 0)");
        }
    }
}
