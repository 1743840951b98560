package org.keepvip.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The state machine's reasons, as VrrpInstance words them, sorted into bounded causes. */
class TransitionCauseTest {
    @Test
    void sortsTheMachinesReasons() {
        assertThat(TransitionCause.of("init", false)).isEqualTo(TransitionCause.INIT);
        assertThat(TransitionCause.of("init, address owner", false)).isEqualTo(TransitionCause.INIT);
        assertThat(TransitionCause.of("master down timer expired", false)).isEqualTo(TransitionCause.MASTER_DOWN_TIMER);
        assertThat(TransitionCause.of("master down timer expired", true))
                .isEqualTo(TransitionCause.PRIORITY_ZERO_ADVERT);
        assertThat(TransitionCause.of("Master received advert from 192.0.2.1 with higher priority 150, ours 100",
                false)).isEqualTo(TransitionCause.HIGHER_PRIORITY_ADVERT);
        assertThat(TransitionCause.of("interface down, tracker script:chk failed", false))
                .isEqualTo(TransitionCause.INTERFACE_DOWN);
        assertThat(TransitionCause.of("tracker script:chk failed", false)).isEqualTo(TransitionCause.TRACKER_FAILED);
        assertThat(TransitionCause.of("fault cleared, address owner", false)).isEqualTo(TransitionCause.FAULT_CLEARED);
        assertThat(TransitionCause.of("promotion failed: timeout", false)).isEqualTo(TransitionCause.PROMOTION_FAILED);
        assertThat(TransitionCause.of("operator step-down", false)).isEqualTo(TransitionCause.STEP_DOWN);
        assertThat(TransitionCause.of("VIP deleted externally", false)).isEqualTo(TransitionCause.VIP_DELETED);
        assertThat(TransitionCause.of("no advert sent for 480 ms (the process was stalled), longer than any backup's"
                + " master_down_interval: a backup has taken over", false)).isEqualTo(TransitionCause.STALLED);
        assertThat(TransitionCause.of("sync group member left MASTER", false)).isEqualTo(TransitionCause.SYNC_GROUP);
        assertThat(TransitionCause.of("left its sync group", false)).isEqualTo(TransitionCause.SYNC_GROUP);
        assertThat(TransitionCause.of("sync group in FAULT", false)).isEqualTo(TransitionCause.SYNC_GROUP);
        assertThat(TransitionCause.of("shutdown", false)).isEqualTo(TransitionCause.SHUTDOWN);
        assertThat(TransitionCause.of("something new", false)).isEqualTo(TransitionCause.OTHER);
        assertThat(TransitionCause.of(null, false)).isEqualTo(TransitionCause.OTHER);
        assertThat(TransitionCause.REDIS_CHECK_FAILED.label()).isEqualTo("redis_check_failed");
    }
}
