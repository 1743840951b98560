package org.keepvip.vrrp.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.state.Fx.MS;
import static org.keepvip.vrrp.state.Fx.S;
import static org.keepvip.vrrp.state.Fx.cfg;
import static org.keepvip.vrrp.state.Fx.ip;
import static org.keepvip.vrrp.state.Fx.rx;
import static org.keepvip.vrrp.state.Fx.started;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each transition carries the cause and the inputs that decided it. */
class DecisionTest {
    private static final long T0 = 1_000 * S;

    private static Decision only(List<Action> actions) {
        List<Decision> d = actions.stream().filter(a -> a instanceof Action.StateChanged)
                .map(a -> ((Action.StateChanged) a).why()).toList();
        assertThat(d).hasSize(1);
        return d.get(0);
    }

    @Test
    void silentMasterIsTheDownTimerWithItsLengthAndTheLastMaster() {
        VrrpInstance b = started(cfg(100, 1).build(), T0);
        b.handle(rx(T0 + 10 * MS, 150, 2));
        b.drainActions();
        long due = b.nextDeadline().orElseThrow();
        b.handle(new Event.TimerDue(due));
        Decision d = only(b.drainActions());
        assertThat(d.cause()).isEqualTo(Decision.Cause.MASTER_DOWN_TIMER);
        assertThat(d.at()).isEqualTo(due);
        assertThat(d.peer()).isEqualTo(ip(2));
        assertThat(d.peerPriority()).isEqualTo(150);
        assertThat(d.ownPriority()).isEqualTo(100);
        assertThat(d.timerNanos()).isEqualTo(due - (T0 + 10 * MS)).isEqualTo(b.masterDownIntervalNanos());
    }

    @Test
    void priorityZeroAdvertMakesItAReleaseAfterTheSkew() {
        VrrpInstance b = started(cfg(100, 1).build(), T0);
        b.handle(rx(T0 + 10 * MS, 150, 2));
        b.handle(rx(T0 + 20 * MS, 0, 2));
        b.drainActions();
        b.handle(new Event.TimerDue(b.nextDeadline().orElseThrow()));
        Decision d = only(b.drainActions());
        assertThat(d.cause()).isEqualTo(Decision.Cause.MASTER_RELEASED);
        assertThat(d.timerNanos()).isEqualTo(b.skewNanos());
    }

    @Test
    void discardedLowerPriorityAdvertsMakeItAPreemptionNamingTheOutrankedMasterAndTheTrackerWeight() {
        VrrpInstance b = started(cfg(100, 1).trackers(List.of(new TrackerSpec("chk", 60, false))).build(), T0);
        b.handle(new Event.TrackerResult(T0, "chk", true)); // 160 now
        b.handle(rx(T0 + 10 * MS, 150, 2));
        b.drainActions();
        b.handle(new Event.TimerDue(b.nextDeadline().orElseThrow()));
        Decision d = only(b.drainActions());
        assertThat(d.cause()).isEqualTo(Decision.Cause.PREEMPT);
        assertThat(d.peer()).isEqualTo(ip(2));
        assertThat(d.peerPriority()).isEqualTo(150);
        assertThat(d.basePriority()).isEqualTo(100);
        assertThat(d.ownPriority()).isEqualTo(160);
        assertThat(d.trackers()).containsExactly(new Decision.Tracker("chk", 60, false, true));
    }

    @Test
    void higherPriorityAdvertNamesItsSourceAndPriority() {
        VrrpInstance b = started(cfg(100, 1).build(), T0);
        b.handle(new Event.TimerDue(b.nextDeadline().orElseThrow()));
        b.drainActions();
        b.handle(rx(T0 + 5 * S, 200, 3));
        Decision d = only(b.drainActions());
        assertThat(d.cause()).isEqualTo(Decision.Cause.HIGHER_PRIORITY_ADVERT);
        assertThat(d.peer()).isEqualTo(ip(3));
        assertThat(d.peerPriority()).isEqualTo(200);
        assertThat(d.at()).isEqualTo(T0 + 5 * S);
    }

    @Test
    void failedFaultTrackerIsNamedAsTheTrigger() {
        VrrpInstance b = started(cfg(100, 1).trackers(List.of(TrackerSpec.faultOnFailure("redis:r1"))).build(), T0);
        b.handle(new Event.TrackerResult(T0 + MS, "redis:r1", true));
        b.drainActions();
        b.handle(new Event.TrackerResult(T0 + 2 * MS, "redis:r1", false));
        Decision d = only(b.drainActions());
        assertThat(d.cause()).isEqualTo(Decision.Cause.TRACKER_FAILED);
        assertThat(d.trigger()).isEqualTo("redis:r1");
        assertThat(d.trackers()).containsExactly(new Decision.Tracker("redis:r1", 0, false, false));
    }

    @Test
    void aMasterResigningForItsRedisNamesTheTrackerNotTheOperator() {
        VrrpInstance m = started(cfg(255, 1).trackers(List.of(new TrackerSpec("redis:r1", -50, false).resigningMaster()))
                .build(), T0);
        m.handle(new Event.TrackerResult(T0 + MS / 2, "redis:r1", true));
        m.drainActions();
        m.handle(new Event.TrackerResult(T0 + MS, "redis:r1", false));
        Decision d = only(m.drainActions());
        assertThat(d.cause()).isEqualTo(Decision.Cause.TRACKER_FAILED);
        assertThat(d.trigger()).isEqualTo("redis:r1");
        m.handle(new Event.TimerDue(m.nextDeadline().orElseThrow()));
        m.drainActions();
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        Fx.runUntil(m, T0 + 10 * S); // its adverts go out on time (a longer silence is a stall)
        m.drainActions();
        m.handle(new Event.StepDown(T0 + 10 * S)); // MASTER again after its down timer: now the operator
        assertThat(only(m.drainActions()).cause()).isEqualTo(Decision.Cause.OPERATOR_STEP_DOWN);
    }

    @Test
    void interfaceDownAndShutdownHaveTheirCauses() {
        VrrpInstance b = started(cfg(100, 1).build(), T0);
        b.handle(new Event.InterfaceChanged(T0 + MS, false));
        assertThat(only(b.drainActions()).cause()).isEqualTo(Decision.Cause.INTERFACE_DOWN);
        b.handle(new Event.InterfaceChanged(T0 + 2 * MS, true));
        assertThat(only(b.drainActions()).cause()).isEqualTo(Decision.Cause.FAULT_CLEARED);
        b.handle(new Event.Shutdown(T0 + 3 * MS));
        assertThat(only(b.drainActions()).cause()).isEqualTo(Decision.Cause.SHUTDOWN);
    }
}
