package org.keepvip.agent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.redis.Snapshots.R1;
import static org.keepvip.redis.Snapshots.R2;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.keepvip.redis.LagPolicy;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.RedisHealth;
import org.keepvip.redis.RedisProbe;
import org.keepvip.redis.Snapshots;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.RedisInstance;

/** H3 judgement with scripted INFO snapshots, a fake clock and probes run inline: no Redis, no threads. */
class LagJudgeTest {
    private static final RedisEndpoint MASTER = RedisEndpoint.of("198.51.100.1", 6379);
    private static final long SEC = 1_000_000_000L;

    /** A probe of the master that answers whatever the test sets, and counts its calls. */
    static final class FakeMaster implements RedisProbe {
        volatile RedisHealth answer;
        final List<RedisEndpoint> asked = new ArrayList<>();

        @Override
        public RedisHealth check() {
            return answer;
        }

        @Override
        public void close() {
        }
    }

    private final AtomicLong clock = new AtomicLong(1_000 * SEC);
    private final FakeMaster master = new FakeMaster();
    private final Executor inline = Runnable::run;

    private LagJudge judge(LagPolicy policy, Executor prober) {
        return new LagJudge("r1", policy, Duration.ofMillis(200), Duration.ofMillis(250), ep -> {
            master.asked.add(ep);
            return master;
        }, clock::get, prober);
    }

    private static RedisHealth replica(long offset, boolean linkUp, long downSince) {
        return Snapshots.health(Snapshots.replica(R1, offset, 10, linkUp, downSince));
    }

    private static RedisHealth masterAt(long offset) {
        return Snapshots.health(Snapshots.master(R1, offset, 10, 3600));
    }

    /** One check, 200 ms after the last. */
    private Optional<Boolean> check(LagJudge j, RedisHealth self) {
        clock.addAndGet(200_000_000L);
        return j.judge(self, false, MASTER);
    }

    private static RedisInstance redis(long bytes, Duration secs, RedisInstance.LagPenalty penalty) {
        return new RedisInstance("r1", "127.0.0.1", 6379, null, null, RedisInstance.Tls.OFF, Duration.ofMillis(200),
                Duration.ofMillis(250), 2, 2, 0, Duration.ofSeconds(5), bytes, secs, penalty, false, true, 0, null, null,
                new Origin("keepalived.conf", 1));
    }

    @Test
    void lagPenaltyMapsOntoPolicyAndTrackerWeight() {
        assertThat(LagJudge.policy(redis(0, Duration.ZERO, RedisInstance.LagPenalty.FAULT))).isNull();
        assertThat(LagJudge.enabled(redis(0, Duration.ZERO, new RedisInstance.LagPenalty(false, -30)))).isFalse();

        RedisInstance fault = redis(1_048_576, Duration.ZERO, RedisInstance.LagPenalty.FAULT);
        assertThat(LagJudge.policy(fault)).isEqualTo(new LagPolicy(30, 1_048_576, -1, 0));
        assertThat(LagJudge.trackerWeight(fault)).isZero();

        RedisInstance minus30 = redis(0, Duration.ofMillis(12_500), new RedisInstance.LagPenalty(false, -30));
        // Whole seconds: master_last_io_seconds_ago > 12.5 is > 12; the link-down limit follows it.
        assertThat(LagJudge.policy(minus30)).isEqualTo(new LagPolicy(12, -1, 12, 30));
        assertThat(LagJudge.trackerWeight(minus30)).isEqualTo(-30);

        RedisInstance extreme = redis(1, Duration.ofSeconds(1), new RedisInstance.LagPenalty(false, -253));
        assertThat(LagJudge.policy(extreme).penalty()).isEqualTo(253);
        assertThat(LagJudge.trackerWeight(extreme)).isEqualTo(-253);
    }

    @Test
    void replicaBehindTheMastersOffsetIsReportedOnceThenEligibleAgain() {
        LagJudge j = judge(new LagPolicy(30, 500, -1, 0), inline);
        master.answer = masterAt(10_000);

        assertThat(check(j, replica(9_000, true, -1))).contains(false);
        assertThat(j.verdict().eligible()).isFalse();
        assertThat(j.verdict().reason()).isEqualTo("replica is 1000 bytes behind the master's offset 10000 (limit 500)");
        assertThat(master.asked).containsExactly(MASTER);
        assertThat(check(j, replica(9_100, true, -1))).as("no change, no report").isEmpty();

        assertThat(check(j, replica(9_600, true, -1))).contains(true);
        assertThat(j.verdict().word()).isEqualTo("eligible");
        assertThat(check(j, replica(9_700, true, -1))).isEmpty();
    }

    @Test
    void theMasterIsProbedAtMostOncePerIntervalAndOneAtATime() {
        ArrayDeque<Runnable> queued = new ArrayDeque<>();
        LagJudge j = judge(new LagPolicy(30, 500, -1, 0), queued::add);
        master.answer = masterAt(10_000);

        // The first verdict waits for the master's first answer instead of reporting "eligible" blind.
        assertThat(check(j, replica(9_000, true, -1))).isEmpty();
        assertThat(check(j, replica(9_000, true, -1))).isEmpty();
        assertThat(queued).as("one probe in flight").hasSize(1);
        queued.poll().run();
        assertThat(check(j, replica(9_000, true, -1))).contains(false);
        assertThat(queued).hasSize(1);

        queued.poll().run();
        clock.addAndGet(100_000_000L); // a check 100 ms after the last: too early for another probe
        assertThat(j.judge(replica(9_000, true, -1), false, MASTER)).isEmpty();
        assertThat(queued).isEmpty();
    }

    @Test
    void aDeadMasterLeavesALaggingReplicaJudgedAgainstItsLastOffset() {
        LagJudge j = judge(new LagPolicy(5, 500, 5, 0), inline);
        master.answer = masterAt(10_000);
        assertThat(check(j, replica(9_000, true, -1))).contains(false);

        master.answer = Snapshots.down();
        clock.addAndGet(60 * SEC);
        // The replica's link is down for long now, but only because the master died; the byte gap stays.
        assertThat(check(j, replica(9_000, false, 60))).isEmpty();
        assertThat(j.verdict().eligible()).isFalse();
        assertThat(j.verdict().reason()).startsWith("replica is 1000 bytes behind the master's offset 10000")
                .contains("master 198.51.100.1:6379 not answering: judged against its last answer");
        assertThat(j.snapshot()).get().extracting(s -> s.health().info().masterReplOffset()).isEqualTo(10_000L);
    }

    @Test
    void aDeadMasterNeverMakesAnUpToDateReplicaIneligible() {
        // The no-deadlock rule: time limits count only while the master answers.
        LagJudge j = judge(new LagPolicy(2, 500, 2, 0), inline);
        master.answer = masterAt(10_000);
        assertThat(check(j, replica(10_000, true, -1))).contains(true);

        master.answer = Snapshots.down();
        for (int down = 0; down <= 120; down += 10) {
            clock.addAndGet(10 * SEC);
            assertThat(check(j, replica(10_000, false, down))).as("link down %d s", down).isEmpty();
        }
        assertThat(j.verdict().eligible()).isTrue();
        assertThat(j.verdict().reason()).contains("not answering");
    }

    @Test
    void aReplicaCutOffWhileTheMasterAnsweredStaysOutAfterTheMasterDies() {
        LagJudge j = judge(new LagPolicy(5, -1, 5, 30), inline);
        master.answer = masterAt(10_000);
        assertThat(check(j, replica(10_000, true, -1))).contains(true);
        assertThat(check(j, replica(10_000, false, 9))).contains(false);
        assertThat(j.verdict().reason()).startsWith("replication link down for 9 s (limit 5 s)");

        master.answer = Snapshots.down();
        assertThat(check(j, replica(10_000, false, 10))).isEmpty();
        assertThat(j.verdict().eligible()).isFalse();

        master.answer = masterAt(10_000); // back, and the replica catches up
        assertThat(check(j, replica(10_000, true, -1))).contains(true);
    }

    @Test
    void aMasterRestartedOnANewHistoryDoesNotMakeALaggingReplicaCurrent() {
        LagJudge j = judge(new LagPolicy(30, 500, -1, 0), inline);
        master.answer = masterAt(10_000);
        assertThat(check(j, replica(1_000, false, 3))).contains(false);

        // Restarted from its AOF: new replid, offset 0, but it holds the writes the replica lacks.
        master.answer = Snapshots.health(Snapshots.master(R2, 0, 100, 1));
        assertThat(check(j, replica(1_000, false, 4))).isEmpty();
        assertThat(j.verdict().reason()).startsWith("replica is 9000 bytes behind the master's offset 10000");

        // Promoted from the replica's history (replid2 = R1): its offset continues it.
        master.answer = Snapshots.health(Snapshots.master(R2, 12_000, 100, 1, R1, 10_001));
        assertThat(check(j, replica(11_800, true, -1))).contains(true);
        // After a full sync the replica is on the master's new history.
        assertThat(check(j, Snapshots.health(Snapshots.replica(R2, 11_000, 100, true, -1)))).contains(false);
        assertThat(j.verdict().reason()).startsWith("replica is 1000 bytes behind the master's offset 12000");
    }

    @Test
    void noDataForTooLongWhileTheLinkIsUp() {
        LagJudge j = judge(new LagPolicy(30, -1, 12, 0), inline);
        master.answer = masterAt(10_000);
        RedisHealth quiet = Snapshots.health(Snapshots.replica(R1, 10_000, 10, true, -1)
                .replace("master_last_io_seconds_ago:0", "master_last_io_seconds_ago:13"));
        assertThat(check(j, quiet)).contains(false);
        assertThat(j.verdict().reason()).startsWith("no data from the master for 13 s (limit 12 s)");
    }

    @Test
    void theVrrpMasterAndARedisMasterAreAlwaysEligible() {
        LagJudge j = judge(new LagPolicy(30, 500, -1, 0), inline);
        master.answer = masterAt(10_000);
        assertThat(check(j, replica(1_000, true, -1))).contains(false);

        clock.addAndGet(200_000_000L);
        assertThat(j.judge(replica(1_000, true, -1), true, null)).as("promoting").contains(true);
        assertThat(j.verdict().reason()).isEqualTo("this node is the VRRP master");

        assertThat(check(j, masterAt(1_000))).isEmpty();
        assertThat(j.verdict().reason()).isEqualTo("local Redis is master");
    }

    @Test
    void aLocalRedisThatCannotBeCheckedKeepsTheVerdict() {
        LagJudge j = judge(new LagPolicy(30, 500, -1, 0), inline);
        // Nothing known yet: report eligible so a weight-0 tracker does not hold the instance in INIT.
        assertThat(check(j, Snapshots.down())).contains(true);
        assertThat(j.verdict().reason()).contains("its health check decides");

        master.answer = masterAt(10_000);
        assertThat(check(j, replica(1_000, true, -1))).contains(false);
        assertThat(check(j, Snapshots.down())).as("no double penalty, no flip").isEmpty();
        assertThat(j.verdict().eligible()).isFalse();
    }

    @Test
    void anotherMasterForgetsTheOldSnapshot() {
        LagJudge j = judge(new LagPolicy(30, 500, -1, 0), inline);
        master.answer = masterAt(10_000);
        assertThat(check(j, replica(1_000, true, -1))).contains(false);

        RedisEndpoint other = RedisEndpoint.of("198.51.100.2", 6379);
        master.answer = Snapshots.health(Snapshots.master(R2, 50, 10, 10));
        clock.addAndGet(200_000_000L);
        assertThat(j.judge(Snapshots.health(Snapshots.replica(R2, 50, 10, true, -1)), false, other)).contains(true);
        assertThat(master.asked).containsExactly(MASTER, other);
        assertThat(j.snapshot()).get().extracting(s -> s.endpoint()).isEqualTo(other);
    }

    @Test
    void withoutAKnownVrrpMasterTheReplicasOwnMasterIsProbed() {
        LagJudge j = judge(new LagPolicy(30, 500, -1, 0), inline);
        master.answer = masterAt(10_000);
        clock.addAndGet(200_000_000L);
        assertThat(j.judge(replica(9_000, true, -1), false, null)).contains(false);
        assertThat(master.asked).extracting(RedisEndpoint::address).containsExactly("198.51.100.1:6379");
    }

    @Test
    void withoutLimitsNothingIsJudgedUntilAReloadAddsThem() {
        LagJudge j = judge(null, inline);
        master.answer = masterAt(10_000);
        assertThat(check(j, replica(1_000, true, -1))).isEmpty();
        assertThat(j.verdict()).isEqualTo(LagJudge.Verdict.NOT_JUDGED);
        assertThat(master.asked).isEmpty();

        j.reconfigure(new LagPolicy(30, 500, -1, 0));
        assertThat(check(j, replica(1_000, true, -1))).contains(false);
        j.reconfigure(new LagPolicy(30, 500, -1, 0));
        assertThat(check(j, replica(1_000, true, -1))).as("re-reported after a reload").contains(false);
        j.reconfigure(null);
        assertThat(j.verdict().word()).isEqualTo("not judged");
    }
}
