package org.keepvip.vrrp.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.state.Fx.S;
import static org.keepvip.vrrp.state.Fx.ip;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** vrrp_sync_group semantics, as keepalived's vrrp_sync.c has them. */
class SyncGroupTest {

    private static final long T0 = 500 * S;
    private VrrpInstance a;
    private VrrpInstance b;
    private SyncGroup group;

    @BeforeEach
    void setUp() {
        a = new VrrpInstance(InstanceConfig.builder("VI_A", 51, ip(1)).priority(100).build());
        b = new VrrpInstance(InstanceConfig.builder("VI_B", 52, ip(1)).priority(100).build());
        group = new SyncGroup("G1", List.of(a, b));
        group.handle("VI_A", new Event.Start(T0, true));
        group.handle("VI_B", new Event.Start(T0 + S, true)); // B's down timer expires 1 s later
    }

    private void run(long until) {
        while (group.nextDeadline().isPresent() && group.nextDeadline().getAsLong() <= until) {
            long d = group.nextDeadline().getAsLong();
            for (VrrpInstance i : group.members()) {
                if (i.nextDeadline().isPresent() && i.nextDeadline().getAsLong() == d) {
                    group.handle(i.name(), new Event.TimerDue(d));
                }
            }
        }
    }

    @Test
    void memberBecomesMasterOnlyWhenAllMembersWantMaster() {
        run(T0 + 4 * S);
        assertThat(a.wantsMaster()).isTrue();
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP); // its down timer expired, B's not yet
        run(T0 + 5 * S);
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
        assertThat(group.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void aMemberWaitingForItsGroupTakesOverOnceAReloadLeavesItAlone() {
        run(T0 + 4 * S);
        assertThat(a.wantsMaster()).isTrue();
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);

        a.leaveSyncGroup(T0 + 4 * S + 1);
        assertThat(a.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b.state()).as("not a's business any more").isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void aMemberLeftAloneBeforeItsDownTimerTakesOverWhenItRunsOut() {
        a.leaveSyncGroup(T0 + S);
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        while (a.nextDeadline().isPresent() && a.nextDeadline().getAsLong() <= T0 + 4 * S) {
            a.handle(new Event.TimerDue(a.nextDeadline().getAsLong()));
        }
        assertThat(a.state()).as("alone, its own down timer decides").isEqualTo(VrrpState.MASTER);
    }

    @Test
    void aMemberInFaultOnlyThroughItsGroupLeavesFaultWithTheGroup() {
        run(T0 + 5 * S);
        group.handle("VI_B", new Event.InterfaceChanged(T0 + 6 * S, false));
        assertThat(a.state()).isEqualTo(VrrpState.FAULT);

        a.leaveSyncGroup(T0 + 6 * S + 1);
        assertThat(a.state()).as("its own link is up").isNotEqualTo(VrrpState.FAULT);
        assertThat(a.status().faults()).isEmpty();
    }

    @Test
    void aWaitingMemberStaysBackupWhileAnotherHearsItsMaster() {
        run(T0 + 4 * S);
        group.handle("VI_B", new Event.AdvertReceived(T0 + 4 * S, Fx.advert(150), ip(2)));
        run(T0 + 6 * S);
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void memberGoingBackupPullsTheOthersToBackup() {
        run(T0 + 5 * S);
        a.drainActions();
        b.drainActions();
        group.handle("VI_A", new Event.AdvertReceived(T0 + 6 * S, Fx.advert(200), ip(2)));
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(Fx.effects(b.drainActions())).startsWith(new Action.SendAdvert(0));
        assertThat(group.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void memberFaultPullsTheOthersIntoFaultUntilItRecovers() {
        run(T0 + 5 * S);
        group.handle("VI_B", new Event.InterfaceChanged(T0 + 6 * S, false));
        assertThat(a.state()).isEqualTo(VrrpState.FAULT);
        assertThat(b.state()).isEqualTo(VrrpState.FAULT);
        assertThat(a.status().faults()).containsExactly("sync group in FAULT");
        assertThat(group.state()).isEqualTo(VrrpState.FAULT);
        group.handle("VI_B", new Event.InterfaceChanged(T0 + 7 * S, true));
        assertThat(a.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b.state()).isEqualTo(VrrpState.BACKUP);
        run(T0 + 11 * S);
        assertThat(group.state()).isEqualTo(VrrpState.MASTER);
    }
}
