package org.keepvip.redis;

import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A fenced master that lists no replica, waiting for the one it expects: the peer's Redis, which the
 * peer promotes when it takes the VIP. Asked directly, until the bound: it may connect (a replica
 * reconnects on its own about once a second) and catch up, or it may already be a master, promoted
 * by a peer that took over before this fence (it then holds this master's history up to the offset
 * it was promoted at, {@code second_repl_offset - 1}). Whatever the outcome, the result says from
 * which offset on writes may be lost, so a release that cannot be made safe is at least reported.
 */
final class ExpectedReplica {
    private ExpectedReplica() {}

    /**
     * @param master the fenced master's {@code INFO replication} (its history and offset)
     * @param peer   the peer's Redis, with the caller's credentials and timeouts
     */
    static HookResult await(RedisInfo master, RedisEndpoint peer, long start, long deadlineNanos) {
        String replid = master.masterReplid();
        long target = master.masterReplOffset();
        String last = "not read";
        long has = -1; // the peer's offset of this history, when known
        while (true) {
            Duration left = Duration.ofMillis(Math.max((deadlineNanos - System.nanoTime()) / 1_000_000,
                    ReplicaCatchUp.MIN_READ_MILLIS));
            RedisEndpoint ep = peer.withTimeouts(min(peer.connectTimeout(), left), min(peer.readTimeout(), left));
            try (Jedis j = RedisConnector.open(ep)) {
                RedisInfo r = RedisInfo.parse(j.info("replication"));
                if (r.role() == RedisInfo.Role.REPLICA && replid.equals(r.masterReplid())) {
                    has = r.dataOffset();
                    if (has >= target) {
                        return done("replica " + peer.address() + " (the peer's Redis, not listed at the fence) has the"
                                + " fenced offset " + target + " (" + took(start) + ")");
                    }
                    last = "it replicates from this master, " + (target - has) + " bytes behind";
                } else if (r.role() == RedisInfo.Role.MASTER && replid.equals(r.masterReplid2())) {
                    long promotedAt = r.secondReplOffset() - 1;
                    if (promotedAt >= target) {
                        return done("the peer's Redis " + peer.address() + " is a master already, promoted with the"
                                + " fenced offset " + target + " (" + took(start) + ")");
                    }
                    // Final: a promoted Redis never takes this history's later bytes.
                    return lost(target, promotedAt, "the peer's Redis " + peer.address() + " is a master already,"
                            + " promoted at offset " + promotedAt + ", " + (target - promotedAt) + " bytes short", start);
                } else if (r.role() == RedisInfo.Role.MASTER && replid.equals(r.masterReplid())) {
                    return lost(target, -1, "the peer's Redis " + peer.address() + " answers as this master itself"
                            + " (an address that does not reach the peer from here)", start);
                } else if (r.role() == RedisInfo.Role.MASTER) {
                    return lost(target, -1, "the peer's Redis " + peer.address() + " is a master of another"
                            + " replication history (" + r.masterReplid() + ")", start);
                } else {
                    last = r.syncInProgress() ? "it is in a full resync" : "it replicates from " + r.masterHost() + ":"
                            + r.masterPort() + ", link " + (r.masterLinkUp() ? "up" : "down")
                            + ", not yet on this master's history";
                }
            } catch (RuntimeException e) {
                last = "not read (" + Failures.classify(e, ep).reason() + ")";
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                return lost(target, has, "the peer's Redis " + peer.address() + ": " + last, start);
            }
            RedisNode.pause(ReplicaCatchUp.POLL_MILLIS);
        }
    }

    private static HookResult done(String detail) {
        return new HookResult.Done(detail, List.of());
    }

    /** {@code has}: the peer's offset of the fenced history, -1 when it has none of it or is not known. */
    private static HookResult lost(long target, long has, String why, long start) {
        String from = has >= 0 ? "writes after offset " + has : "writes up to offset " + target + " the peer lacks";
        return new HookResult.Failed("no replica connected at fenced offset " + target + " after " + took(start) + "; "
                + why + ": " + from + " may be lost");
    }

    private static String took(long start) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", (System.nanoTime() - start) / 1e6);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
