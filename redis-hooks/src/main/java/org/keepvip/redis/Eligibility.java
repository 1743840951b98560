package org.keepvip.redis;

import java.util.Optional;

/** May this node's Redis take over as master, judged by replication lag (H3, ARCHITECTURE.md)? */
public sealed interface Eligibility {

    String reason();

    /** Up to date enough, or already master. */
    record Eligible(String reason) implements Eligibility {
    }

    /** Too far behind: lower the VRRP priority by {@code delta}. */
    record Penalty(int delta, String reason) implements Eligibility {
    }

    /** Too far behind: go to FAULT. */
    record Fault(String reason) implements Eligibility {
    }

    /**
     * Judges {@code self} against {@code policy}. {@code lastKnownMaster} is the freshest snapshot of
     * the master (possibly taken before it died); without it the byte lag is not judged.
     */
    static Eligibility evaluate(RedisHealth self, Optional<RedisHealth> lastKnownMaster, LagPolicy policy) {
        RedisInfo s = self.info();
        if (s == null) {
            return violation(policy, "local Redis cannot be checked: " + self.verdict().reason());
        }
        if (s.role() != RedisInfo.Role.REPLICA) {
            return new Eligible("local Redis is " + s.role().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (s.syncInProgress()) {
            return violation(policy, "full sync from the master is still in progress");
        }
        if (!s.masterLinkUp() && policy.maxLinkDownSeconds() >= 0) {
            long down = s.masterLinkDownSinceSeconds();
            if (down < 0) {
                return violation(policy, "replication link to " + s.masterHost() + ":" + s.masterPort()
                        + " never came up; this replica has no synced data");
            }
            if (down > policy.maxLinkDownSeconds()) {
                return violation(policy, "replication link down for " + down + " s (limit "
                        + policy.maxLinkDownSeconds() + " s)");
            }
        }
        if (s.masterLinkUp() && policy.maxLagSeconds() >= 0 && s.masterLastIoSecondsAgo() > policy.maxLagSeconds()) {
            return violation(policy, "no data from the master for " + s.masterLastIoSecondsAgo()
                    + " s (limit " + policy.maxLagSeconds() + " s)");
        }
        RedisInfo m = lastKnownMaster.map(RedisHealth::info).orElse(null);
        if (policy.maxLagBytes() >= 0 && m != null) {
            long lag = s.lagBytesBehind(m);
            if (lag > policy.maxLagBytes()) {
                return violation(policy, "replica is " + lag + " bytes behind the master's offset "
                        + m.masterReplOffset() + " (limit " + policy.maxLagBytes() + ")");
            }
        }
        return new Eligible("replica up to date enough (offset " + s.dataOffset() + ")");
    }

    private static Eligibility violation(LagPolicy policy, String reason) {
        return policy.penalty() == 0 ? new Fault(reason) : new Penalty(policy.penalty(), reason);
    }
}
