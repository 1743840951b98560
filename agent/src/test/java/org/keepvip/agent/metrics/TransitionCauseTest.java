package org.keepvip.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.state.Decision;
import org.keepvip.vrrp.state.VrrpState;

/** The state machine's causes, folded into the metrics' bounded labels. */
class TransitionCauseTest {
    private static Decision why(Decision.Cause c) {
        return new Decision(c, 0, 100, 100, null, -1, 0, null, List.of());
    }

    @Test
    void foldsTheMachinesCauses() {
        assertThat(TransitionCause.of(why(Decision.Cause.STARTUP), VrrpState.BACKUP)).isEqualTo(TransitionCause.INIT);
        assertThat(TransitionCause.of(why(Decision.Cause.MASTER_DOWN_TIMER), VrrpState.MASTER))
                .isEqualTo(TransitionCause.MASTER_DOWN_TIMER);
        assertThat(TransitionCause.of(why(Decision.Cause.PREEMPT), VrrpState.MASTER))
                .isEqualTo(TransitionCause.MASTER_DOWN_TIMER);
        assertThat(TransitionCause.of(why(Decision.Cause.MASTER_RELEASED), VrrpState.MASTER))
                .isEqualTo(TransitionCause.PRIORITY_ZERO_ADVERT);
        assertThat(TransitionCause.of(why(Decision.Cause.HIGHER_ADDRESS_ADVERT), VrrpState.BACKUP))
                .isEqualTo(TransitionCause.HIGHER_PRIORITY_ADVERT);
        assertThat(TransitionCause.of(why(Decision.Cause.TRACKER_FAILED), VrrpState.FAULT))
                .isEqualTo(TransitionCause.TRACKER_FAILED);
        // A MASTER that a failed tracker sends to BACKUP resigned for its Redis check.
        assertThat(TransitionCause.of(why(Decision.Cause.TRACKER_FAILED), VrrpState.BACKUP))
                .isEqualTo(TransitionCause.REDIS_CHECK_FAILED);
        assertThat(TransitionCause.of(why(Decision.Cause.OPERATOR_STEP_DOWN), VrrpState.BACKUP))
                .isEqualTo(TransitionCause.STEP_DOWN);
        assertThat(TransitionCause.of(why(Decision.Cause.STALLED), VrrpState.BACKUP)).isEqualTo(TransitionCause.STALLED);
        assertThat(TransitionCause.of(null, VrrpState.BACKUP)).isEqualTo(TransitionCause.OTHER);
        // Every cause has its label.
        for (Decision.Cause c : Decision.Cause.values()) {
            assertThat(TransitionCause.of(why(c), VrrpState.BACKUP)).isNotEqualTo(TransitionCause.OTHER);
        }
        assertThat(TransitionCause.REDIS_CHECK_FAILED.label()).isEqualTo("redis_check_failed");
    }
}
