package org.keepvip.agent.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.redis.HookResult;
import org.keepvip.redis.RedisHealth;
import org.keepvip.redis.ScriptedRedisHooks;
import org.keepvip.redis.Verdict;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.ParseResult;
import org.keepvip.vrrp.config.RedisInstance;

/**
 * {@link RedisWiring}'s side of the lane's role changes, on redis-hooks' scripted {@code RedisHooks}
 * (its test-jar fake): which connection each step uses, what the lane is told, and what a demote's
 * warnings leave for status. The Redis commands themselves are redis-hooks' tests, on a real server.
 */
class RedisWiringRoleTest {
    @TempDir
    Path dir;

    /** One fake per connection the wiring opens, in order: check, hook, fence. */
    private final List<ScriptedRedisHooks> nodes = new CopyOnWriteArrayList<>();
    private RedisWiring wiring;

    @AfterEach
    void close() {
        if (wiring != null) {
            wiring.close();
        }
    }

    private RedisWiring wiring() throws Exception {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, """
                redis_instance r1 {
                    address 127.0.0.1:6379
                    promote_timeout 1
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 9
                    priority 100
                    virtual_ipaddress {
                        192.0.2.9/24
                    }
                    track_redis {
                        r1
                    }
                }
                """);
        ParseResult r = ConfigParser.parse(f.toString(), new FileConfigSource(), null);
        assertThat(r.hasErrors()).as(r.diagnostics().toString()).isFalse();
        RedisInstance config = r.config().redisInstance("r1").orElseThrow();
        wiring = new RedisWiring(config, ep -> {
            ScriptedRedisHooks node = new ScriptedRedisHooks(ep, RedisHealth.unreachable(ep, new Verdict.Failed("not started")));
            nodes.add(node);
            return node;
        });
        assertThat(nodes).hasSize(3);
        return wiring;
    }

    private ScriptedRedisHooks hook() {
        return nodes.get(1);
    }

    private ScriptedRedisHooks fence() {
        return nodes.get(2);
    }

    @Test
    void aPromotionIsConfirmedOnTheHookConnectionAndItsRoleWrittenAfter() throws Exception {
        RedisWiring w = wiring();
        assertThat(w.promote()).as("null: done").isNull();
        assertThat(hook().calls().get(0)).as("CONFIG REWRITE left until the VIP is announced")
                .isEqualTo("promote unpersisted");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!hook().calls().contains("persist role") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(hook().calls()).containsExactly("promote unpersisted", "persist role");
        assertThat(fence().calls()).isEmpty();
    }

    @Test
    void aFailedPromotionTellsTheLaneWhy() throws Exception {
        RedisWiring w = wiring();
        hook().thenResult(new HookResult.Failed("Redis 127.0.0.1:6379 did not report ROLE master"));
        assertThat(w.promote()).isEqualTo("Redis 127.0.0.1:6379 did not report ROLE master");
        assertThat(hook().calls()).containsExactly("promote unpersisted");
    }

    @Test
    void aFenceUsesTheShortTimeoutConnectionAndPausesForTheFencePause() throws Exception {
        RedisWiring w = wiring();
        w.fence("VI_1", Duration.ofMillis(200));
        assertThat(fence().calls()).hasSize(2).startsWith("fence " + RedisWiring.FENCE_PAUSE.toMillis() + "ms");
        assertThat(fence().calls().get(1)).as("the bound less the fence's time").matches("await replicas \\d+ms");
        assertThat(Integer.parseInt(fence().calls().get(1).replaceAll("\\D", ""))).isBetween(0, 200);
        assertThat(fence().endpoint().readTimeout()).isLessThan(hook().endpoint().readTimeout());
        assertThat(hook().calls()).isEmpty();
    }

    /**
     * A MASTER that followed a peer before it took over expects that peer's Redis as its replica at
     * the release: the fence's wait is told which one, also after the promotion ended the following.
     */
    @Test
    void theReleaseExpectsThePeerItLastReplicatedFrom() throws Exception {
        RedisWiring w = wiring();
        w.demote(InetAddress.getByName("192.0.2.2"));
        assertThat(w.promote()).isNull();
        w.fence("VI_1", Duration.ofMillis(200));
        assertThat(fence().calls().get(1)).matches("await replicas \\d+ms expecting 192\\.0\\.2\\.2:6379");
    }

    /**
     * The wait for the replicas comes after a fence that held (the offset stops moving), and a
     * replica left behind at the bound does not stop the release: the lane goes on to remove the VIP.
     */
    @Test
    void theReplicasAreAwaitedOnlyAfterAFenceThatHeldAndABehindReplicaDoesNotStopTheRelease() throws Exception {
        RedisWiring w = wiring();
        fence().thenResult(new HookResult.Done("fenced", List.of()))
                .thenResult(new HookResult.Failed("fenced offset 9000, after 20.1 ms: replica"
                        + " 192.0.2.2:6379 still 512 bytes behind"));
        w.fence("VI_1", Duration.ofMillis(20));
        assertThat(fence().calls()).hasSize(2).startsWith("fence " + RedisWiring.FENCE_PAUSE.toMillis() + "ms");
        assertThat(fence().calls().get(1)).startsWith("await replicas ");
        fence().thenResult(new HookResult.Failed("fencing Redis 127.0.0.1:6379 failed: unreachable"));
        w.fence("VI_1", Duration.ofMillis(20));
        assertThat(fence().calls()).as("no offset to wait for after a failed fence").hasSize(3)
                .endsWith("fence " + RedisWiring.FENCE_PAUSE.toMillis() + "ms");
    }

    @Test
    void theReplicaWaitIsBoundedByWhatThePeersDownTimerLeavesAndByTheExitBudget() {
        assertThat(org.keepvip.agent.loop.Ports.RedisRole.replicaSyncBound(3, 10_000_000L))
                .isEqualTo(Duration.ofMillis(20));
        assertThat(org.keepvip.agent.loop.Ports.RedisRole.replicaSyncBound(3, 100_000_000L))
                .isEqualTo(Duration.ofMillis(200));
        assertThat(org.keepvip.agent.loop.Ports.RedisRole.replicaSyncBound(3, 1_000_000_000L))
                .isEqualTo(org.keepvip.agent.loop.Ports.RedisRole.MAX_REPLICA_SYNC);
        assertThat(org.keepvip.agent.loop.Ports.RedisRole.replicaSyncBound(1, 100_000_000L))
                .as("a down timer of one advert still leaves one").isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aDemoteFollowsTheMasterAndKeepsAReportedDivergenceForStatus() throws Exception {
        RedisWiring w = wiring();
        InetAddress master = InetAddress.getByName("192.0.2.2");
        hook().thenResult(new HookResult.Done("replicating",
                List.of("full resync from 192.0.2.2:6379: 12 writes of this node discarded")));
        w.demote(master);
        assertThat(hook().calls()).containsExactly("demote 192.0.2.2:6379");
        assertThat(w.lastDivergence()).contains("full resync from 192.0.2.2:6379: 12 writes of this node discarded");
    }

    @Test
    void aRefusedDemoteIsNotRetried() throws Exception {
        RedisWiring w = wiring();
        hook().thenResult(new HookResult.Refused("wipe guard: the master is empty"));
        w.demote(InetAddress.getByName("192.0.2.2"));
        assertThat(hook().calls()).containsExactly("demote 192.0.2.2:6379");
        assertThat(w.lastDivergence()).isEmpty();
    }
}
