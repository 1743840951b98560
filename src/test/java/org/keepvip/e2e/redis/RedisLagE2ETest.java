package org.keepvip.e2e.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.redis.RedisPair.PORT;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.LabAssumptions;

/**
 * Hazard H3 on a real pair: b's replication is cut (a locks out b's ACL user) while a takes writes;
 * b goes FAULT (lag_penalty fault) and, when a's Redis then dies, does not take over with the writes
 * it never got. a's Redis comes back from its AOF, b catches up from it and is eligible again, and
 * the VIP ends on one node whose Redis has every write a acknowledged.
 */
class RedisLagE2ETest {
    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server", "redis-cli");
    }

    private static StatusSnapshot.Redis redis(RedisPair p, org.keepvip.e2e.lab.Node n) {
        try {
            StatusSnapshot.Redis r = p.status(n).instances().get(0).redis();
            return r == null ? new StatusSnapshot.Redis("", "", "", null, "", "") : r;
        } catch (Exception e) {
            return new StatusSnapshot.Redis("", "", "", null, "", "");
        }
    }

    private static String redisCli(RedisPair p, org.keepvip.e2e.lab.Node n, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "redis-cli";
        cmd[1] = "-p";
        cmd[2] = Integer.toString(PORT);
        System.arraycopy(args, 0, cmd, 3, args.length);
        CommandResult r = p.lab.exec(n, cmd);
        return r.stdout().trim();
    }

    @Test
    void aLaggingReplicaDoesNotTakeOverAndRecoversWhenItCatchesUp() throws Exception {
        try (RedisPair p = RedisPair.start("0.1", q -> {
            q.replUser = true;
            q.redisExtra = "max_lag_bytes 20000\n    lag_penalty fault";
        })) {
            Await.until(Duration.ofSeconds(10), "b eligible", () -> "eligible".equals(redis(p, p.b).eligibility()));
            assertThat(redis(p, p.a).eligibilityReason()).isEqualTo("this node is the VRRP master");

            assertThat(redisCli(p, p.a, "acl", "setuser", "repl", "off")).isEqualTo("OK");
            redisCli(p, p.a, "client", "kill", "type", "replica");
            assertThat(redisCli(p, p.a, "eval",
                    "for i=1,100 do redis.call('set','lag:'..i,string.rep('x',1000)) end return 100", "0"))
                    .isEqualTo("100");

            Await.until(Duration.ofSeconds(10), "b FAULT by redis-lag", () -> p.state(p.b).equals("FAULT"));
            StatusSnapshot.Redis rb = redis(p, p.b);
            assertThat(rb.eligibility()).isEqualTo("not eligible");
            assertThat(rb.eligibilityReason()).containsPattern("replica is \\d+ bytes behind the master's offset");
            assertThat(p.state(p.a)).isEqualTo("MASTER");
            // Logged with the state change, but written by b's log writer after the status shows it.
            assertThat(p.awaitKeepvipLog(p.b, "Redis_Lag(r6379) replica is", "not eligible"))
                    .contains("Redis_Lag(r6379) replica is").contains("not eligible");

            // The master dies: b is judged against a's last offset and stays out.
            p.killRedis(p.a);
            Await.until(Duration.ofSeconds(10), "b judging against a's last answer",
                    () -> String.valueOf(redis(p, p.b).eligibilityReason()).contains("not answering"));
            Await.until(Duration.ofSeconds(10), "a released the VIP", () -> !p.holdsVip(p.a));
            assertThat(p.state(p.b)).isEqualTo("FAULT");
            assertThat(p.holdsVip(p.b)).isFalse();
            assertThat(redis(p, p.b).eligibility()).isEqualTo("not eligible");

            // a's Redis comes back from its AOF (repl user on again): b full-syncs from it and is eligible
            // again; whoever then holds the VIP serves every write a acknowledged (a may still be backing
            // off from a promotion that raced its Redis' restart, and b may take over: both are right).
            p.startRedis(p.a, null);
            try {
                Await.until(Duration.ofSeconds(20), "b caught up and eligible", () -> {
                    StatusSnapshot.Redis r = redis(p, p.b);
                    return "eligible".equals(r.eligibility()) && !String.valueOf(r.eligibilityReason())
                            .contains("not answering");
                });
                Await.until(Duration.ofSeconds(30), "the VIP on one node, serving a's writes", () -> {
                    if (p.holdsVip(p.a) == p.holdsVip(p.b)) {
                        return false;
                    }
                    try {
                        return p.withJedis(RedisPair.VIP, 500, j -> "master".equals(j.role().get(0))
                                && j.exists("lag:1") && j.exists("lag:100"));
                    } catch (Exception e) {
                        return false;
                    }
                });
            } catch (AssertionError e) {
                System.out.println("[redis-e2e] a's log:\n" + p.keepvipLog(p.a) + "\n[redis-e2e] b's log:\n"
                        + p.keepvipLog(p.b));
                throw e;
            }
            assertThat(p.awaitKeepvipLog(p.b, "eligible again")).contains("eligible again");
        }
    }
}
