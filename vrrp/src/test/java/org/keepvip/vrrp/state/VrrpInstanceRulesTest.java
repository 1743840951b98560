package org.keepvip.vrrp.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.keepvip.vrrp.state.Fx.MS;
import static org.keepvip.vrrp.state.Fx.S;
import static org.keepvip.vrrp.state.Fx.cfg;
import static org.keepvip.vrrp.state.Fx.effects;
import static org.keepvip.vrrp.state.Fx.ip;
import static org.keepvip.vrrp.state.Fx.logs;
import static org.keepvip.vrrp.state.Fx.runUntil;
import static org.keepvip.vrrp.state.Fx.rx;
import static org.keepvip.vrrp.state.Fx.started;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** keepalived's rules (vrrp.c: vrrp_state_backup, vrrp_state_master_rx, vrrp_state_master_tx, ...), one test per rule. Times are in ns from an arbitrary origin. */
class VrrpInstanceRulesTest {

    private static final long T0 = 1_000 * S;

    // ------------------------------------------------------------------ startup and timers

    @Test
    void ownerPriority255BecomesMasterAtOnce() {
        VrrpInstance i = new VrrpInstance(cfg(255, 1).build());
        i.handle(new Event.Start(T0, true));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(effects(i.drainActions())).containsExactly(
                new Action.RemoveVips(),
                new Action.SendAdvert(255),
                new Action.StateChanged(VrrpState.INIT, VrrpState.MASTER, "init, address owner",
                        "(VI_1) Entering MASTER STATE"),
                new Action.AddVips(), new Action.GarpBurst(5), new Action.Notify(VrrpState.MASTER, 255));
    }

    @Test
    void stateMasterBelow255StillStartsBackupAndWaitsDownTimer() {
        VrrpInstance i = new VrrpInstance(cfg(200, 1).initialState(VrrpState.MASTER).build());
        i.handle(new Event.Start(T0, true));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        List<Action> a = i.drainActions();
        assertThat(effects(a)).contains(new Action.StateChanged(VrrpState.INIT, VrrpState.BACKUP, "init",
                "(VI_1) Entering BACKUP STATE (init)"));
        long mdi = 3 * S + (256 - 200) * S / 256;
        assertThat(i.nextDeadline()).hasValue(T0 + mdi);
        i.handle(new Event.TimerDue(T0 + mdi - 1));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        i.handle(new Event.TimerDue(T0 + mdi));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void startRemovesStaleVipsLeftByACrash() {
        VrrpInstance i = new VrrpInstance(cfg(100, 1).build());
        i.handle(new Event.Start(T0, true));
        List<Action> a = i.drainActions();
        assertThat(effects(a).get(0)).isEqualTo(new Action.RemoveVips());
        assertThat(logs(a)).contains("(VI_1) removing VIPs.");
    }

    @Test
    void masterDownIntervalIsThreeIntervalsPlusSkew() {
        // keepalived measured: priority 100, 1 s -> takeover 3.61 s after start.
        VrrpInstance i = started(cfg(100, 1).build(), T0);
        assertThat(i.masterDownIntervalNanos()).isEqualTo(3 * S + 156 * S / 256).isEqualTo(3_609_375_000L);
        assertThat(i.nextDeadline()).hasValue(T0 + 3_609_375_000L);
        VrrpInstance five = started(cfg(100, 1).downTimerAdverts(5).build(), T0);
        assertThat(five.masterDownIntervalNanos()).isEqualTo(5 * S + 156 * S / 256);
    }

    @Test
    void v2SkewIs256MinusPriorityOver256Seconds() {
        assertThat(Timing.skewNanos(2, 150, 7 * S)).isEqualTo(106 * S / 256);
        assertThat(Timing.skewNanos(2, 1, 1 * S)).isEqualTo(255 * S / 256);
        // keepalived measured: priority 150 took over 3.41 s after start; the interval does not scale v2 skew.
        VrrpInstance i = started(cfg(150, 1).advertIntervalCentis(200).build(), T0);
        assertThat(i.skewNanos()).isEqualTo(414_062_500L);
        assertThat(i.masterDownIntervalNanos()).isEqualTo(6 * S + 414_062_500L);
    }

    @Test
    void v3SkewScalesWithInterval() {
        VrrpInstance half = started(cfg(100, 1).version(3).advertIntervalCentis(50).build(), T0);
        assertThat(half.skewNanos()).isEqualTo(156 * (S / 2) / 256);
        assertThat(half.masterDownIntervalNanos()).isEqualTo(3 * (S / 2) + 156 * (S / 2) / 256);
        VrrpInstance two = started(cfg(100, 1).version(3).advertIntervalCentis(200).build(), T0);
        assertThat(two.skewNanos()).isEqualTo(4 * half.skewNanos());
    }

    @Test
    void v3BackupAdoptsMastersInterval() {
        VrrpInstance i = started(cfg(100, 1).version(3).advertIntervalCentis(100).build(), T0);
        long t = T0 + S;
        i.handle(new Event.AdvertReceived(t, Fx.advert(3, 150, 200), ip(2)));
        assertThat(i.status().masterAdvertIntervalCentis()).isEqualTo(200);
        assertThat(i.nextDeadline()).hasValue(t + 3 * 2 * S + 156 * 2 * S / 256);
        // Becoming master resets it to our own interval: adverts every 1 s.
        runUntil(i, t + 8 * S);
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(i.status().masterAdvertIntervalCentis()).isEqualTo(100);
        long now = i.nextDeadline().getAsLong();
        i.drainActions();
        i.handle(new Event.TimerDue(now));
        assertThat(i.nextDeadline()).hasValue(now + S);
    }

    @Test
    void v2BackupKeepsItsOwnInterval() {
        VrrpInstance i = started(cfg(100, 1).build(), T0);
        i.handle(new Event.AdvertReceived(T0 + S, Fx.advert(2, 150, 200), ip(2)));
        assertThat(i.nextDeadline()).hasValue(T0 + S + 3 * S + 156 * S / 256);
    }

    @Test
    void priorityZeroMakesBackupWaitOnlySkew() {
        // keepalived measured: priority 100 took over 0.61 s after a priority-0 advert.
        VrrpInstance i = started(cfg(100, 1).build(), T0);
        i.handle(rx(T0 + S, 150, 2));
        i.handle(rx(T0 + 2 * S, 0, 2));
        assertThat(logs(i.drainActions())).contains("(VI_1) Backup received priority 0 advertisement");
        assertThat(i.nextDeadline()).hasValue(T0 + 2 * S + 609_375_000L);
        runUntil(i, T0 + 2 * S + 609_375_000L);
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void masterSendsAnAdvertEveryInterval() {
        VrrpInstance i = started(cfg(255, 1).advertIntervalCentis(200).build(), T0);
        runUntil(i, T0 + 6 * S);
        assertThat(effects(i.drainActions())).filteredOn(a -> a instanceof Action.SendAdvert)
                .containsExactly(new Action.SendAdvert(255), new Action.SendAdvert(255), new Action.SendAdvert(255));
    }

    // ------------------------------------------------------------------ shutdown

    @Test
    void shutdownFromMasterSendsPriorityZeroFirstWithoutRedis() {
        VrrpInstance i = started(cfg(255, 1).build(), T0);
        i.drainActions();
        i.handle(new Event.Shutdown(T0 + S));
        assertThat(effects(i.drainActions())).containsExactly(
                new Action.SendAdvert(0), new Action.RemoveVips(),
                new Action.StateChanged(VrrpState.MASTER, VrrpState.STOP, "shutdown", "(VI_1) Stopped"),
                new Action.Notify(VrrpState.STOP, 255));
    }

    @Test
    void shutdownFromMasterWithRedisSendsPriorityZeroOnlyAfterTheFenceAndTheVipRemoval() {
        // The peer promotes its replica once it hears priority 0: not before our Redis is fenced and
        // its replica has caught up (the Fence step), and the VIP is gone.
        VrrpInstance i = started(cfg(255, 1).redisHooks(true).build(), T0);
        i.handle(new Event.PromotionDone(T0 + MS, 1, true, "ok"));
        i.drainActions();
        i.handle(new Event.Shutdown(T0 + S));
        assertThat(effects(i.drainActions())).containsExactly(
                new Action.Fence(), new Action.RemoveVips(), new Action.ReleaseAdvert(),
                new Action.StateChanged(VrrpState.MASTER, VrrpState.STOP, "shutdown", "(VI_1) Stopped"),
                new Action.Notify(VrrpState.STOP, 255));
        assertThat(i.state()).isEqualTo(VrrpState.STOP);
        assertThat(i.nextDeadline()).isEmpty();
    }

    @Test
    void shutdownWithoutReleaseKeepsTheVipsAndRedisAndSendsNothing() {
        VrrpInstance i = started(cfg(255, 1).redisHooks(true).build(), T0);
        i.handle(new Event.PromotionDone(T0 + MS, 1, true, "ok"));
        i.drainActions();
        i.handle(new Event.Shutdown(T0 + S, false));
        assertThat(effects(i.drainActions())).containsExactly(
                new Action.StateChanged(VrrpState.MASTER, VrrpState.STOP, "shutdown", "(VI_1) Stopped"),
                new Action.Notify(VrrpState.STOP, 255));
        assertThat(i.state()).isEqualTo(VrrpState.STOP);
        assertThat(i.nextDeadline()).isEmpty();
    }

    @Test
    void shutdownFromBackupOnlyNotifiesStopAndLaterEventsAreIgnored() {
        VrrpInstance i = started(cfg(100, 1).build(), T0);
        i.handle(new Event.Shutdown(T0 + S));
        assertThat(effects(i.drainActions())).containsExactly(
                new Action.StateChanged(VrrpState.BACKUP, VrrpState.STOP, "shutdown", "(VI_1) Stopped"),
                new Action.Notify(VrrpState.STOP, 100));
        i.handle(new Event.TimerDue(T0 + 10 * S));
        i.handle(rx(T0 + 10 * S, 0, 2));
        assertThat(i.drainActions()).isEmpty();
        assertThat(i.state()).isEqualTo(VrrpState.STOP);
    }

    // ------------------------------------------------------------------ BACKUP receive and preemption

    @Test
    void backupAcceptsEqualPriority() {
        VrrpInstance i = started(cfg(100, 1).build(), T0);
        long t = T0 + 3 * S;
        i.handle(rx(t, 100, 2)); // from a higher IP: still accepted, no tie-break in BACKUP
        assertThat(i.nextDeadline()).hasValue(t + i.masterDownIntervalNanos());
        assertThat(i.status().master()).contains(ip(2));
        runUntil(i, t + i.masterDownIntervalNanos() - 1);
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void preemptingBackupDiscardsLowerPriorityAdvertsAndTakesOver() {
        VrrpInstance i = started(cfg(200, 1).build(), T0);
        long mdi = i.masterDownIntervalNanos();
        for (int k = 1; k <= 3; k++) {
            i.handle(rx(T0 + k * S, 100, 2));
        }
        assertThat(logs(i.drainActions()))
                .contains("(VI_1) received lower priority (100) advert from 192.0.2.2 - discarding");
        assertThat(i.nextDeadline()).hasValue(T0 + mdi);
        runUntil(i, T0 + mdi);
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void nopreemptBackupNeverTakesOverLiveMaster() {
        VrrpInstance i = started(cfg(200, 1).nopreempt(true).build(), T0);
        long t = T0;
        for (int k = 1; k <= 100; k++) {
            t = T0 + k * S;
            runUntil(i, t);
            i.handle(rx(t, 100, 2));
        }
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        runUntil(i, t + i.masterDownIntervalNanos()); // adverts stop: it takes over
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void preemptDelayDelaysTakeover() {
        VrrpInstance i = started(cfg(200, 1).preemptDelay(Duration.ofSeconds(10)).build(), T0);
        long mdi = i.masterDownIntervalNanos();
        long first = T0 + S;
        long t = first;
        // A lower-priority master advertises every second. Until 10 s after the first one its adverts
        // are accepted; after that they are discarded and the down timer runs out.
        while (i.state() == VrrpState.BACKUP && t < first + 30 * S) {
            runUntil(i, t);
            if (i.state() == VrrpState.BACKUP) {
                i.handle(rx(t, 100, 2));
            }
            t += S;
        }
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        long takeover = t - S; // the loop stopped in the second in which it took over
        // Last accepted advert at first+9 s (the one at +10 s is already past the delay).
        assertThat(takeover).isBetween(first + 9 * S + mdi - S, first + 10 * S + mdi);
        assertThat(takeover).isGreaterThan(first + 10 * S);
    }

    @Test
    void preemptDelayRestartsWhenAnEqualOrHigherPriorityIsSeen() {
        VrrpInstance i = started(cfg(200, 1).preemptDelay(Duration.ofSeconds(10)).build(), T0);
        i.handle(rx(T0 + S, 100, 2));        // starts the delay
        i.handle(rx(T0 + 8 * S, 200, 3));    // clears it
        i.handle(rx(T0 + 9 * S, 100, 2));    // starts again
        i.handle(rx(T0 + 15 * S, 100, 2));   // only 6 s into the new delay: accepted
        assertThat(i.nextDeadline()).hasValue(T0 + 15 * S + i.masterDownIntervalNanos());
        i.handle(rx(T0 + 19 * S + 1, 100, 2)); // past it: discarded
        assertThat(i.nextDeadline()).hasValue(T0 + 15 * S + i.masterDownIntervalNanos());
    }

    // ------------------------------------------------------------------ MASTER receive

    @Test
    void higherIpWinsOnlyBetweenTwoMasters() {
        VrrpInstance low = started(cfg(100, 5).build(), T0);
        runUntil(low, T0 + 4 * S);
        assertThat(low.state()).isEqualTo(VrrpState.MASTER);
        low.drainActions();
        low.handle(rx(T0 + 5 * S, 100, 3)); // same priority, lower IP: we stay and answer
        assertThat(low.state()).isEqualTo(VrrpState.MASTER);
        assertThat(effects(low.drainActions())).contains(new Action.SendAdvert(100));
        low.handle(rx(T0 + 5 * S, 100, 9)); // same priority, higher IP: we yield
        assertThat(low.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(logs(low.drainActions())).contains(
                "(VI_1) Master received advert from 192.0.2.9 with same priority 100 but higher IP address than ours");
        // As BACKUP an equal priority from a lower IP is simply accepted (no tie-break).
        low.handle(rx(T0 + 6 * S, 100, 3));
        assertThat(low.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(low.status().master()).contains(ip(3));
    }

    @Test
    void addressComparisonIsUnsignedNumeric() {
        assertThat(VrrpInstance.compareAddresses(ip(200), ip(100))).isPositive();
        assertThat(VrrpInstance.compareAddresses(ip(2), ip(130))).isNegative();
        assertThat(VrrpInstance.compareAddresses(ip(7), ip(7))).isZero();
    }

    @Test
    void masterYieldsToHigherPriorityWithoutPriorityZero() {
        VrrpInstance m = started(cfg(100, 5).build(), T0);
        runUntil(m, T0 + 4 * S);
        m.drainActions();
        m.handle(rx(T0 + 5 * S, 150, 2));
        List<Action> a = m.drainActions();
        assertThat(logs(a)).contains("(VI_1) Master received advert from 192.0.2.2 with higher priority 150, ours 100");
        assertThat(effects(a)).doesNotContain(new Action.SendAdvert(0)).contains(new Action.RemoveVips());
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(m.nextDeadline()).hasValue(T0 + 5 * S + m.masterDownIntervalNanos());
    }

    @Test
    void masterReceivingLowerPrioritySendsAdvertAtOnce() {
        VrrpInstance m = started(cfg(200, 5).build(), T0);
        runUntil(m, T0 + 4 * S);
        m.drainActions();
        m.handle(rx(T0 + 4 * S + 500 * MS, 100, 9));
        List<Action> a = m.drainActions();
        assertThat(effects(a)).containsExactly(new Action.SendAdvert(200), new Action.GarpBurst(5));
        assertThat(logs(a)).contains(
                "(VI_1) Received advert from 192.0.2.9 with lower priority 100, ours 200, forcing new election");
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void lowerPrioNoAdvertSuppressesTheImmediateAdvert() {
        VrrpInstance m = started(cfg(200, 5).lowerPrioNoAdvert(true).build(), T0);
        runUntil(m, T0 + 4 * S);
        m.drainActions();
        m.handle(rx(T0 + 4 * S + 500 * MS, 100, 9));
        assertThat(effects(m.drainActions())).containsExactly(new Action.GarpBurst(5));
    }

    @Test
    void higherPrioSendAdvertSendsOneAdvertBeforeYielding() {
        VrrpInstance m = started(cfg(100, 5).higherPrioSendAdvert(true).build(), T0);
        runUntil(m, T0 + 4 * S);
        m.drainActions();
        m.handle(rx(T0 + 5 * S, 150, 2));
        List<Action> e = effects(m.drainActions());
        assertThat(e.get(0)).isEqualTo(new Action.SendAdvert(100));
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void masterAnswersPriorityZeroAtOnceAndStays() {
        VrrpInstance m = started(cfg(255, 5).build(), T0);
        m.drainActions();
        m.handle(rx(T0 + S / 2, 0, 9));
        assertThat(effects(m.drainActions())).containsExactly(new Action.SendAdvert(255));
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void ownerIgnoreAdvertsMakesTheOwnerDeaf() {
        VrrpInstance m = started(cfg(255, 1).ownerIgnoreAdverts(true).build(), T0);
        m.handle(rx(T0 + S / 2, 255, 9));
        assertThat(m.drainActions()).isEmpty();
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void equalPriorityFromOurOwnAddressIsAWarning() {
        VrrpInstance m = started(cfg(255, 1).build(), T0);
        m.handle(rx(T0 + S / 2, 255, 1));
        assertThat(m.drainActions()).containsExactly(new Action.Log(Action.Level.WARN,
                "(VI_1) WARNING - equal priority advert received from remote host with our IP address."));
    }

    // ------------------------------------------------------------------ effective priority

    @Test
    void effectivePriorityIsBasePlusWeightsClampedTo1And254() {
        VrrpInstance hi = started(cfg(250, 1).trackers(List.of(new TrackerSpec("a", 50, false))).build(), T0);
        hi.handle(new Event.TrackerResult(T0, "a", true));
        assertThat(hi.effectivePriority()).isEqualTo(254);
        VrrpInstance lo = started(cfg(10, 1).trackers(List.of(new TrackerSpec("a", -50, false))).build(), T0);
        lo.handle(new Event.TrackerResult(T0, "a", false));
        assertThat(lo.effectivePriority()).isEqualTo(1);
    }

    @Test
    void positiveWeightAddsWhileOk() {
        VrrpInstance i = started(cfg(100, 1).trackers(List.of(new TrackerSpec("a", 20, false))).build(), T0);
        assertThat(i.effectivePriority()).isEqualTo(100); // unknown contributes nothing
        i.handle(new Event.TrackerResult(T0, "a", true));
        assertThat(i.effectivePriority()).isEqualTo(120);
        assertThat(logs(i.drainActions())).contains("(VI_1) Changing effective priority from 100 to 120");
        i.handle(new Event.TrackerResult(T0, "a", false));
        assertThat(i.effectivePriority()).isEqualTo(100);
    }

    @Test
    void negativeWeightSubtractsWhileFailed() {
        VrrpInstance i = started(cfg(100, 1).trackers(List.of(new TrackerSpec("a", -30, false))).build(), T0);
        i.handle(new Event.TrackerResult(T0, "a", true));
        assertThat(i.effectivePriority()).isEqualTo(100);
        i.handle(new Event.TrackerResult(T0, "a", false));
        assertThat(i.effectivePriority()).isEqualTo(70);
    }

    @Test
    void reverseInvertsTheWeights() {
        VrrpInstance i = started(cfg(100, 1).trackers(List.of(
                new TrackerSpec("pos", 20, true), new TrackerSpec("neg", -30, true))).build(), T0);
        i.handle(new Event.TrackerResult(T0, "pos", true));
        assertThat(i.effectivePriority()).isEqualTo(80);
        i.handle(new Event.TrackerResult(T0, "neg", false));
        assertThat(i.effectivePriority()).isEqualTo(110);
        i.handle(new Event.TrackerResult(T0, "pos", false));
        i.handle(new Event.TrackerResult(T0, "neg", true));
        assertThat(i.effectivePriority()).isEqualTo(100);
    }

    @Test
    void priority255IgnoresWeights() {
        VrrpInstance i = started(cfg(255, 1).trackers(List.of(new TrackerSpec("a", -100, false))).build(), T0);
        i.handle(new Event.TrackerResult(T0, "a", false));
        assertThat(i.effectivePriority()).isEqualTo(255);
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void priorityChangeWhileBackupRecomputesDownTimer() {
        VrrpInstance i = started(cfg(100, 1).trackers(List.of(new TrackerSpec("a", 100, false))).build(), T0);
        i.handle(rx(T0 + S, 250, 2));
        assertThat(i.nextDeadline()).hasValue(T0 + S + 3 * S + 156 * S / 256);
        i.handle(new Event.TrackerResult(T0 + 2 * S, "a", true));
        assertThat(i.effectivePriority()).isEqualTo(200);
        assertThat(i.nextDeadline()).hasValue(T0 + S + 3 * S + 56 * S / 256);
    }

    @Test
    void priorityChangeWhileMasterGoesIntoTheNextAdvert() {
        VrrpInstance m = started(cfg(100, 1).trackers(List.of(new TrackerSpec("a", -40, false))).build(), T0);
        runUntil(m, T0 + 4 * S);
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        m.handle(new Event.TrackerResult(T0 + 4 * S, "a", false));
        m.drainActions();
        m.handle(new Event.TimerDue(m.nextDeadline().getAsLong()));
        assertThat(effects(m.drainActions())).containsExactly(new Action.SendAdvert(60));
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    // ------------------------------------------------------------------ FAULT

    @Test
    void weightZeroTrackerFailingMeansFault() {
        VrrpInstance i = started(cfg(100, 1).trackers(List.of(TrackerSpec.faultOnFailure("chk"))).build(), T0);
        assertThat(i.state()).isEqualTo(VrrpState.INIT); // waits for the first result, no FAULT notify
        i.handle(new Event.TrackerResult(T0, "chk", true));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        i.handle(new Event.TrackerResult(T0 + S, "chk", false));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        assertThat(i.status().faults()).containsExactly("tracker chk failed");
        i.handle(new Event.TrackerResult(T0 + 2 * S, "chk", true));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void weightZeroReverseTrackerFaultsWhenOk() {
        VrrpInstance i = started(cfg(100, 1).trackers(List.of(new TrackerSpec("chk", 0, true))).build(), T0);
        i.handle(new Event.TrackerResult(T0, "chk", true));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        i.handle(new Event.TrackerResult(T0, "chk", false));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
    }

    /**
     * Sentinel mode: the weight-0 tracker is up only on the node Sentinel's majority names master, so
     * its clearing takes over at once (promotion first), with no down timer; its failing releases.
     */
    @Test
    void masterWhenFaultClearsTakesOverAtOnceAndReleasesOnFault() {
        VrrpInstance i = started(cfg(100, 1).redisHooks(true).masterWhenFaultClears(true)
                .trackers(List.of(TrackerSpec.faultOnFailure("sentinel:r"))).build(), T0);
        assertThat(i.state()).isEqualTo(VrrpState.INIT);
        i.handle(new Event.TrackerResult(T0, "sentinel:r", false));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        i.drainActions();
        i.handle(new Event.TrackerResult(T0 + S, "sentinel:r", true));
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(effects(i.drainActions())).containsExactly(new Action.SendAdvert(100),
                new Action.StateChanged(VrrpState.FAULT, VrrpState.MASTER,
                        "fault cleared, named master by its fault trackers", "(VI_1) Entering MASTER STATE"),
                new Action.Promote(1));
        i.handle(new Event.PromotionDone(T0 + S + MS, 1, true, ""));
        assertThat(i.vipsSet()).isTrue();
        i.drainActions();
        i.handle(new Event.TrackerResult(T0 + 2 * S, "sentinel:r", false));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        // The priority-0 advert follows the fence and the VIP removal: the successor takes over at once.
        assertThat(effects(i.drainActions())).startsWith(new Action.Fence(), new Action.RemoveVips(),
                new Action.ReleaseAdvert());
    }

    /** A master still advertising (the old one, not yet aware): wait for its priority 0, then the skew only. */
    @Test
    void masterWhenFaultClearsWaitsForALiveMasterToRelease() {
        VrrpInstance i = started(cfg(250, 1).redisHooks(true).masterWhenFaultClears(true).nopreempt(true)
                .trackers(List.of(TrackerSpec.faultOnFailure("sentinel:r"))).build(), T0);
        i.handle(new Event.TrackerResult(T0, "sentinel:r", false));
        i.handle(rx(T0 + S, 100, 2)); // ignored in FAULT, but noted
        i.handle(new Event.TrackerResult(T0 + S + 10 * MS, "sentinel:r", true));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        i.handle(rx(T0 + S + 20 * MS, 0, 2));
        assertThat(i.takeoverDeadline()).hasValue(T0 + S + 20 * MS + i.skewNanos());
        runUntil(i, T0 + S + 20 * MS + i.skewNanos());
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);

        // Adverts heard longer ago than the master down interval do not hold a takeover back.
        VrrpInstance j = started(cfg(250, 1).redisHooks(true).masterWhenFaultClears(true)
                .trackers(List.of(TrackerSpec.faultOnFailure("sentinel:r"))).build(), T0);
        j.handle(new Event.TrackerResult(T0, "sentinel:r", false));
        j.handle(rx(T0 + S, 100, 2));
        j.handle(new Event.TrackerResult(T0 + S + j.masterDownIntervalNanos(), "sentinel:r", true));
        assertThat(j.state()).isEqualTo(VrrpState.MASTER);

        // A master heard releasing (priority 0) while we were in FAULT no longer holds us back.
        VrrpInstance k = started(cfg(250, 1).redisHooks(true).masterWhenFaultClears(true)
                .trackers(List.of(TrackerSpec.faultOnFailure("sentinel:r"))).build(), T0);
        k.handle(new Event.TrackerResult(T0, "sentinel:r", false));
        k.handle(rx(T0 + S, 100, 2));
        k.handle(rx(T0 + S + MS, 0, 3)); // another node's release says nothing about 2
        k.handle(new Event.TrackerResult(T0 + S + 2 * MS, "sentinel:r", false));
        k.handle(rx(T0 + S + 3 * MS, 0, 2));
        k.handle(new Event.TrackerResult(T0 + S + 4 * MS, "sentinel:r", true));
        assertThat(k.state()).isEqualTo(VrrpState.MASTER);
    }

    /**
     * The old master sends nothing while it fences and removes the VIPs: the waiting BACKUP's down
     * timer is longer by releaseWait, so a slow release is not taken over while it still holds the VIP.
     */
    @Test
    void aNamedMasterWaitingForAReleaseWaitsReleaseWaitLongerThanTheDownTimer() {
        long wait = 700 * MS;
        VrrpInstance i = started(cfg(250, 1).redisHooks(true).masterWhenFaultClears(true).nopreempt(true)
                .releaseWait(java.time.Duration.ofNanos(wait))
                .trackers(List.of(TrackerSpec.faultOnFailure("sentinel:r"))).build(), T0);
        i.handle(new Event.TrackerResult(T0, "sentinel:r", false));
        i.handle(rx(T0 + S, 100, 2));
        long named = T0 + S + 10 * MS;
        i.handle(new Event.TrackerResult(named, "sentinel:r", true));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(i.takeoverDeadline()).hasValue(named + i.masterDownIntervalNanos() + wait);
        runUntil(i, named + i.masterDownIntervalNanos() + wait - MS);
        assertThat(i.state()).as("still inside the release wait").isEqualTo(VrrpState.BACKUP);
        // An advert from the old master (not yet aware) restarts the longer timer, not the plain one.
        i.handle(rx(named + 500 * MS, 100, 2));
        assertThat(i.takeoverDeadline()).hasValue(named + 500 * MS + i.masterDownIntervalNanos() + wait);
        // Its release ends the wait: the skew only.
        i.handle(rx(named + 600 * MS, 0, 2));
        assertThat(i.takeoverDeadline()).hasValue(named + 600 * MS + i.skewNanos());
        runUntil(i, named + 600 * MS + i.skewNanos());
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);

        // A master that dies mid-release is taken over once the longer timer runs out.
        VrrpInstance j = started(cfg(250, 1).redisHooks(true).masterWhenFaultClears(true).nopreempt(true)
                .releaseWait(java.time.Duration.ofNanos(wait))
                .trackers(List.of(TrackerSpec.faultOnFailure("sentinel:r"))).build(), T0);
        j.handle(new Event.TrackerResult(T0, "sentinel:r", false));
        j.handle(rx(T0 + S, 100, 2));
        j.handle(new Event.TrackerResult(named, "sentinel:r", true));
        runUntil(j, named + j.masterDownIntervalNanos() + wait);
        assertThat(j.state()).isEqualTo(VrrpState.MASTER);

        // An ordinary BACKUP (not waiting for a release) keeps keepalived's down timer.
        VrrpInstance k = started(cfg(100, 1).releaseWait(java.time.Duration.ofNanos(wait)).build(), T0);
        k.handle(rx(T0 + S, 200, 2));
        assertThat(k.takeoverDeadline()).hasValue(T0 + S + k.masterDownIntervalNanos());
    }

    /** A Redis check's tracker resigns a MASTER at once (priority 0); other trackers only weigh. */
    @Test
    void aResigningTrackerThatFailsMakesAMasterReleaseAtOnce() {
        TrackerSpec redis = new TrackerSpec("redis:r", -10, false).resigningMaster();
        VrrpInstance m = started(cfg(200, 1).trackers(List.of(redis, new TrackerSpec("script:s", -10, false))).build(), T0);
        m.handle(new Event.TrackerResult(T0, "redis:r", true));
        m.handle(new Event.TrackerResult(T0, "script:s", true));
        runUntil(m, T0 + 5 * S);
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        m.drainActions();
        m.handle(new Event.TrackerResult(T0 + 5 * S + MS, "script:s", false));
        assertThat(m.state()).as("a weight alone does not resign").isEqualTo(VrrpState.MASTER);
        m.drainActions();
        m.handle(new Event.TrackerResult(T0 + 5 * S + 2 * MS, "redis:r", false));
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(effects(m.drainActions())).startsWith(new Action.SendAdvert(0), new Action.RemoveVips());
        // A BACKUP's failing check only weighs.
        m.handle(new Event.TrackerResult(T0 + 5 * S + 3 * MS, "redis:r", true));
        m.handle(new Event.TrackerResult(T0 + 5 * S + 4 * MS, "redis:r", false));
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);

        // Weight 0: the failure is FAULT, which releases by itself; no second release.
        VrrpInstance f = started(cfg(200, 1).trackers(List.of(TrackerSpec.faultOnFailure("redis:r").resigningMaster()))
                .build(), T0);
        f.handle(new Event.TrackerResult(T0, "redis:r", true));
        runUntil(f, T0 + 5 * S);
        f.drainActions();
        f.handle(new Event.TrackerResult(T0 + 5 * S + MS, "redis:r", false));
        assertThat(f.state()).isEqualTo(VrrpState.FAULT);
        assertThat(effects(f.drainActions()).stream().filter(a -> a.equals(new Action.SendAdvert(0))).count()).isEqualTo(1);
    }

    @Test
    void withoutMasterWhenFaultClearsAClearedFaultWaitsTheDownTimer() {
        VrrpInstance i = started(cfg(100, 1).trackers(List.of(TrackerSpec.faultOnFailure("chk"))).build(), T0);
        i.handle(new Event.TrackerResult(T0, "chk", false));
        i.handle(new Event.TrackerResult(T0 + S, "chk", true));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(i.takeoverDeadline()).isPresent();
    }

    @Test
    void faultFromMasterSendsPriorityZeroAndRemovesVips() {
        VrrpInstance m = started(cfg(255, 1).build(), T0);
        m.handle(new Event.InterfaceChanged(T0 + S, false));
        assertThat(effects(m.drainActions())).containsExactly(
                new Action.SendAdvert(0), new Action.RemoveVips(),
                new Action.StateChanged(VrrpState.MASTER, VrrpState.FAULT, "interface down",
                        "(VI_1) Entering FAULT STATE"),
                new Action.Notify(VrrpState.FAULT, 255));
        assertThat(m.nextDeadline()).isEmpty();
        m.handle(rx(T0 + 2 * S, 100, 2)); // FAULT ignores adverts
        assertThat(effects(m.drainActions())).isEmpty();
    }

    @Test
    void faultFromBackupOnlyNotifies() {
        VrrpInstance b = started(cfg(100, 1).build(), T0);
        b.handle(new Event.InterfaceChanged(T0 + S, false));
        assertThat(effects(b.drainActions())).containsExactly(
                new Action.StateChanged(VrrpState.BACKUP, VrrpState.FAULT, "interface down",
                        "(VI_1) Entering FAULT STATE"),
                new Action.Notify(VrrpState.FAULT, 100));
    }

    @Test
    void leavingFaultEntersBackupWithAFullDownTimerTheOwnerToo() {
        VrrpInstance b = started(cfg(100, 1).build(), T0);
        b.handle(new Event.InterfaceChanged(T0 + S, false));
        b.handle(new Event.InterfaceChanged(T0 + 2 * S, true));
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.nextDeadline()).hasValue(T0 + 2 * S + b.masterDownIntervalNanos());
        VrrpInstance owner = started(cfg(255, 1).build(), T0);
        assertThat(owner.state()).as("the owner at start").isEqualTo(VrrpState.MASTER);
        owner.handle(new Event.InterfaceChanged(T0 + S, false));
        owner.handle(new Event.InterfaceChanged(T0 + 2 * S, true));
        assertThat(owner.state()).as("the owner after a fault: vrrp_scheduler.c, try_up_instance")
                .isEqualTo(VrrpState.BACKUP);
        assertThat(owner.nextDeadline()).hasValue(T0 + 2 * S + owner.masterDownIntervalNanos());
    }

    @Test
    void interfaceDownAtStartEntersFaultInit() {
        VrrpInstance i = new VrrpInstance(cfg(100, 1).build());
        i.handle(new Event.Start(T0, false));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        assertThat(effects(i.drainActions())).contains(new Action.StateChanged(VrrpState.INIT, VrrpState.FAULT,
                "interface down", "(VI_1) Entering FAULT STATE (init)"));
    }

    @Test
    void dontTrackPrimaryIgnoresOwnInterfaceDown() {
        VrrpInstance m = started(cfg(255, 1).dontTrackPrimary(true).build(), T0);
        m.handle(new Event.InterfaceChanged(T0 + S, false));
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void vipDeletedExternallyWhileMasterReleasesAndRetakesAfterSkew() {
        VrrpInstance m = started(cfg(100, 1).build(), T0);
        runUntil(m, T0 + 4 * S);
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        m.drainActions();
        long t = T0 + 5 * S;
        m.handle(new Event.VipDeletedExternally(t));
        List<Action> a = effects(m.drainActions());
        assertThat(a.get(0)).isEqualTo(new Action.SendAdvert(0));
        assertThat(a).contains(new Action.RemoveVips());
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(m.nextDeadline()).hasValue(t + m.skewNanos());
        runUntil(m, t + m.skewNanos());
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        assertThat(m.drainActions()).contains(new Action.AddVips());
    }

    @Test
    void virtualRoutingDeletedExternallyWhileMasterReleasesAndRetakesAfterSkew() {
        VrrpInstance m = started(cfg(100, 1).build(), T0);
        runUntil(m, T0 + 4 * S);
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        m.drainActions();
        long t = T0 + 5 * S;
        m.handle(new Event.RoutingDeletedExternally(t, "virtual route 198.51.100.0/24 dev eth0 table 100"));
        List<Action> all = m.drainActions();
        assertThat(all).contains(new Action.Log(Action.Level.INFO,
                "(" + m.name() + ") virtual route 198.51.100.0/24 dev eth0 table 100 was deleted from outside,"
                        + " leaving MASTER"));
        List<Action> a = effects(all);
        assertThat(a.get(0)).isEqualTo(new Action.SendAdvert(0));
        assertThat(a).contains(new Action.RemoveVips());
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(m.nextDeadline()).hasValue(t + m.skewNanos());
        // A BACKUP ignores it: its routes are not in the kernel.
        m.handle(new Event.RoutingDeletedExternally(t + 1, "virtual route x"));
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    // ------------------------------------------------------------------ Redis hooks ordering

    @Test
    void enteringMasterWithHooksPromotesBeforeAddingVips() {
        VrrpInstance i = started(cfg(100, 1).redisHooks(true).build(), T0);
        runUntil(i, T0 + 4 * S);
        List<Action> a = effects(i.drainActions());
        assertThat(a).containsExactly(new Action.SendAdvert(100),
                new Action.StateChanged(VrrpState.BACKUP, VrrpState.MASTER, "master down timer expired",
                        "(VI_1) Entering MASTER STATE"),
                new Action.Promote(1));
        assertThat(i.vipsSet()).isFalse();
        i.handle(new Event.PromotionDone(T0 + 4 * S, 1, true, "ok"));
        assertThat(effects(i.drainActions())).containsExactly(new Action.AddVips(), new Action.GarpBurst(5),
                new Action.Notify(VrrpState.MASTER, 100));
        assertThat(i.vipsSet()).isTrue();
    }

    @Test
    void promotionFailureGoesFaultAndRetriesAfterBackoff() {
        VrrpInstance i = started(cfg(255, 1).redisHooks(true).promotionBackoff(Duration.ofSeconds(10)).build(), T0);
        i.handle(new Event.PromotionDone(T0 + 10 * MS, 1, false, "READONLY You can't write against a read only replica"));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        List<Action> a = i.drainActions();
        assertThat(effects(a)).startsWith(new Action.Fence(), new Action.ReleaseAdvert())
                .doesNotContain(new Action.AddVips(), new Action.RemoveVips());
        assertThat(i.status().faults()).singleElement().asString().startsWith("promotion failed: READONLY");
        assertThat(i.nextDeadline()).hasValue(T0 + 10 * MS + 10 * S);
        runUntil(i, T0 + 10 * MS + 10 * S);
        assertThat(i.state()).as("after the back-off, a backup again (an owner too, as after any fault)")
                .isEqualTo(VrrpState.BACKUP);
        runUntil(i, T0 + 10 * MS + 10 * S + i.masterDownIntervalNanos());
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        assertThat(i.drainActions()).contains(new Action.Promote(2));
    }

    @Test
    void promotionFailureCanReleaseIntoBackupAndHoldTheTakeoverUntilTheBackoff() {
        VrrpInstance i = started(cfg(100, 1).redisHooks(true).promotionBackoff(Duration.ofSeconds(20))
                .onPromotionFailure(InstanceConfig.PromotionFailure.BACKUP).build(), T0);
        runUntil(i, T0 + 4 * S);
        long t = T0 + 4 * S;
        i.drainActions();
        i.handle(new Event.PromotionDone(t, 1, false, "LOADING"));
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(effects(i.drainActions())).startsWith(new Action.Fence(), new Action.ReleaseAdvert());
        runUntil(i, t + 20 * S - 1); // the down timer expires at +3.6 s but the back-off holds it
        assertThat(i.state()).isEqualTo(VrrpState.BACKUP);
        runUntil(i, t + 20 * S);
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void promotionTimeoutGoesFault() {
        VrrpInstance i = started(cfg(255, 1).redisHooks(true).promotionTimeout(Duration.ofSeconds(2)).build(), T0);
        runUntil(i, T0 + 2 * S);
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
        assertThat(i.vipsSet()).isFalse();
        // A late answer to the old attempt is ignored.
        i.handle(new Event.PromotionDone(T0 + 3 * S, 1, true, "ok"));
        assertThat(i.state()).isEqualTo(VrrpState.FAULT);
    }

    @Test
    void stalePromotionResultDoesNotConfirmANewAttempt() {
        VrrpInstance i = started(cfg(100, 1).redisHooks(true).build(), T0);
        runUntil(i, T0 + 4 * S);
        i.handle(rx(T0 + 4 * S, 200, 2)); // yields while still waiting for attempt 1
        runUntil(i, T0 + 9 * S);          // becomes master again: attempt 2
        assertThat(i.state()).isEqualTo(VrrpState.MASTER);
        i.handle(new Event.PromotionDone(T0 + 9 * S, 1, true, "ok"));
        assertThat(i.vipsSet()).isFalse();
        i.handle(new Event.PromotionDone(T0 + 9 * S, 2, true, "ok"));
        assertThat(i.vipsSet()).isTrue();
    }

    @Test
    void leavingMasterFencesBeforeRemovingVipsAndDemotesToTheNewMaster() {
        VrrpInstance m = started(cfg(100, 1).redisHooks(true).build(), T0);
        runUntil(m, T0 + 4 * S);
        m.handle(new Event.PromotionDone(T0 + 4 * S, 1, true, "ok"));
        m.drainActions();
        m.handle(rx(T0 + 5 * S, 150, 2));
        assertThat(effects(m.drainActions())).containsExactly(new Action.Fence(), new Action.RemoveVips(),
                new Action.StateChanged(VrrpState.MASTER, VrrpState.BACKUP,
                        "Master received advert from 192.0.2.2 with higher priority 150, ours 100",
                        "(VI_1) Entering BACKUP STATE"),
                new Action.Notify(VrrpState.BACKUP, 100), new Action.Demote(ip(2)));
    }

    /** A MASTER with Redis hooks and its VIPs set, whose next advert is due at the returned time. */
    private static long[] masterWithVips(VrrpInstance m) {
        runUntil(m, T0 + 4 * S);
        m.handle(new Event.PromotionDone(T0 + 4 * S, 1, true, "ok"));
        m.drainActions();
        return new long[] {m.nextDeadline().orElseThrow()};
    }

    @Test
    void aMasterStalledPastEveryDownIntervalYieldsBeforeAnsweringTheNewMaster() {
        VrrpInstance m = started(cfg(150, 1).redisHooks(true).build(), T0);
        long due = masterWithVips(m)[0];
        // Frozen for 5 intervals; the first thing it handles is the new master's (lower) advert.
        m.handle(rx(due + 4 * S, 100, 2));
        List<Action> out = m.drainActions();
        assertThat(effects(out)).containsExactly(new Action.Fence(),
                new Action.RemoveVips(), new Action.ReleaseAdvert(), new Action.StateChanged(VrrpState.MASTER, VrrpState.BACKUP,
                        "no advert sent for 5000 ms (the process was stalled), longer than any backup's"
                                + " master_down_interval: a backup has taken over",
                        "(VI_1) Entering BACKUP STATE"),
                new Action.Notify(VrrpState.BACKUP, 150));
        assertThat(out.stream().filter(a -> a instanceof Action.StateChanged).map(a -> ((Action.StateChanged) a)
                .why().cause())).containsExactly(Decision.Cause.STALLED);
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void aMasterWhoseTimerFiresAfterTheStallYieldsInsteadOfAdvertising() {
        VrrpInstance m = started(cfg(150, 1).redisHooks(true).build(), T0);
        long due = masterWithVips(m)[0];
        m.handle(new Event.TimerDue(due + 3 * S + 1));
        assertThat(effects(m.drainActions())).startsWith(new Action.Fence(), new Action.RemoveVips(),
                new Action.ReleaseAdvert());
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void aTrackerReadingAfterTheStallFindsTheMasterAlreadyYielded() {
        VrrpInstance m = started(cfg(150, 1).redisHooks(true).trackers(List.of(new TrackerSpec("chk", -60, false))).build(), T0);
        m.handle(new Event.TrackerResult(T0 + 1, "chk", true));
        long due = masterWithVips(m)[0];
        m.handle(new Event.TrackerResult(due + 4 * S, "chk", false)); // would advertise priority 90 as MASTER
        List<Action> out = effects(m.drainActions());
        assertThat(out).startsWith(new Action.Fence(), new Action.RemoveVips(), new Action.ReleaseAdvert());
        assertThat(out).filteredOn(a -> a instanceof Action.SendAdvert).isEmpty();
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void atTenMsAdvertsAHiccupIsNotAStallButAQuarterSecondIs() {
        VrrpInstance m = started(cfg(150, 1).version(3).advertIntervalCentis(1).build(), T0);
        runUntil(m, T0 + S);
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        m.drainActions();
        long due = m.nextDeadline().orElseThrow();
        m.handle(new Event.TimerDue(due + 120 * MS)); // a loaded host's hiccup: 13 intervals
        assertThat(effects(m.drainActions())).containsExactly(new Action.SendAdvert(150));
        due = m.nextDeadline().orElseThrow();
        m.handle(new Event.TimerDue(due + VrrpInstance.STALL_FLOOR_NANOS + 1));
        assertThat(effects(m.drainActions())).startsWith(new Action.SendAdvert(0), new Action.RemoveVips());
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void aMasterLateByNoMoreThanThreeIntervalsStillAdvertises() {
        VrrpInstance m = started(cfg(150, 1).redisHooks(true).build(), T0);
        long due = masterWithVips(m)[0];
        m.handle(new Event.TimerDue(due + 3 * S)); // silent 4 intervals: a backup of priority 0 only would fire
        assertThat(effects(m.drainActions())).containsExactly(new Action.SendAdvert(150));
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    /** Backups with down_timer_adverts 10 wait ten intervals: a master silent for six has not been replaced. */
    @Test
    void theStallBoundFollowsDownTimerAdverts() {
        VrrpInstance m = started(cfg(150, 1).downTimerAdverts(10).build(), T0);
        runUntil(m, T0 + 20 * S);
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        m.drainActions();
        long due = m.nextDeadline().orElseThrow();
        m.handle(new Event.TimerDue(due + 5 * S));
        assertThat(effects(m.drainActions())).containsExactly(new Action.SendAdvert(150));
        due = m.nextDeadline().orElseThrow();
        m.handle(new Event.TimerDue(due + 10 * S + 1));
        assertThat(effects(m.drainActions())).startsWith(new Action.SendAdvert(0), new Action.RemoveVips());
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void backupWithHooksReplicatesFromTheMasterItLearns() {
        VrrpInstance b = started(cfg(100, 1).redisHooks(true).build(), T0);
        b.handle(rx(T0 + S, 150, 2));
        b.handle(rx(T0 + 2 * S, 150, 2));
        b.handle(rx(T0 + 3 * S, 150, 3));
        assertThat(effects(b.drainActions())).containsExactly(new Action.Demote(ip(2)), new Action.Demote(ip(3)));
    }

    @Test
    void withoutHooksEnteringMasterFollowsKeepalivedsOrder() {
        VrrpInstance i = started(cfg(100, 1).build(), T0);
        runUntil(i, T0 + 4 * S);
        assertThat(effects(i.drainActions())).extracting(a -> a.getClass().getSimpleName())
                .containsExactly("SendAdvert", "StateChanged", "AddVips", "GarpBurst", "Notify");
    }

    @Test
    void secondGarpBurstFollowsAfterGarpMasterDelay() {
        VrrpInstance m = started(cfg(255, 1).garpMasterDelay(Duration.ofMillis(2500)).garpMasterRepeat(3).build(), T0);
        runUntil(m, T0 + 2500 * MS - 1);
        assertThat(effects(m.drainActions())).doesNotContain(new Action.GarpBurst(3));
        runUntil(m, T0 + 2500 * MS);
        assertThat(effects(m.drainActions())).containsExactly(new Action.GarpBurst(3));
    }

    @Test
    void stepDownReleasesWithPriorityZeroAndWaitsAFullDownInterval() {
        VrrpInstance m = started(cfg(200, 1).build(), T0);
        runUntil(m, T0 + 4 * S);
        m.drainActions();
        m.handle(new Event.StepDown(T0 + 5 * S));
        assertThat(effects(m.drainActions()).get(0)).isEqualTo(new Action.SendAdvert(0));
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(m.nextDeadline()).hasValue(T0 + 5 * S + m.masterDownIntervalNanos());
    }

    // ------------------------------------------------------------------ reload (SIGHUP)

    @Test
    void reloadKeepsMasterAndItsVipsWithoutNotifiesAndSendsAnAdvert() {
        InstanceConfig c = cfg(200, 1).trackers(List.of(new TrackerSpec("a", 20, false))).build();
        VrrpInstance m = started(c, T0);
        m.handle(new Event.TrackerResult(T0, "a", true));
        runUntil(m, T0 + 4 * S);
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        m.drainActions();
        m.handle(new Event.Reload(T0 + 5 * S, c.toBuilder().priority(150).build()));
        List<Action> e = effects(m.drainActions());
        assertThat(e).containsExactly(new Action.SendAdvert(170)); // tracker result survived the reload
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        assertThat(m.vipsSet()).isTrue();
    }

    @Test
    void reloadRecomputesTheBackupDownTimerAndFault() {
        InstanceConfig c = cfg(100, 1).build();
        VrrpInstance b = started(c, T0);
        b.handle(new Event.Reload(T0 + S, c.toBuilder().advertIntervalCentis(200).build()));
        assertThat(b.nextDeadline()).hasValue(T0 + 6 * S + 156 * S / 256);
        b.handle(new Event.Reload(T0 + 2 * S, c.toBuilder()
                .trackers(List.of(TrackerSpec.faultOnFailure("new"))).build()));
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP); // a new tracker without result does not fault
        b.handle(new Event.TrackerResult(T0 + 3 * S, "new", false));
        assertThat(b.state()).isEqualTo(VrrpState.FAULT);
        assertThatThrownBy(() -> b.handle(new Event.Reload(T0, InstanceConfig.builder("VI_9", 9, ip(1)).build())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ misuse

    @Test
    void startingTwiceIsAnIllegalState() {
        VrrpInstance i = started(cfg(100, 1).build(), T0);
        assertThatThrownBy(() -> i.handle(new Event.Start(T0, true))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void initIgnoresAdvertsAndTimers() {
        VrrpInstance i = new VrrpInstance(cfg(100, 1).build());
        i.handle(rx(T0, 0, 2));
        i.handle(new Event.TimerDue(T0));
        assertThat(effects(i.drainActions())).isEmpty();
        assertThat(i.state()).isEqualTo(VrrpState.INIT);
    }

    @Test
    void configRejectsWhatKeepalivedWouldCorrect() {
        assertThatThrownBy(() -> cfg(100, 1).nopreempt(true).initialState(VrrpState.MASTER).build())
                .hasMessageContaining("nopreempt");
        assertThatThrownBy(() -> cfg(100, 1).advertIntervalCentis(150).build())
                .hasMessageContaining("advert_int 150");
        assertThatThrownBy(() -> cfg(0, 1).build()).hasMessageContaining("priority 0");
        assertThatThrownBy(() -> cfg(100, 1).trackers(List.of(TrackerSpec.faultOnFailure("a"),
                TrackerSpec.faultOnFailure("a"))).build()).hasMessageContaining("listed twice");
        assertThat(cfg(255, 1).build().initialState()).isEqualTo(VrrpState.MASTER);
        assertThat(cfg(254, 1).build().initialState()).isEqualTo(VrrpState.BACKUP);
    }
}
