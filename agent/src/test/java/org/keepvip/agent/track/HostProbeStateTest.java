package org.keepvip.agent.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.TrackHost;
import org.keepvip.vrrp.state.RiseFallCounter.Change;

/** One tracked host's schedule and rise/fall verdict, on a clock of the test's. */
class HostProbeStateTest {
    private static final long MS = 1_000_000L;

    private static HostProbeState state(int intervalMs, int timeoutMs, int rise, int fall) throws Exception {
        return new HostProbeState(new TrackHost("gw", InetAddress.getByName("192.0.2.1"), "eth0", TrackHost.Method.ARP,
                Duration.ofMillis(intervalMs), Duration.ofMillis(timeoutMs), rise, fall, 0, false,
                new Origin("f", 1)), 0);
    }

    @Test
    void answersMakeItReachableAndFallLostProbesInARowUnreachable() throws Exception {
        HostProbeState s = state(100, 50, 2, 3);
        assertThat(s.sendDue(0)).isTrue();
        int seq = s.startProbe(0);
        assertThat(s.nextDueNanos()).as("the answer's deadline").isEqualTo(50 * MS);
        assertThat(s.answered(seq, 3 * MS)).as("keepalived's counter: the first success counts")
                .isEqualTo(Change.BECAME_OK);
        assertThat(s.status().lastRttNanos()).isEqualTo(3 * MS);
        assertThat(s.nextDueNanos()).isEqualTo(100 * MS);
        long t = 100 * MS;
        Change last = Change.NONE;
        for (int i = 0; i < 3; i++, t += 100 * MS) {
            assertThat(s.sendDue(t)).isTrue();
            s.startProbe(t);
            assertThat(s.expire(t + 49 * MS)).isEqualTo(Change.NONE);
            last = s.expire(t + 50 * MS);
            assertThat(last).isEqualTo(i < 2 ? Change.NONE : Change.BECAME_FAILED);
        }
        assertThat(s.status().up()).isFalse();
        assertThat(s.status().inARow()).isEqualTo(-3);
        assertThat(s.status()).extracting(HostTrackers.Status::sent, HostTrackers.Status::answered,
                HostTrackers.Status::lost).containsExactly(4L, 1L, 3L);
        // rise 2: two answers in a row to come back
        assertThat(s.answered(ProbeFrames.ANY, t)).as("no probe out: late").isEqualTo(Change.NONE);
        s.startProbe(t);
        assertThat(s.answered(ProbeFrames.ANY, t + MS)).isEqualTo(Change.NONE);
        s.startProbe(t + 100 * MS);
        assertThat(s.answered(ProbeFrames.ANY, t + 101 * MS)).isEqualTo(Change.BECAME_OK);
        assertThat(s.status().late()).isEqualTo(1);
    }

    @Test
    void anAnswerAfterItsTimeoutIsLateAndTheProbeLost() throws Exception {
        HostProbeState s = state(100, 50, 1, 1);
        int seq = s.startProbe(0);
        assertThat(s.answered(seq, 60 * MS)).as("the deadline passed before the answer was read")
                .isEqualTo(Change.BECAME_FAILED);
        assertThat(s.status()).extracting(HostTrackers.Status::answered, HostTrackers.Status::lost,
                HostTrackers.Status::late).containsExactly(0L, 1L, 1L);
    }

    @Test
    void aWrongSequenceNumberIsNotAnAnswerAndAnUnsentProbeIsLostAtOnce() throws Exception {
        HostProbeState s = state(100, 100, 1, 1);
        int seq = s.startProbe(0);
        assertThat(s.answered(seq + 1, MS)).isEqualTo(Change.NONE);
        assertThat(s.answered(seq, 2 * MS)).isEqualTo(Change.BECAME_OK);
        s.startProbe(100 * MS);
        assertThat(s.sendFailed()).isEqualTo(Change.BECAME_FAILED);
        assertThat(s.status().sendErrors()).isEqualTo(1);
    }

    @Test
    void probesKeepTheirGridAndALongStallRestartsIt() throws Exception {
        HostProbeState s = state(100, 100, 1, 1);
        s.startProbe(0);
        s.answered(ProbeFrames.ANY, MS);
        assertThat(s.sendDue(99 * MS)).isFalse();
        s.startProbe(103 * MS); // a late turn
        assertThat(s.nextDueNanos()).as("the next probe's turn cuts the timeout short").isEqualTo(200 * MS);
        assertThat(s.expire(200 * MS)).as("lost when the next one is due").isEqualTo(Change.BECAME_FAILED);
        s.startProbe(200 * MS);
        s.answered(ProbeFrames.ANY, 204 * MS);
        assertThat(s.nextDueNanos()).as("the grid").isEqualTo(300 * MS);
        s.startProbe(450 * MS); // stalled more than an interval
        s.answered(ProbeFrames.ANY, 451 * MS);
        assertThat(s.nextDueNanos()).isEqualTo(550 * MS);
    }
}
