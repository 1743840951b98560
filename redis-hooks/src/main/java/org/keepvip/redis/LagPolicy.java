package org.keepvip.redis;

/**
 * Hazard H3 (ARCHITECTURE.md, "Redis hazards"): when a replica is too far behind to take over. A limit of -1 disables that test.
 *
 * @param maxLinkDownSeconds longest tolerated {@code master_link_down_since_seconds}; must exceed the
 *                           time VRRP needs to notice a dead master, or no failover could ever happen
 * @param maxLagBytes        longest tolerated distance to the master's last known offset
 * @param maxLagSeconds      longest tolerated {@code master_last_io_seconds_ago} while the link is up
 *                           (keep it above {@code repl-ping-replica-period}, 10 s by default)
 * @param penalty            priority to subtract when a limit is exceeded; 0 means FAULT, like a
 *                           {@code vrrp_script} with weight 0
 */
public record LagPolicy(long maxLinkDownSeconds, long maxLagBytes, long maxLagSeconds, int penalty) {

    public static final LagPolicy DEFAULT = new LagPolicy(30, -1, -1, 0);

    public LagPolicy {
        if (penalty < 0 || penalty > 254) {
            throw new IllegalArgumentException("penalty " + penalty + " (expected: 0..254, 0 = FAULT)");
        }
    }
}
