package org.keepvip.redis;

import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;

/**
 * Waits until a replica has processed a paused master's replication stream up to the master's
 * offset: what makes a hand-over lose no acknowledged write. A write the master acknowledged just
 * before its pause may still be in the stream; a replica promoted before it arrives never has it.
 * Used by {@link Switchover#pauseAndSync()} and by {@link RedisNode#awaitReplicas} (a MASTER
 * releasing after its fence).
 */
final class ReplicaCatchUp {
    static final long POLL_MILLIS = 2;
    /** The shortest read allowed near the deadline: one INFO on a LAN, with room for a busy replica. */
    static final long MIN_READ_MILLIS = 5;

    private ReplicaCatchUp() {}

    /** How the wait ended. */
    sealed interface Outcome {
        /** The replica has processed every byte up to the target. */
        record CaughtUp(long offset) implements Outcome {}

        /** The deadline passed with the replica {@code target - seen} bytes short. */
        record Behind(long seen, long target) implements Outcome {
            public long bytes() {
                return target - seen;
            }
        }

        /** The replica no longer follows that history (promoted, or replicating from elsewhere): waiting gains nothing. */
        record NotFollowing(String why) implements Outcome {}

        /** The deadline passed with the replica still in a full resync: it has none of the stream yet. */
        record Resyncing() implements Outcome {}

        /**
         * The address answered as the paused master itself (a master of the same history): the
         * replica is listed at an address that does not reach it from here (a tunnel or NAT).
         */
        record ReachedMaster() implements Outcome {}
    }

    /**
     * Polls the replica's {@code INFO replication} every {@value #POLL_MILLIS} ms until its offset of
     * history {@code replid} reaches {@code target}, or until {@code deadlineNanos}
     * ({@code System.nanoTime()}). Redis failures throw, as Jedis does; the caller reports them.
     */
    static Outcome await(Jedis replica, String replid, long target, long deadlineNanos) {
        // No read outlasts the deadline by more than a few ms: a replica that hangs mid-wait must not
        // hold the release (or the exit) for a whole read timeout. Restored for the caller's next use.
        Connection c = replica.getConnection();
        int original = c.getSoTimeout();
        try {
            return poll(replica, c, original, replid, target, deadlineNanos);
        } finally {
            if (c.isConnected()) {
                c.setSoTimeout(original);
            }
        }
    }

    private static Outcome poll(Jedis replica, Connection c, int readTimeoutMillis, String replid, long target,
            long deadlineNanos) {
        while (true) {
            long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            c.setSoTimeout((int) Math.max(MIN_READ_MILLIS, Math.min(readTimeoutMillis, leftMillis)));
            RedisInfo r = RedisInfo.parse(replica.info("replication"));
            boolean late = System.nanoTime() - deadlineNanos >= 0;
            if (r.role() != RedisInfo.Role.REPLICA) {
                if (replid.equals(r.masterReplid())) {
                    return new Outcome.ReachedMaster(); // a promoted replica starts a history of its own
                }
                return new Outcome.NotFollowing("it is a " + r.role().name().toLowerCase(java.util.Locale.ROOT) + " now");
            }
            if (!replid.equals(r.masterReplid())) {
                if (!r.syncInProgress()) {
                    return new Outcome.NotFollowing("it follows replication ID " + r.masterReplid() + ", not " + replid);
                }
                // A full resync: the replica takes this history once it has loaded the snapshot.
                if (late) {
                    return new Outcome.Resyncing();
                }
                RedisNode.pause(POLL_MILLIS);
                continue;
            }
            long seen = r.dataOffset();
            if (seen >= target) {
                return new Outcome.CaughtUp(seen);
            }
            if (late) {
                return new Outcome.Behind(seen, target);
            }
            RedisNode.pause(POLL_MILLIS);
        }
    }
}
