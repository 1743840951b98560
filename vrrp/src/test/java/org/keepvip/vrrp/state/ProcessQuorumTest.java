package org.keepvip.vrrp.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.state.Fx.S;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** vrrp_track_process quorum and delays (keepalived/core/track_process.c). */
class ProcessQuorumTest {
    private static final long T0 = 1_000 * S;

    @Test
    void initialCountDecidesTheStartingStatus() {
        assertThat(new ProcessQuorum(1, Integer.MAX_VALUE, 0, 0, 0).haveQuorum()).isFalse();
        assertThat(new ProcessQuorum(1, Integer.MAX_VALUE, 0, 0, 1).haveQuorum()).isTrue();
        assertThat(new ProcessQuorum(2, 3, 0, 0, 4).haveQuorum()).isFalse();
        assertThat(new ProcessQuorum(0, 0, 0, 0, 0).haveQuorum()).isTrue();
    }

    @Test
    void withoutDelaysEachCrossingReportsAtOnce() {
        ProcessQuorum q = new ProcessQuorum(2, 3, 0, 0, 0);
        assertThat(q.added(T0, false)).isEmpty();
        assertThat(q.added(T0, true)).contains(true);
        assertThat(q.added(T0, true)).isEmpty();
        assertThat(q.added(T0, false)).contains(false); // 4 > quorum_max
        assertThat(q.removed(T0, true)).contains(true);
        assertThat(q.removed(T0, true)).isEmpty();
        assertThat(q.removed(T0, true)).contains(false);
        assertThat(q.count()).isEqualTo(1);
        assertThat(q.deadline()).isEmpty();
    }

    @Test
    void quorumMaxZeroMeansNoneMayRun() {
        ProcessQuorum q = new ProcessQuorum(0, 0, 0, 0, 0);
        assertThat(q.added(T0, false)).contains(false);
        assertThat(q.removed(T0, true)).contains(true);
    }

    @Test
    void terminateDelayWaitsAndARestartWithinItCancelsTheLoss() {
        ProcessQuorum q = new ProcessQuorum(1, Integer.MAX_VALUE, 0, 2 * S, 1);
        assertThat(q.removed(T0, true)).isEmpty();
        assertThat(q.deadline()).isEqualTo(OptionalLong.of(T0 + 2 * S));
        assertThat(q.added(T0 + S, false)).isEmpty(); // restarted in time: never lost
        assertThat(q.deadline()).isEmpty();
        assertThat(q.haveQuorum()).isTrue();
        assertThat(q.removed(T0 + 3 * S, true)).isEmpty();
        assertThat(q.timerDue(T0 + 4 * S)).isEmpty(); // not yet due
        assertThat(q.timerDue(T0 + 5 * S)).contains(false);
    }

    @Test
    void forkDelayWaitsAndAnExitWithinItCancelsTheGain() {
        ProcessQuorum q = new ProcessQuorum(2, Integer.MAX_VALUE, S, 0, 1);
        assertThat(q.haveQuorum()).isFalse();
        assertThat(q.added(T0, true)).isEmpty();
        assertThat(q.deadline()).isEqualTo(OptionalLong.of(T0 + S));
        assertThat(q.removed(T0 + S / 2, true)).isEmpty(); // the short-lived child is gone: no gain
        assertThat(q.deadline()).isEmpty();
        assertThat(q.added(T0 + 2 * S, true)).isEmpty();
        assertThat(q.timerDue(T0 + 3 * S)).contains(true);
    }

    @Test
    void execAndRenameCountAtOnceDespiteDelays() {
        ProcessQuorum q = new ProcessQuorum(1, Integer.MAX_VALUE, S, S, 0);
        assertThat(q.added(T0, false)).contains(true);
        assertThat(q.removed(T0, false)).contains(false);
    }

    @Test
    void rescanReportsTheNewStatusAndDropsDelays() {
        ProcessQuorum q = new ProcessQuorum(1, Integer.MAX_VALUE, 0, S, 1);
        q.removed(T0, true);
        assertThat(q.rescanned(0)).isEqualTo(Optional.of(false));
        assertThat(q.deadline()).isEmpty();
        assertThat(q.rescanned(3)).isEqualTo(Optional.of(true));
    }
}
