package org.keepvip.vrrp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.sim.Lan.MS;
import static org.keepvip.vrrp.sim.Lan.S;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpState;

/**
 * Two hosts, each running a sync group of two instances (VRID 1 and 2), as in a Redis pair whose
 * writer and reader VIPs must move together.
 */
class SyncGroupScenarioTest {

    private final Lan lan = new Lan(new Random(3));
    private SimNode a1;
    private SimNode b1;
    private SimNode a2;
    private SimNode b2;

    private SimNode node(String name, int vrid, int ipLast, int prio) {
        InstanceConfig c = InstanceConfig.builder("VI_" + vrid, vrid, ip(ipLast)).priority(prio).build();
        return lan.add(new SimNode(name, c, null));
    }

    @BeforeEach
    void twoHosts() {
        a1 = node("h1/VI_1", 1, 1, 150);
        b1 = node("h1/VI_2", 2, 1, 150);
        a2 = node("h2/VI_1", 1, 2, 100);
        b2 = node("h2/VI_2", 2, 2, 100);
        lan.maxDelay = 2 * MS;
        // The two instances of one host are never split for longer than the adverts' flight time.
        lan.startGroup("G_h1", a1, b1);
        lan.startGroup("G_h2", a2, b2);
        lan.runUntil(10 * S);
    }

    @Test
    void theWholeGroupOfTheHigherPriorityHostBecomesMaster() {
        assertThat(a1.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b1.state()).isEqualTo(VrrpState.MASTER);
        assertThat(a2.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b2.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void oneMemberFaultMovesTheWholeGroupToTheOtherHostAndBack() {
        lan.deliver(a1, new org.keepvip.vrrp.state.Event.InterfaceChanged(lan.now(), false));
        assertThat(a1.state()).isEqualTo(VrrpState.FAULT);
        assertThat(b1.state()).isEqualTo(VrrpState.FAULT); // pulled along
        assertThat(b1.vips).isFalse();
        lan.runUntil(12 * S); // both got priority-0 adverts: the other host takes over after the skew
        assertThat(a2.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b2.state()).isEqualTo(VrrpState.MASTER);
        lan.deliver(a1, new org.keepvip.vrrp.state.Event.InterfaceChanged(lan.now(), true));
        assertThat(b1.state()).isEqualTo(VrrpState.BACKUP);
        lan.runUntil(20 * S); // preemption: h1's members time out together and take both VRIDs back
        assertThat(a1.state()).isEqualTo(VrrpState.MASTER);
        assertThat(b1.state()).isEqualTo(VrrpState.MASTER);
        assertThat(a2.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b2.state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void losingOneVridToAHigherPriorityPullsTheOtherMemberToBackup() {
        // h2's VI_1 alone gets a higher priority (say an operator raised it): h1 loses VRID 1 ...
        lan.crash(a2);
        lan.crash(b2);
        SimNode hot = lan.add(new SimNode("h3/VI_1",
                InstanceConfig.builder("VI_1", 1, ip(3)).priority(200).build(), null));
        lan.start(hot);
        lan.runUntil(20 * S);
        assertThat(hot.state()).isEqualTo(VrrpState.MASTER);
        // ... and its VRID 2 member follows it to BACKUP, releasing with a priority-0 advert.
        assertThat(a1.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b1.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(b1.vips).isFalse();
        // VRID 2 now has no master at all, because h1's VI_1 does not want MASTER: that is keepalived's
        // sync-group semantics (all members MASTER or none), and the reason groups should span peers alike.
        assertThat(b1.instance.wantsMaster()).isTrue();
    }

    private static InetAddress ip(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
