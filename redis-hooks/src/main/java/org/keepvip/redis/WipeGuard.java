package org.keepvip.redis;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Hazard H1 (ARCHITECTURE.md, "Redis hazards"): never let an empty, loading or freshly restarted master overwrite a replica that holds
 * data, and never let a node that restarted empty become MASTER while its peer holds data. Pure
 * logic over snapshots, so the agent can ask before it acts and show the reason in status.
 */
public final class WipeGuard {

    private final GuardPolicy policy;

    public WipeGuard(GuardPolicy policy) {
        this.policy = policy;
    }

    /**
     * May {@code local} run {@code REPLICAOF} towards {@code master}?
     *
     * @param force operator override: refusals become {@link GuardDecision.Outcome#FORCED}, except
     *              for a master we cannot see at all
     */
    public GuardDecision mayReplicateFrom(RedisHealth local, RedisHealth master, boolean force) {
        if (master.info() == null) {
            return GuardDecision.refuse("master " + master.endpoint().address() + " cannot be checked: "
                    + master.verdict().reason());
        }
        RedisInfo m = master.info();
        String where = "master " + master.endpoint().address();
        if (local.info() == null) {
            // We cannot see our own data: assume it matters.
            return decide(force, "local Redis cannot be checked (" + local.verdict().reason()
                    + "); refusing to resync it", null);
        }
        RedisInfo l = local.info();
        if (m.loading()) {
            return decide(force, where + " is still loading its dataset", null);
        }
        if (m.role() != RedisInfo.Role.MASTER) {
            return decide(force, where + " is not a master (role " + m.role() + ")", null);
        }
        if (!l.holdsData()) {
            return GuardDecision.allow("local Redis is empty; nothing to lose");
        }
        if (l.keys() == 0) {
            // A history without keys (a pair started a moment ago: offset 14, a PING) has nothing a
            // resync could wipe; refusing left a pair whose first takeover came early split for good.
            return GuardDecision.allow("local Redis holds no keys (replication offset " + l.dataOffset()
                    + "); nothing to lose");
        }
        SplitBrainReport cmp = SplitBrainReport.compare(m, l);
        if (cmp.sharedHistory() && cmp.unreplicatedBytes() == 0) {
            return GuardDecision.allow(where + " continues our replication history (offset "
                    + m.masterReplOffset() + " >= ours " + l.dataOffset() + ")");
        }
        if (m.keys() == 0) {
            return decide(force, where + " is empty; replicating from it would wipe our " + l.keys()
                    + " keys (offset " + l.dataOffset() + ")", cmp);
        }
        if (!cmp.sharedHistory() && m.uptimeSeconds() >= 0 && m.uptimeSeconds() < policy.freshUptime().toSeconds()) {
            return decide(force, where + " restarted " + m.uptimeSeconds() + " s ago with a new replication ID "
                    + abbrev(m.masterReplid()) + "; replicating would replace our " + l.keys() + " keys", cmp);
        }
        // VRRP chose this master; say what the full resync will discard instead of hiding it.
        return new GuardDecision(GuardDecision.Outcome.ALLOW, where + " chosen; resync: " + cmp.summary(),
                cmp.loses() ? cmp : null);
    }

    /**
     * May {@code local} become MASTER? Refused when it restarted empty (or is loading) while the peer,
     * if we can see it, holds data.
     */
    public GuardDecision mayBecomeMaster(RedisHealth local, Optional<RedisHealth> peer) {
        return mayBecomeMaster(local, () -> peer);
    }

    /**
     * As above, asking for the peer only when its data can change the answer: when the local Redis
     * is empty. A takeover from a replica that holds data (the usual one) then spends nothing on a
     * dead peer: no refused connection, and no connect timeout when the peer's whole host is gone.
     */
    public GuardDecision mayBecomeMaster(RedisHealth local, Supplier<Optional<RedisHealth>> peerWhenNeeded) {
        if (local.info() == null) {
            return GuardDecision.refuse("local Redis cannot be checked: " + local.verdict().reason());
        }
        RedisInfo l = local.info();
        if (l.loading()) {
            return GuardDecision.refuse("local Redis is still loading its dataset");
        }
        if (l.holdsData()) {
            return GuardDecision.allow("local Redis holds " + l.keys() + " keys at offset " + l.dataOffset());
        }
        Optional<RedisHealth> peer = peerWhenNeeded.get();
        RedisInfo p = peer.map(RedisHealth::info).orElse(null);
        if (p == null) {
            return GuardDecision.allow("peer Redis not visible; local data is all we have");
        }
        if (!l.holdsData() && p.holdsData()) {
            return GuardDecision.refuse("local Redis is empty (restarted without data?) while peer "
                    + peer.get().endpoint().address() + " holds " + p.keys() + " keys at offset "
                    + p.dataOffset() + "; it must resync first");
        }
        return GuardDecision.allow("local Redis holds " + l.keys() + " keys at offset " + l.dataOffset());
    }

    private static GuardDecision decide(boolean force, String reason, SplitBrainReport cmp) {
        return force
                ? new GuardDecision(GuardDecision.Outcome.FORCED, "FORCED by operator: " + reason, cmp)
                : new GuardDecision(GuardDecision.Outcome.REFUSE, reason, cmp);
    }

    private static String abbrev(String id) {
        return id.length() < 8 ? id : id.substring(0, 8);
    }
}
