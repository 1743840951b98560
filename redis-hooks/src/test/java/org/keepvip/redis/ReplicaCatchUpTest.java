package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * What the wait for a replica makes of a server that is not the replica it wants (real redis-server):
 * the paused master itself, reached at an address that does not lead to its replica, is not taken
 * for a replica that stopped following (which would let a release go on as if nothing were due).
 */
class ReplicaCatchUpTest {
    @Test
    void theMasterItselfIsReachedMasterNotNotFollowing() throws Exception {
        try (RedisServer m = RedisServer.start(); Jedis j = m.client()) {
            j.set("k", "v");
            RedisInfo info = RedisInfo.parse(j.info("replication"));
            ReplicaCatchUp.Outcome o = ReplicaCatchUp.await(j, info.masterReplid(), info.masterReplOffset(),
                    System.nanoTime() + 1_000_000_000L);
            assertThat(o).isInstanceOf(ReplicaCatchUp.Outcome.ReachedMaster.class);
        }
    }

    @Test
    void aMasterOfAnotherHistoryNoLongerFollows() throws Exception {
        try (RedisServer m = RedisServer.start(); RedisServer other = RedisServer.start();
             Jedis j = m.client(); Jedis o = other.client()) {
            RedisInfo info = RedisInfo.parse(j.info("replication"));
            ReplicaCatchUp.Outcome out = ReplicaCatchUp.await(o, info.masterReplid(), info.masterReplOffset(),
                    System.nanoTime() + 1_000_000_000L);
            assertThat(out).isInstanceOf(ReplicaCatchUp.Outcome.NotFollowing.class);
            assertThat(((ReplicaCatchUp.Outcome.NotFollowing) out).why()).isEqualTo("it is a master now");
        }
    }
}
