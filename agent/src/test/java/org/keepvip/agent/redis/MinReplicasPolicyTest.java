package org.keepvip.agent.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.keepvip.agent.redis.MinReplicasPolicy.Mode;
import org.keepvip.redis.PeerReach;
import org.keepvip.redis.PeerReach.Reach;

/** When a master keepvip serves enforces, relaxes or is isolated; pure. */
class MinReplicasPolicyTest {

    private static PeerReach.Result peer(Reach r) {
        return new PeerReach.Result(r, "peer 192.0.2.2:6379 " + r);
    }

    private static Mode next(Mode from, boolean replicas, PeerReach.Result p) {
        return MinReplicasPolicy.next(from, replicas, "replicas", p).mode();
    }

    @Test
    void attachedReplicasEnforceFromAnyMode() {
        for (Mode m : Mode.values()) {
            assertThat(next(m, true, null)).isEqualTo(Mode.ENFORCED);
        }
        assertThat(Mode.ENFORCED.enforced()).isTrue();
        assertThat(Mode.PENDING.enforced()).isTrue();
        assertThat(Mode.ISOLATED.enforced()).isTrue();
        assertThat(Mode.RELAXED.enforced()).isFalse();
    }

    @Test
    void aTakeoverRelaxesUnlessThePeersRedisIsStillAMaster() {
        // The peer's adverts stopped (that is why we are master); its Redis decides the rest.
        assertThat(next(Mode.NOT_MASTER, false, peer(Reach.UNREACHABLE))).isEqualTo(Mode.RELAXED);
        assertThat(next(Mode.NOT_MASTER, false, peer(Reach.REFUSED))).isEqualTo(Mode.RELAXED);
        assertThat(next(Mode.NOT_MASTER, false, peer(Reach.NOT_MASTER))).isEqualTo(Mode.RELAXED);
        assertThat(next(Mode.NOT_MASTER, false, null)).as("no peer known").isEqualTo(Mode.RELAXED);
        assertThat(next(Mode.NOT_MASTER, false, peer(Reach.MASTER))).isEqualTo(Mode.PENDING);
        assertThat(next(Mode.PENDING, false, peer(Reach.MASTER))).isEqualTo(Mode.PENDING);
        assertThat(next(Mode.PENDING, false, peer(Reach.UNREACHABLE))).isEqualTo(Mode.RELAXED);
    }

    @Test
    void aMasterThatLosesItsReplicaRelaxesOnlyOnProofThePeerTakesNoWrites() {
        // Its Redis died or is resyncing while its host answers: keep serving.
        assertThat(next(Mode.ENFORCED, false, peer(Reach.REFUSED))).isEqualTo(Mode.RELAXED);
        assertThat(next(Mode.ENFORCED, false, peer(Reach.NOT_MASTER))).isEqualTo(Mode.RELAXED);
        // Silence (dead host or cut link) or a second master: isolated.
        assertThat(next(Mode.ENFORCED, false, peer(Reach.UNREACHABLE))).isEqualTo(Mode.ISOLATED);
        assertThat(next(Mode.ENFORCED, false, peer(Reach.MASTER))).isEqualTo(Mode.ISOLATED);
        assertThat(next(Mode.ENFORCED, false, null)).isEqualTo(Mode.ISOLATED);
        assertThat(next(Mode.ISOLATED, false, peer(Reach.MASTER))).as("the heal: the other side won")
                .isEqualTo(Mode.ISOLATED);
        assertThat(next(Mode.ISOLATED, false, peer(Reach.REFUSED))).isEqualTo(Mode.RELAXED);
        assertThat(MinReplicasPolicy.next(Mode.ENFORCED, false, "0 of 1", peer(Reach.UNREACHABLE)).reason())
                .contains("0 of 1", "a dead host and a cut link look alike");
    }

    @Test
    void relaxedStaysRelaxedUntilReplicasAttachWithoutProbing() {
        assertThat(MinReplicasPolicy.needsProbe(Mode.RELAXED)).isFalse();
        for (Reach r : Reach.values()) {
            assertThat(next(Mode.RELAXED, false, peer(r))).isEqualTo(Mode.RELAXED);
        }
        assertThat(MinReplicasPolicy.needsProbe(Mode.ENFORCED)).isTrue();
        assertThat(MinReplicasPolicy.needsProbe(Mode.NOT_MASTER)).isTrue();
    }
}
