package org.keepvip.vrrp.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.state.RiseFallCounter.Change;
import org.keepvip.vrrp.state.RiseFallCounter.Status;

/** The rise/fall counter of keepalived's vrrp_scheduler.c, vrrp_script_child_thread. */
class RiseFallCounterTest {

    @Test
    void defaultInitFirstSuccessGivesOk() {
        RiseFallCounter c = new RiseFallCounter(3, 2, false);
        assertThat(c.status()).isEqualTo(Status.UNKNOWN);
        assertThat(c.counter()).isEqualTo(2);
        assertThat(c.record(true)).isEqualTo(Change.BECAME_OK);
        assertThat(c.counter()).isEqualTo(4); // rise + fall - 1
    }

    @Test
    void defaultInitFirstFailureGivesFailed() {
        RiseFallCounter c = new RiseFallCounter(3, 2, false);
        assertThat(c.record(false)).isEqualTo(Change.BECAME_FAILED);
        assertThat(c.counter()).isZero();
    }

    @Test
    void initFailStartsFailedAndNeedsRiseSuccesses() {
        RiseFallCounter c = new RiseFallCounter(3, 2, true);
        assertThat(c.status()).isEqualTo(Status.FAILED);
        assertThat(c.record(true)).isEqualTo(Change.NONE);
        assertThat(c.record(true)).isEqualTo(Change.NONE);
        assertThat(c.record(true)).isEqualTo(Change.BECAME_OK);
    }

    @Test
    void okNeedsFallConsecutiveFailuresToFail() {
        RiseFallCounter c = new RiseFallCounter(2, 3, false);
        c.record(true);
        assertThat(c.record(false)).isEqualTo(Change.NONE);
        assertThat(c.record(false)).isEqualTo(Change.NONE);
        assertThat(c.record(false)).isEqualTo(Change.BECAME_FAILED);
    }

    @Test
    void aSuccessWhileOkRestartsTheFallCount() {
        RiseFallCounter c = new RiseFallCounter(2, 3, false);
        c.record(true);
        c.record(false);
        c.record(false);
        assertThat(c.record(true)).isEqualTo(Change.NONE);
        assertThat(c.counter()).isEqualTo(4);
        c.record(false);
        c.record(false);
        assertThat(c.status()).isEqualTo(Status.OK);
        assertThat(c.record(false)).isEqualTo(Change.BECAME_FAILED);
    }

    @Test
    void failedNeedsRiseConsecutiveSuccessesAndAFailureRestartsThem() {
        RiseFallCounter c = new RiseFallCounter(3, 1, false);
        c.record(false);
        c.record(true);
        c.record(true);
        assertThat(c.record(false)).isEqualTo(Change.NONE); // still failed, count back to 0
        assertThat(c.record(true)).isEqualTo(Change.NONE);
        assertThat(c.record(true)).isEqualTo(Change.NONE);
        assertThat(c.record(true)).isEqualTo(Change.BECAME_OK);
    }

    @Test
    void keepalivedDefaultsFlipOnEveryChange() {
        RiseFallCounter c = RiseFallCounter.defaults();
        assertThat(c.record(true)).isEqualTo(Change.BECAME_OK);
        assertThat(c.record(false)).isEqualTo(Change.BECAME_FAILED);
        assertThat(c.record(true)).isEqualTo(Change.BECAME_OK);
    }

    @Test
    void riseAndFallMustBePositive() {
        assertThatThrownBy(() -> new RiseFallCounter(0, 1, false)).hasMessageContaining("rise 0");
    }

    @Test
    void aDefinitiveFailureFailsAtOnceAndRiseStillAppliesAfterIt() {
        RiseFallCounter c = new RiseFallCounter(2, 3, false);
        c.record(true);
        assertThat(c.recordDefinitiveFailure()).isEqualTo(Change.BECAME_FAILED);
        assertThat(c.counter()).isZero();
        assertThat(c.recordDefinitiveFailure()).isEqualTo(Change.NONE);
        assertThat(c.record(false)).isEqualTo(Change.NONE);
        assertThat(c.record(true)).isEqualTo(Change.NONE);
        assertThat(c.record(true)).isEqualTo(Change.BECAME_OK);
    }

    @Test
    void aDefinitiveFailureBeforeAnyResultFails() {
        RiseFallCounter c = new RiseFallCounter(2, 3, false);
        assertThat(c.recordDefinitiveFailure()).isEqualTo(Change.BECAME_FAILED);
        assertThat(c.status()).isEqualTo(Status.FAILED);
    }
}
