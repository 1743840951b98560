package org.keepvip.e2e.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.MetricsE2ETest.promtoolAccepts;
import static org.keepvip.e2e.MetricsE2ETest.scrape;
import static org.keepvip.e2e.MetricsE2ETest.value;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.MetricsE2ETest;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.LabAssumptions;

/**
 * The Redis metrics of a real pair (redis-server and keepvip on each node, metrics on): up, role,
 * offset and checks while healthy, then a kill -9 of the master's redis-server: the master's
 * Redis goes down and it resigns (cause redis_check_failed), the replica's promotion is counted
 * and timed. Every scrape passes promtool.
 */
class RedisMetricsE2ETest {
    static final String R = "redis=\"r6379\"";
    static final String VI = "vrrp_instance=\"VI_R\",vrid=\"71\",interface=\"eth0\"";

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server");
    }

    @Test
    void redisMetricsFollowAKillOfTheMastersRedis() throws Exception {
        try (RedisPair p = RedisPair.start("0.1", pair -> pair.metricsPort = MetricsE2ETest.PORT)) {
            Await.until(Duration.ofSeconds(10), "b's check reports a replica with an offset", () -> {
                String s = scrape(p.lab, p.b);
                return value(s, "keepvip_redis_role{" + R + ",role=\"replica\"}").orElse(0) == 1
                        && value(s, "keepvip_redis_replication_offset_bytes{" + R + "}").orElse(0) > 0;
            });
            String atA = scrape(p.lab, p.a);
            String atB = scrape(p.lab, p.b);
            promtoolAccepts(p.lab, atA);
            promtoolAccepts(p.lab, atB);
            assertThat(value(atA, "keepvip_redis_up{" + R + "}")).hasValue(1);
            assertThat(value(atA, "keepvip_redis_role{" + R + ",role=\"master\"}")).hasValue(1);
            // At least the promotion of a's takeover (a loaded host may have made a take over twice).
            double promotedA = value(atA, "keepvip_redis_promotions_total{" + R + ",result=\"ok\"}").orElseThrow();
            assertThat(promotedA).isGreaterThanOrEqualTo(1);
            assertThat(value(atA, "keepvip_redis_promotion_duration_seconds_count{" + R + "}").orElseThrow())
                    .as("each promotion timed").isEqualTo(promotedA
                            + value(atA, "keepvip_redis_promotions_total{" + R + ",result=\"failed\"}").orElseThrow()
                            + value(atA, "keepvip_redis_promotions_total{" + R + ",result=\"refused\"}").orElseThrow());
            assertThat(value(atA, "keepvip_redis_check_duration_seconds_count{" + R + "}").orElseThrow())
                    .isGreaterThan(5);
            assertThat(value(atA, "keepvip_redis_wipe_guard_refusals_total{" + R + "}")).hasValue(0);
            assertThat(value(atA, "keepvip_vrrp_tracker_up{" + VI + ",tracker=\"redis:r6379\"}")).hasValue(1);
            assertThat(value(atB, "keepvip_redis_up{" + R + "}")).hasValue(1);
            // Seconds without data from the master: an idle master pings every 10 s (repl-ping-replica-period).
            assertThat(value(atB, "keepvip_redis_replication_lag_seconds{" + R + "}").orElseThrow())
                    .isBetween(0.0, 11.0);
            assertThat(value(atB, "keepvip_redis_demotions_total{" + R + ",result=\"ok\"}").orElseThrow())
                    .as("b was told to replicate from a").isGreaterThanOrEqualTo(1);

            double promotedB = value(atB, "keepvip_redis_promotions_total{" + R + ",result=\"ok\"}").orElseThrow();
            p.killRedis(p.a);
            p.awaitVipOn(p.b, Duration.ofSeconds(10));
            Await.until(Duration.ofSeconds(10), "b's promotion counted", () -> value(scrape(p.lab, p.b),
                    "keepvip_redis_promotions_total{" + R + ",result=\"ok\"}").orElse(0) == promotedB + 1);
            String afterB = scrape(p.lab, p.b);
            promtoolAccepts(p.lab, afterB);
            assertThat(value(afterB, "keepvip_redis_role{" + R + ",role=\"master\"}")).hasValue(1);
            assertThat(value(afterB, "keepvip_redis_promotion_duration_seconds_sum{" + R + "}").orElseThrow())
                    .isPositive().isLessThan(3.0);
            assertThat(value(afterB, "keepvip_vrrp_state{" + VI + ",state=\"MASTER\"}")).hasValue(1);
            Await.until(Duration.ofSeconds(10), "a's Redis down and its resignation counted", () -> {
                String s = scrape(p.lab, p.a);
                return value(s, "keepvip_redis_up{" + R + "}").orElse(1) == 0
                        && value(s, "keepvip_vrrp_transitions_total{" + VI
                                + ",from=\"MASTER\",to=\"BACKUP\",cause=\"redis_check_failed\"}").orElse(0) >= 1;
            });
            String afterA = scrape(p.lab, p.a);
            promtoolAccepts(p.lab, afterA);
            assertThat(value(afterA, "keepvip_vrrp_tracker_up{" + VI + ",tracker=\"redis:r6379\"}")).hasValue(0);
            assertThat(value(afterA, "keepvip_redis_fences_total{" + R + ",result=\"ok\"}").orElse(0)
                    + value(afterA, "keepvip_redis_fences_total{" + R + ",result=\"failed\"}").orElse(0))
                    .as("a fenced its (dead) Redis before releasing the VIP").isGreaterThanOrEqualTo(1);
        }
    }
}
