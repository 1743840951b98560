package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** promote / demote / fence against real redis-servers. */
class HooksTest {

    private static final Duration T = Duration.ofSeconds(3);

    @Test
    void promoteReplicaConfirmsRoleMasterAndWarnsWithoutConfigFile() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             RedisNode node = new RedisNode(r.endpoint(), GuardPolicy.DEFAULT)) {
            try (Jedis j = m.client()) {
                j.set("a", "1");
            }
            assertThat(RedisServer.await(5000, () -> node.check().keys() == 1)).isTrue();
            HookResult res = node.promote(Optional.empty(), T);
            assertThat(res).isInstanceOf(HookResult.Done.class);
            assertThat(res.detail()).contains("ROLE master confirmed");
            assertThat(((HookResult.Done) res).warnings()).anySatisfy(w -> assertThat(w).contains("CONFIG REWRITE"));
            try (Jedis j = r.client()) {
                assertThat(String.valueOf(j.role().get(0))).isEqualTo("master");
                assertThat(j.set("b", "2")).isEqualTo("OK");
            }
        }
    }

    @Test
    void promotionWithoutPersistingLeavesTheRewriteToPersistRole() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             RedisNode node = new RedisNode(r.endpoint(), GuardPolicy.DEFAULT)) {
            // This server runs without a config file, so every CONFIG REWRITE shows as a warning.
            assertThat(RedisServer.await(5000, () -> node.check().info().masterLinkUp())).isTrue();
            HookResult res = node.promote(Optional::empty, T, false);
            assertThat(res).isInstanceOf(HookResult.Done.class);
            assertThat(((HookResult.Done) res).warnings()).as("no CONFIG REWRITE tried yet").isEmpty();
            try (Jedis j = r.client()) {
                assertThat(String.valueOf(j.role().get(0))).isEqualTo("master");
            }
            HookResult persisted = node.persistRole();
            assertThat(persisted).isInstanceOf(HookResult.Done.class);
            assertThat(((HookResult.Done) persisted).warnings()).anySatisfy(w -> assertThat(w).contains("CONFIG REWRITE"));
        }
    }

    @Test
    void warmUpChangesNothingAndSurvivesADownRedis() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             RedisNode node = new RedisNode(r.endpoint(), GuardPolicy.DEFAULT)) {
            assertThat(RedisServer.await(5000, () -> node.check().info().masterLinkUp())).isTrue();
            String before;
            try (Jedis j = r.client()) {
                before = j.configGet("replicaof").toString() + j.role().subList(0, 3);
            }
            node.warmUp();
            try (Jedis j = r.client()) {
                assertThat(j.configGet("replicaof").toString() + j.role().subList(0, 3)).isEqualTo(before);
            }
            assertThat(node.check().role()).isEqualTo(RedisInfo.Role.REPLICA);
            r.kill();
            node.warmUp(); // Redis down: nothing to warm on it, and nothing thrown
            assertThat(node.check().reachable()).isFalse();
        }
    }

    @Test
    void promoteRefusedForEmptyNodeWhilePeerHoldsData() throws Exception {
        try (RedisServer peer = RedisServer.start();
             RedisServer empty = RedisServer.start("--replicaof", "127.0.0.1", "1");
             RedisNode node = new RedisNode(empty.endpoint(), GuardPolicy.DEFAULT);
             RedisProbe peerProbe = RedisProbe.of(peer.endpoint())) {
            try (Jedis j = peer.client()) {
                j.set("a", "1");
            }
            HookResult res = node.promote(Optional.of(peerProbe.check()), T);
            assertThat(res).isInstanceOf(HookResult.Refused.class);
            assertThat(res.detail()).contains("empty");
            assertThat(node.check().role()).isEqualTo(RedisInfo.Role.REPLICA);
        }
    }

    @Test
    void demoteRefusesEmptyMasterThenFollowsARealOne() throws Exception {
        try (RedisServer local = RedisServer.start();
             RedisServer emptyMaster = RedisServer.start();
             RedisServer goodMaster = RedisServer.start();
             RedisNode node = new RedisNode(local.endpoint(), GuardPolicy.DEFAULT)) {
            try (Jedis j = local.client()) {
                for (int i = 0; i < 50; i++) {
                    j.set("local" + i, "x");
                }
            }
            HookResult refused = node.demote(emptyMaster.endpoint(), false, T);
            assertThat(refused).isInstanceOf(HookResult.Refused.class);
            assertThat(refused.detail()).contains("empty", "50 keys");
            assertThat(node.check().isMaster()).isTrue();
            assertThat(node.check().keys()).isEqualTo(50);

            // A fresh master with data but a new history is refused too (H1: fast restart).
            try (Jedis j = goodMaster.client()) {
                j.set("other", "y");
            }
            HookResult fresh = node.demote(goodMaster.endpoint(), false, T);
            assertThat(fresh).isInstanceOf(HookResult.Refused.class);
            assertThat(fresh.detail()).contains("restarted", "new replication ID");

            // The operator forces it: allowed, reported, and ROLE confirms.
            HookResult forced = node.demote(goodMaster.endpoint(), true, T);
            assertThat(forced).isInstanceOf(HookResult.Done.class);
            assertThat(((HookResult.Done) forced).warnings()).anySatisfy(w -> assertThat(w).startsWith("FORCED"));
            assertThat(RedisServer.await(5000, () -> node.check().keys() == 1)).isTrue();
            assertThat(node.check().info().masterPort()).isEqualTo(goodMaster.port);
        }
    }

    @Test
    void demoteOfEmptyNodeIsAllowed() throws Exception {
        try (RedisServer local = RedisServer.start();
             RedisServer master = RedisServer.start();
             RedisNode node = new RedisNode(local.endpoint(), GuardPolicy.DEFAULT)) {
            try (Jedis j = master.client()) {
                j.set("m", "1");
            }
            HookResult res = node.demote(master.endpoint(), false, T);
            assertThat(res).isInstanceOf(HookResult.Done.class);
            assertThat(res.detail()).contains("nothing to lose");
            assertThat(RedisServer.await(5000, () -> node.check().keys() == 1)).isTrue();
            // Idempotent: already following it.
            assertThat(node.demote(master.endpoint(), false, T).detail()).contains("already replicates");
        }
    }

    @Test
    void demoteAfterFenceLiftsThePause() throws Exception {
        try (RedisServer oldMaster = RedisServer.start();
             RedisServer replica = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(oldMaster.port));
             RedisNode oldNode = new RedisNode(oldMaster.endpoint(), GuardPolicy.DEFAULT);
             RedisNode newNode = new RedisNode(replica.endpoint(), GuardPolicy.DEFAULT)) {
            try (Jedis j = oldMaster.client()) {
                j.set("a", "1");
            }
            assertThat(RedisServer.await(5000, () -> newNode.check().keys() == 1)).isTrue();
            // Leaving MASTER: fence; the peer promotes; entering BACKUP: demote (guard allows: shared history).
            assertThat(oldNode.fence(Duration.ofSeconds(30), Optional.empty()).ok()).isTrue();
            assertThat(newNode.promote(Optional.of(oldNode.check()), T).ok()).isTrue();
            HookResult d = oldNode.demote(replica.endpoint(), false, T);
            assertThat(d).as(d.detail()).isInstanceOf(HookResult.Done.class);
            assertThat(d.detail()).contains("continues our replication history");
            try (Jedis w = new Jedis("127.0.0.1", oldMaster.port, 1000)) {
                // Unpaused: READONLY at once, not a hang in the pause.
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.set("a", "2"))
                        .hasMessageContaining("READONLY");
            }
        }
    }

    /**
     * A master that left (fenced) and comes back before its pause expires, its demote not done (the
     * new master could not be reached, then a flap): promoting it lifts the pause, or the VIP would
     * point at a Redis that hangs every write for the rest of the pause.
     */
    @Test
    void promoteAfterFenceLiftsThePause() throws Exception {
        try (RedisServer s = RedisServer.start();
             RedisNode node = new RedisNode(s.endpoint(), GuardPolicy.DEFAULT)) {
            try (Jedis j = s.client()) {
                j.set("x", "1");
            }
            assertThat(node.fence(Duration.ofSeconds(30), Optional.empty()).ok()).isTrue();
            try (Jedis writer = new Jedis("127.0.0.1", s.port, 300)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.set("x", "2"))
                        .as("paused").isInstanceOf(JedisException.class);
            }
            HookResult p = node.promote(Optional.empty(), T);
            assertThat(p).as(p.detail()).isInstanceOf(HookResult.Done.class);
            try (Jedis writer = new Jedis("127.0.0.1", s.port, 1000)) {
                assertThat(writer.set("x", "3")).isEqualTo("OK");
            }
        }
    }

    @Test
    void fencePausesWritesAndDropsNormalClients() throws Exception {
        try (RedisServer s = RedisServer.start();
             RedisNode node = new RedisNode(s.endpoint(), GuardPolicy.DEFAULT);
             Jedis c1 = s.client();
             Jedis c2 = new Jedis("127.0.0.1", s.port, 300);
             Jedis own = RedisConnector.open(s.endpoint())) {
            c1.set("x", "1");
            c2.ping();
            own.ping();
            HookResult res = node.fence(Duration.ofSeconds(5), Optional.empty());
            assertThat(res).isInstanceOf(HookResult.Done.class);
            assertThat(res.detail()).contains("writes paused", "2 client(s) disconnected");
            // Dropped: the old connection is gone.
            org.assertj.core.api.Assertions.assertThatThrownBy(c1::ping).isInstanceOf(JedisException.class);
            // keepvip's own connections (named "keepvip") survive, so the next hook does not fail once.
            assertThat(own.ping()).isEqualTo("PONG");
            // Reads pass, writes block (here: time out) while paused.
            try (Jedis reader = new Jedis("127.0.0.1", s.port, 300)) {
                assertThat(reader.get("x")).isEqualTo("1");
            }
            try (Jedis writer = new Jedis("127.0.0.1", s.port, 300)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.set("x", "2"))
                        .isInstanceOf(JedisException.class);
            }
            assertThat(node.unpause().ok()).isTrue();
            try (Jedis writer = new Jedis("127.0.0.1", s.port, 1000)) {
                assertThat(writer.set("x", "3")).isEqualTo("OK");
            }
            assertThat(node.check().verdict().ok()).as("the probe connection was spared").isTrue();
        }
    }

    /**
     * Leaving MASTER: after the fence the replica is waited for until it has the master's offset.
     * The master acknowledged a script of 100,000 writes just before the fence: a bound of 100 ms ends
     * with the replica named as short (the bytes it lacks, or no answer while it applies the stream);
     * a sensible one ends with the replica holding them all.
     */
    @Test
    void afterTheFenceTheReplicaIsAwaitedUntilItHasTheFencedOffset() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             RedisNode master = new RedisNode(m.endpoint(), GuardPolicy.DEFAULT);
             RedisNode replica = new RedisNode(r.endpoint(), GuardPolicy.DEFAULT)) {
            assertThat(RedisServer.await(5000, () -> replica.check().info().masterLinkUp())).isTrue();
            try (Jedis j = m.client()) {
                j.eval("for i = 1, 100000 do redis.call('SET', 'k' .. i, string.rep('v', 100)) end");
            }
            assertThat(master.fence(Duration.ofSeconds(30), Optional.empty()).ok()).isTrue();
            long target = master.check().info().masterReplOffset();
            HookResult early = master.awaitReplicas(Duration.ofMillis(100));
            if (early instanceof HookResult.Failed) {
                // Behind, or too busy applying the stream to answer within the bound: either way short, and named.
                assertThat(early.detail()).containsPattern("replica 127\\.0\\.0\\.1:" + r.port
                        + " (still [1-9][0-9]* bytes behind|not read \\(.*did not answer within)")
                        .startsWith("fenced offset " + target + ", after ");
            } else {
                // A fast machine applies the stream within the bound: then it says so, with the offset.
                assertThat(early.detail()).contains("127.0.0.1:" + r.port + " has the fenced offset " + target);
            }
            HookResult synced = master.awaitReplicas(Duration.ofSeconds(10));
            assertThat(synced).as(synced.detail()).isInstanceOf(HookResult.Done.class);
            assertThat(synced.detail()).contains("127.0.0.1:" + r.port + " has the fenced offset " + target);
            assertThat(replica.check().info().dataOffset()).isGreaterThanOrEqualTo(target);
            assertThat(replica.check().keys()).isEqualTo(100000);
        }
    }

    /** A replica that does not answer (stopped) costs the bound, no more, and is named; none online costs nothing. */
    @Test
    void aReplicaThatDoesNotAnswerCostsTheBoundAndNoReplicaCostsNothing() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             RedisNode master = new RedisNode(m.endpoint(), GuardPolicy.DEFAULT);
             RedisNode replica = new RedisNode(r.endpoint(), GuardPolicy.DEFAULT)) {
            assertThat(RedisServer.await(5000, () -> replica.check().info().masterLinkUp())).isTrue();
            assertThat(master.fence(Duration.ofSeconds(30), Optional.empty()).ok()).isTrue();
            r.signal("STOP");
            long t0 = System.nanoTime();
            HookResult stuck;
            try {
                stuck = master.awaitReplicas(Duration.ofMillis(300));
            } finally {
                r.signal("CONT");
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(stuck).as(stuck.detail()).isInstanceOf(HookResult.Failed.class);
            assertThat(stuck.detail()).contains("replica 127.0.0.1:" + r.port + " not read");
            assertThat(ms).as("bounded by 300 ms plus one read").isLessThan(1000);
            r.kill();
            assertThat(RedisServer.await(5000, () -> master.check().info().replicas().isEmpty())).isTrue();
            HookResult none = master.awaitReplicas(Duration.ofMillis(300));
            assertThat(none).as(none.detail()).isInstanceOf(HookResult.Done.class);
            assertThat(none.detail()).startsWith("no replica connected");
        }
    }

    /**
     * The soak's lost write: the peer took over (its Redis promoted) before this master's fence, and
     * the master went on acknowledging writes. The master lists no replica, and the release names
     * the peer's promotion offset as the point after which writes are lost, rather than "no replica
     * connected" as if nothing were at stake.
     */
    @Test
    void aPeerPromotedBeforeTheFenceIsNamedWithTheOffsetAfterWhichWritesAreLost() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             RedisNode master = new RedisNode(m.endpoint(), GuardPolicy.DEFAULT);
             RedisNode replica = new RedisNode(r.endpoint(), GuardPolicy.DEFAULT);
             Jedis mj = m.client(); Jedis rj = r.client()) {
            assertThat(RedisServer.await(5000, () -> replica.check().info().masterLinkUp())).isTrue();
            mj.set("before", "1");
            mj.waitReplicas(1, 2000);
            rj.replicaofNoOne(); // the peer's takeover
            long promotedAt = replica.check().info().secondReplOffset() - 1;
            assertThat(RedisServer.await(5000, () -> master.check().info().replicas().isEmpty())).isTrue();
            mj.set("after", "acknowledged, on no replica");
            assertThat(master.fence(Duration.ofSeconds(30), Optional.empty()).ok()).isTrue();
            long target = master.check().info().masterReplOffset();
            assertThat(target).isGreaterThan(promotedAt);

            HookResult res = master.awaitReplicas(Duration.ofMillis(300), Optional.of(r.endpoint()));
            assertThat(res).as(res.detail()).isInstanceOf(HookResult.Failed.class);
            assertThat(res.detail()).startsWith("no replica connected at fenced offset " + target)
                    .contains("the peer's Redis 127.0.0.1:" + r.port + " is a master already, promoted at offset "
                            + promotedAt + ", " + (target - promotedAt) + " bytes short")
                    .endsWith("writes after offset " + promotedAt + " may be lost");
        }
    }

    /** A switchover promoted the peer with every fenced byte: its release reports nothing lost. */
    @Test
    void aPeerPromotedWithTheFencedOffsetLosesNothing() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             RedisNode master = new RedisNode(m.endpoint(), GuardPolicy.DEFAULT);
             RedisNode replica = new RedisNode(r.endpoint(), GuardPolicy.DEFAULT);
             Jedis mj = m.client(); Jedis rj = r.client()) {
            assertThat(RedisServer.await(5000, () -> replica.check().info().masterLinkUp())).isTrue();
            mj.set("k", "v");
            assertThat(master.fence(Duration.ofSeconds(30), Optional.empty()).ok()).isTrue();
            long target = master.check().info().masterReplOffset();
            assertThat(RedisServer.await(5000, () -> replica.check().info().dataOffset() >= target)).isTrue();
            rj.replicaofNoOne();
            assertThat(RedisServer.await(5000, () -> master.check().info().replicas().isEmpty())).isTrue();

            HookResult res = master.awaitReplicas(Duration.ofMillis(300), Optional.of(r.endpoint()));
            assertThat(res).as(res.detail()).isInstanceOf(HookResult.Done.class);
            assertThat(res.detail()).contains("127.0.0.1:" + r.port + " is a master already, promoted with the fenced"
                    + " offset " + target);
        }
    }

    /**
     * The peer's Redis lost its link to this master and missed the last writes: the release waits
     * within its bound for it to reconnect and catch up, where before it found no replica listed and
     * waited for nothing.
     */
    @Test
    void aPeerNotConnectedAtTheFenceIsAwaitedUntilItHasTheFencedOffset() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             RedisNode master = new RedisNode(m.endpoint(), GuardPolicy.DEFAULT);
             RedisNode replica = new RedisNode(r.endpoint(), GuardPolicy.DEFAULT);
             Jedis mj = m.client()) {
            assertThat(RedisServer.await(5000, () -> replica.check().info().masterLinkUp())).isTrue();
            r.signal("STOP"); // cannot reconnect until CONT
            HookResult res;
            long target;
            try {
                mj.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                        .type(redis.clients.jedis.args.ClientType.REPLICA));
                assertThat(RedisServer.await(5000, () -> master.check().info().replicas().isEmpty())).isTrue();
                mj.set("missed", "by the replica");
                assertThat(master.fence(Duration.ofSeconds(30), Optional.empty()).ok()).isTrue();
                target = master.check().info().masterReplOffset();
            } finally {
                r.signal("CONT");
            }
            // It reconnects at its next replication cron, within a second.
            res = master.awaitReplicas(Duration.ofSeconds(5), Optional.of(r.endpoint()));
            assertThat(res).as(res.detail()).isInstanceOf(HookResult.Done.class);
            assertThat(res.detail()).contains("127.0.0.1:" + r.port).contains("has the fenced offset " + target);
            assertThat(replica.check().info().dataOffset()).isGreaterThanOrEqualTo(target);
            try (Jedis rj = r.client()) {
                assertThat(rj.get("missed")).isEqualTo("by the replica");
            }
        }
    }

    /** A peer that never connects costs the bound and is reported with what may be lost. */
    @Test
    void aPeerThatNeverConnectsCostsTheBoundAndIsReported() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisNode master = new RedisNode(m.endpoint(), GuardPolicy.DEFAULT)) {
            m.client().set("k", "v");
            assertThat(master.fence(Duration.ofSeconds(30), Optional.empty()).ok()).isTrue();
            long target = master.check().info().masterReplOffset();
            RedisEndpoint nobody = RedisEndpoint.of("127.0.0.1", RedisServer.freePort());
            long t0 = System.nanoTime();
            HookResult res = master.awaitReplicas(Duration.ofMillis(200), Optional.of(nobody));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(res).as(res.detail()).isInstanceOf(HookResult.Failed.class);
            assertThat(res.detail()).startsWith("no replica connected at fenced offset " + target)
                    .contains("the peer's Redis " + nobody.address() + ": not read")
                    .endsWith("writes up to offset " + target + " the peer lacks may be lost");
            assertThat(ms).as("bounded by 200 ms plus one read").isBetween(200L, 1000L);
        }
    }
}
