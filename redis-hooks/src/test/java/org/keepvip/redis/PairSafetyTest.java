package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Pair mode's data safety against real redis-servers: min-replicas set and read back (and Redis
 * refusing writes under it), the peer probe's answers, and a diverged dataset kept on disk before
 * the resync that replaces it.
 */
class PairSafetyTest {
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void minReplicasIsReadSetAndMakesALoneMasterRefuseWrites() throws Exception {
        try (RedisServer m = RedisServer.start()) {
            MinReplicasControl c = new MinReplicasControl(m.endpoint());
            assertThat(c.read()).contains(new MinReplicasControl.Setting(0, 10));
            assertThat(c.apply(new MinReplicasControl.Setting(1, 3))).isInstanceOf(HookResult.Done.class);
            assertThat(c.read()).contains(new MinReplicasControl.Setting(1, 3));
            try (Jedis j = m.client()) {
                assertThatThrownBy(() -> j.set("k", "v")).isInstanceOf(JedisDataException.class)
                        .hasMessageContaining("NOREPLICAS");
                assertThat(c.apply(new MinReplicasControl.Setting(0, 3)).ok()).isTrue();
                assertThat(j.set("k", "v")).isEqualTo("OK");
            }
        }
        MinReplicasControl gone = new MinReplicasControl(RedisEndpoint.of("127.0.0.1", RedisServer.freePort()));
        assertThat(gone.read()).isEmpty();
        assertThat(gone.apply(new MinReplicasControl.Setting(1, 3))).isInstanceOf(HookResult.Failed.class);
    }

    @Test
    void peerProbeTellsARefusalAReplicaAndAMasterApart() throws Exception {
        PeerReach.Result refused = PeerReach.probe(RedisEndpoint.of("127.0.0.1", RedisServer.freePort()));
        assertThat(refused.reach()).isEqualTo(PeerReach.Reach.REFUSED);
        assertThat(refused.detail()).contains("refuses connections");
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port))) {
            assertThat(PeerReach.probe(m.endpoint()).reach()).isEqualTo(PeerReach.Reach.MASTER);
            PeerReach.Result replica = PeerReach.probe(r.endpoint());
            assertThat(replica.reach()).isEqualTo(PeerReach.Reach.NOT_MASTER);
            assertThat(replica.detail()).contains("replica of 127.0.0.1:" + m.port);
        }
        try (RedisServer locked = RedisServer.start("--requirepass", "s3cret")) {
            assertThat(PeerReach.probe(locked.endpoint()).reach()).as("role unknown: not safe to relax")
                    .isEqualTo(PeerReach.Reach.MASTER);
        }
    }

    @Test
    void divergedDatasetIsSavedBeforeTheResyncAndHoldsTheLosersOwnKeys() throws Exception {
        try (RedisServer survivor = RedisServer.start();
             RedisServer loser = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(survivor.port));
             RedisNode node = new RedisNode(loser.endpoint(), GuardPolicy.DEFAULT)) {
            try (Jedis j = survivor.client()) {
                j.set("shared", "1");
            }
            assertThat(RedisServer.await(5000, () -> node.check().keys() == 1)).isTrue();
            // The split: the loser is promoted and takes writes the survivor never gets.
            assertThat(node.promote(java.util.Optional.empty(), T).ok()).isTrue();
            try (Jedis l = loser.client(); Jedis s = survivor.client()) {
                for (int i = 0; i < 50; i++) {
                    l.set("only-loser:" + i, Integer.toString(i));
                }
                s.set("only-survivor", "1");
            }
            HookResult r = node.demote(survivor.endpoint(), false, T);
            assertThat(r).as("%s", r).isInstanceOf(HookResult.Done.class);
            String kept = ((HookResult.Done) r).warnings().stream().filter(w -> w.startsWith(RedisNode.SNAPSHOT_SAVED))
                    .findFirst().orElseThrow();
            assertThat(kept).contains("51 keys");
            List<Path> files = DatasetSnapshot.kept(loser.dir);
            assertThat(files).hasSize(1);
            assertThat(kept).contains(files.get(0).toString());
            assertThat(RedisServer.await(5000, () -> node.check().info().masterLinkUp())).isTrue();
            try (Jedis l = loser.client()) {
                assertThat(l.exists("only-loser:0")).as("the resync replaced the loser's data").isFalse();
            }
            // The kept file, loaded by a throwaway server, has what the resync discarded.
            try (RedisServer reader = RedisServer.start("--dir", files.get(0).getParent().toString(), "--dbfilename",
                    files.get(0).getFileName().toString()); Jedis j = reader.client()) {
                assertThat(j.dbSize()).isEqualTo(51);
                assertThat(j.get("only-loser:49")).isEqualTo("49");
                assertThat(j.exists("only-survivor")).isFalse();
            }
        }
    }
}
