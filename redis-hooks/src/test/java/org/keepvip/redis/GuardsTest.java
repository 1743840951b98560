package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.redis.Snapshots.R1;
import static org.keepvip.redis.Snapshots.R2;
import static org.keepvip.redis.Snapshots.R3;
import static org.keepvip.redis.Snapshots.health;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Wipe guard (H1), lag eligibility (H3) and split-brain report (H2) over INFO snapshots. */
class GuardsTest {

    private final WipeGuard guard = new WipeGuard(GuardPolicy.DEFAULT);
    private final RedisHealth replicaWithData = health(Snapshots.replica(R1, 5000, 100, false, 2));

    @Test
    void refusesEmptyMaster() {
        RedisHealth emptyMaster = health(Snapshots.master(R2, 0, 0, 3600));
        GuardDecision d = guard.mayReplicateFrom(replicaWithData, emptyMaster, false);
        assertThat(d.outcome()).isEqualTo(GuardDecision.Outcome.REFUSE);
        assertThat(d.reason()).contains("is empty", "100 keys");
    }

    @Test
    void refusesFreshlyRestartedMasterWithNewReplid() {
        RedisHealth fresh = health(Snapshots.master(R2, 20, 50, 4));
        GuardDecision d = guard.mayReplicateFrom(replicaWithData, fresh, false);
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("restarted 4 s ago", "new replication ID");
    }

    @Test
    void refusesLoadingMaster() {
        RedisHealth loading = health(Snapshots.loading(Snapshots.master(R1, 6000, 100, 3600)));
        assertThat(guard.mayReplicateFrom(replicaWithData, loading, false).reason()).contains("loading");
    }

    @Test
    void forceTurnsRefusalIntoForced() {
        RedisHealth emptyMaster = health(Snapshots.master(R2, 0, 0, 3600));
        GuardDecision d = guard.mayReplicateFrom(replicaWithData, emptyMaster, true);
        assertThat(d.outcome()).isEqualTo(GuardDecision.Outcome.FORCED);
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).startsWith("FORCED");
    }

    @Test
    void unreachableMasterIsRefusedEvenWhenForced() {
        assertThat(guard.mayReplicateFrom(replicaWithData, Snapshots.down(), true).allowed()).isFalse();
    }

    @Test
    void allowsMasterContinuingOurHistoryEvenIfFreshAndEmpty() {
        // Same replid, ahead of us: PSYNC continues; a FLUSHALL there is the operator's business.
        RedisHealth sameHistory = health(Snapshots.master(R1, 6000, 0, 2));
        assertThat(guard.mayReplicateFrom(replicaWithData, sameHistory, false).outcome())
                .isEqualTo(GuardDecision.Outcome.ALLOW);
    }

    @Test
    void allowsPromotedPeerWhoseReplid2IsOurHistory() {
        // Old master (R1 at 5000) rejoining the replica promoted at offset 5000 (new R2, replid2 R1).
        RedisHealth oldMaster = health(Snapshots.master(R1, 5000, 100, 3600));
        RedisHealth promoted = health(Snapshots.master(R2, 5100, 100, 3600, R1, 5001));
        GuardDecision d = guard.mayReplicateFrom(oldMaster, promoted, false);
        assertThat(d.outcome()).isEqualTo(GuardDecision.Outcome.ALLOW);
        assertThat(d.divergence()).isNull();
    }

    @Test
    void allowsEmptyLocal() {
        RedisHealth emptyLocal = health(Snapshots.master(R3, 0, 0, 1));
        assertThat(guard.mayReplicateFrom(emptyLocal, health(Snapshots.master(R2, 0, 0, 1)), false).allowed()).isTrue();
    }

    @Test
    void allowsALocalWithAHistoryButNoKeysToReplicateFromAnEmptyMaster() {
        // Both nodes of a pair started a moment ago: a PING's worth of history, no keys on either.
        RedisHealth noKeys = health(Snapshots.master(R1, 14, 0, 5));
        GuardDecision d = guard.mayReplicateFrom(noKeys, health(Snapshots.master(R2, 14, 0, 5)), false);
        assertThat(d.outcome()).isEqualTo(GuardDecision.Outcome.ALLOW);
        assertThat(d.reason()).contains("holds no keys");
    }

    @Test
    void divergentOldMasterRejoiningIsAllowedButReported() {
        // Split brain: old master R1 kept writing to 5400 after the peer was promoted at 5000.
        RedisHealth oldMaster = health(Snapshots.master(R1, 5400, 120, 3600));
        RedisHealth promoted = health(Snapshots.master(R2, 5300, 110, 3600, R1, 5001));
        GuardDecision d = guard.mayReplicateFrom(oldMaster, promoted, false);
        assertThat(d.allowed()).isTrue();
        assertThat(d.divergence()).isNotNull();
        assertThat(d.divergence().unreplicatedBytes()).isEqualTo(400);
        assertThat(d.reason()).contains("400 bytes");
    }

    @Test
    void emptyRestartedNodeMayNotBecomeMasterWhilePeerHoldsData() {
        RedisHealth emptyLocal = health(Snapshots.master(R3, 0, 0, 2));
        RedisHealth peer = health(Snapshots.master(R1, 5000, 100, 3600));
        GuardDecision d = guard.mayBecomeMaster(emptyLocal, Optional.of(peer));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("empty", "100 keys");
        assertThat(guard.mayBecomeMaster(emptyLocal, Optional.empty()).allowed()).isTrue();
        assertThat(guard.mayBecomeMaster(replicaWithData, Optional.of(peer)).allowed()).isTrue();
        assertThat(guard.mayBecomeMaster(health(Snapshots.loading(Snapshots.master(R1, 1, 1, 1))), Optional.empty())
                .allowed()).isFalse();
    }

    @Test
    void thePeerIsAskedOnlyWhenTheLocalRedisIsEmpty() {
        RedisHealth emptyLocal = health(Snapshots.master(R3, 0, 0, 2));
        RedisHealth peer = health(Snapshots.master(R1, 5000, 100, 3600));
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<Optional<RedisHealth>> probe = () -> {
            asked.incrementAndGet();
            return Optional.of(peer);
        };
        GuardDecision withData = guard.mayBecomeMaster(replicaWithData, probe);
        assertThat(withData.allowed()).isTrue();
        assertThat(withData.reason()).startsWith("local Redis holds");
        assertThat(guard.mayBecomeMaster(health(Snapshots.loading(Snapshots.master(R1, 1, 1, 1))), probe).allowed())
                .isFalse();
        assertThat(asked).as("holding data or loading: the peer cannot change the answer").hasValue(0);
        assertThat(guard.mayBecomeMaster(emptyLocal, probe).allowed()).isFalse();
        assertThat(asked).hasValue(1);
    }

    @Test
    void lagGate() {
        LagPolicy fault = new LagPolicy(10, 1000, -1, 0);
        LagPolicy penalty = new LagPolicy(10, 1000, -1, 30);
        RedisHealth master = health(Snapshots.master(R1, 10_000, 100, 3600));
        RedisHealth current = health(Snapshots.replica(R1, 9_500, 100, true, -1));
        RedisHealth behind = health(Snapshots.replica(R1, 8_000, 100, true, -1));
        RedisHealth longDown = health(Snapshots.replica(R1, 10_000, 100, false, 60));
        RedisHealth justDown = health(Snapshots.replica(R1, 10_000, 100, false, 2));
        RedisHealth neverUp = health(Snapshots.replica(R1, 0, 0, false, -1));

        assertThat(Eligibility.evaluate(current, Optional.of(master), fault)).isInstanceOf(Eligibility.Eligible.class);
        assertThat(Eligibility.evaluate(behind, Optional.of(master), fault))
                .isInstanceOf(Eligibility.Fault.class).extracting(Eligibility::reason).asString().contains("2000 bytes");
        assertThat(Eligibility.evaluate(behind, Optional.of(master), penalty))
                .isEqualTo(new Eligibility.Penalty(30, Eligibility.evaluate(behind, Optional.of(master), penalty).reason()));
        assertThat(Eligibility.evaluate(longDown, Optional.empty(), fault).reason()).contains("60 s");
        assertThat(Eligibility.evaluate(justDown, Optional.of(master), fault)).isInstanceOf(Eligibility.Eligible.class);
        assertThat(Eligibility.evaluate(neverUp, Optional.empty(), fault).reason()).contains("never came up");
        assertThat(Eligibility.evaluate(master, Optional.empty(), fault)).isInstanceOf(Eligibility.Eligible.class);
        assertThat(Eligibility.evaluate(Snapshots.down(), Optional.empty(), penalty)).isInstanceOf(Eligibility.Penalty.class);
    }

    @Test
    void splitBrainReportCountsTheLosersWrites() {
        RedisInfo survivor = RedisInfo.parse(Snapshots.master(R2, 7000, 150, 3600, R1, 5001));
        RedisInfo loser = RedisInfo.parse(Snapshots.master(R1, 5250, 104, 3600));
        SplitBrainReport r = SplitBrainReport.compare(survivor, loser);
        assertThat(r.sharedHistory()).isTrue();
        assertThat(r.forkOffset()).isEqualTo(5000);
        assertThat(r.unreplicatedBytes()).isEqualTo(250);
        assertThat(r.keyDifference()).isEqualTo(-46);
        assertThat(r.loses()).isTrue();
        assertThat(r.summary()).contains("250 bytes", "after offset 5000");

        // Both promoted from the same former master R1 (each has replid2 R1).
        RedisInfo a = RedisInfo.parse(Snapshots.master(R2, 5100, 10, 3600, R1, 5001));
        RedisInfo b = RedisInfo.parse(Snapshots.master(R3, 5300, 12, 3600, R1, 4001));
        assertThat(SplitBrainReport.compare(a, b).forkOffset()).isEqualTo(4000);
        assertThat(SplitBrainReport.compare(a, b).unreplicatedBytes()).isEqualTo(1300);

        SplitBrainReport unrelated = SplitBrainReport.compare(survivor, RedisInfo.parse(Snapshots.master(R3, 99, 9, 5)));
        assertThat(unrelated.sharedHistory()).isFalse();
        assertThat(unrelated.unreplicatedBytes()).isEqualTo(-1);
        assertThat(unrelated.summary()).contains("unrelated", "9 keys");
    }
}
