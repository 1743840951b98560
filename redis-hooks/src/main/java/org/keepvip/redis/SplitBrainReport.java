package org.keepvip.redis;

/**
 * What the losing side of a split brain (or any full resync) holds that the survivor does not.
 * Computed from replication ids and offsets the way PSYNC decides continuity: histories are shared
 * up to the point where one side was promoted ({@code second_repl_offset - 1}).
 *
 * @param survivorReplid       the survivor's {@code master_replid}
 * @param loserReplid          the loser's {@code master_replid}
 * @param sharedHistory        the two sides descend from one replication history
 * @param forkOffset           last offset both sides share, or -1 when unrelated
 * @param unreplicatedBytes    replication bytes only the loser has (-1: unknown, unrelated histories)
 * @param survivorKeys         survivor's key count
 * @param loserKeys            loser's key count
 */
public record SplitBrainReport(String survivorReplid, String loserReplid, boolean sharedHistory,
                               long forkOffset, long unreplicatedBytes, long survivorKeys, long loserKeys) {

    /** Compares the two sides' INFO snapshots. */
    public static SplitBrainReport compare(RedisInfo survivor, RedisInfo loser) {
        long fork = forkOffset(survivor, loser);
        long loserOffset = loser.dataOffset();
        long unreplicated = fork < 0 ? -1 : Math.max(0, loserOffset - fork);
        return new SplitBrainReport(survivor.masterReplid(), loser.masterReplid(), fork >= 0, fork,
                unreplicated, survivor.keys(), loser.keys());
    }

    /** True when resyncing the loser from the survivor discards something. */
    public boolean loses() {
        return unreplicatedBytes != 0 || (!sharedHistory && loserKeys > 0);
    }

    /** Key count the loser has beyond the survivor (negative: fewer). */
    public long keyDifference() {
        return loserKeys - survivorKeys;
    }

    /** One log line. */
    public String summary() {
        if (!sharedHistory) {
            return "histories unrelated (replid " + abbrev(loserReplid) + " vs " + abbrev(survivorReplid)
                    + "): resync replaces the loser's " + loserKeys + " keys with the survivor's " + survivorKeys;
        }
        if (unreplicatedBytes == 0) {
            return "no divergence: the loser has nothing beyond offset " + forkOffset
                    + " (keys " + loserKeys + " vs " + survivorKeys + ")";
        }
        return "loser holds " + unreplicatedBytes + " bytes of writes after offset " + forkOffset
                + " that the survivor never received; keys " + loserKeys + " vs " + survivorKeys
                + " (difference " + keyDifference() + ")";
    }

    private static long forkOffset(RedisInfo s, RedisInfo l) {
        String sId = s.masterReplid();
        String lId = l.masterReplid();
        if (RedisInfo.isReplid(sId) && sId.equals(lId)) {
            // Same history: the loser is behind or ahead on one line.
            return Math.min(s.dataOffset(), l.dataOffset());
        }
        if (RedisInfo.isReplid(s.masterReplid2()) && s.masterReplid2().equals(lId) && s.secondReplOffset() > 0) {
            return Math.min(s.secondReplOffset() - 1, l.dataOffset());
        }
        if (RedisInfo.isReplid(l.masterReplid2()) && l.masterReplid2().equals(sId) && l.secondReplOffset() > 0) {
            return Math.min(l.secondReplOffset() - 1, s.dataOffset());
        }
        if (RedisInfo.isReplid(l.masterReplid2()) && l.masterReplid2().equals(s.masterReplid2())
                && l.secondReplOffset() > 0 && s.secondReplOffset() > 0) {
            return Math.min(l.secondReplOffset(), s.secondReplOffset()) - 1;
        }
        return -1;
    }

    private static String abbrev(String id) {
        return id == null || id.length() < 8 ? String.valueOf(id) : id.substring(0, 8);
    }
}
