package org.keepvip.vrrp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.sim.Lan.MS;
import static org.keepvip.vrrp.sim.Lan.S;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.Timing;
import org.keepvip.vrrp.state.VrrpState;

/** Failover and preemption with 2–3 instances on the in-memory LAN, with exact keepalived timings. */
class ScenarioTest {

    private static final int VRID = 51;
    private final Lan lan = new Lan(new Random(1));

    private SimNode node(String name, int ipLast, int prio, UnaryOperator<InstanceConfig.Builder> tweak) {
        InstanceConfig c = tweak.apply(InstanceConfig.builder("VI_" + name, VRID, ip(ipLast)).priority(prio)).build();
        return lan.add(new SimNode(name, c, null));
    }

    private SimNode node(String name, int ipLast, int prio) {
        return node(name, ipLast, prio, b -> b);
    }

    private static long mdi(int prio) {
        return Timing.masterDownIntervalNanos(2, prio, S, 3);
    }

    private static long skew(int prio) {
        return Timing.skewNanos(2, prio, S);
    }

    private void startAll() {
        lan.nodes.forEach(lan::start);
    }

    @Test
    void higherPriorityWinsTheFirstElectionAfterItsDownTimer() {
        SimNode a = node("a", 1, 150);
        SimNode b = node("b", 2, 100);
        startAll();
        lan.runUntil(10 * S);
        assertThat(lan.masters(VRID)).containsExactly(a);
        assertThat(lan.lastEntered("a", VrrpState.MASTER)).isEqualTo(mdi(150));
        assertThat(lan.lastEntered("b", VrrpState.MASTER)).isEqualTo(-1);
        assertThat(b.vips).isFalse();
        assertThat(a.vips).isTrue();
    }

    @Test
    void backupTakesOverOneDownIntervalAfterTheLastAdvertWhenTheMasterCrashes() {
        SimNode a = node("a", 1, 150);
        SimNode b = node("b", 2, 100);
        startAll();
        lan.runUntil(10 * S);
        long lastAdvert = mdi(150) + 6 * S; // a advertises on entering MASTER and every second after
        lan.crash(a);
        lan.runUntil(20 * S);
        assertThat(lan.masters(VRID)).containsExactly(b);
        assertThat(lan.lastEntered("b", VrrpState.MASTER)).isEqualTo(lastAdvert + mdi(100));
    }

    @Test
    void gracefulShutdownHandsOverAfterOnlyTheSkew() {
        SimNode a = node("a", 1, 150);
        SimNode b = node("b", 2, 100);
        startAll();
        lan.runUntil(10 * S);
        lan.shutdown(a);
        assertThat(a.vips).isFalse();
        lan.runUntil(20 * S);
        assertThat(lan.lastEntered("b", VrrpState.MASTER)).isEqualTo(10 * S + skew(100));
        assertThat(skew(100)).isEqualTo(609_375_000L);
    }

    @Test
    void returningHigherPriorityPreemptsAfterItsDownTimerAndTheOldMasterYieldsAtOnce() {
        SimNode a = node("a", 1, 150);
        SimNode b = node("b", 2, 100);
        startAll();
        lan.runUntil(10 * S);
        lan.crash(a);
        lan.runUntil(20 * S);
        lan.start(a);
        lan.runUntil(30 * S);
        assertThat(lan.masters(VRID)).containsExactly(a);
        assertThat(lan.lastEntered("a", VrrpState.MASTER)).isEqualTo(20 * S + mdi(150));
        assertThat(lan.lastEntered("b", VrrpState.BACKUP)).isEqualTo(20 * S + mdi(150));
        assertThat(b.vips).isFalse();
    }

    @Test
    void nopreemptHigherPriorityReturningLeavesTheRunningMaster() {
        SimNode a = node("a", 1, 150, b -> b.nopreempt(true));
        SimNode b = node("b", 2, 100);
        startAll();
        lan.runUntil(10 * S);
        assertThat(lan.masters(VRID)).containsExactly(a);
        lan.crash(a);
        lan.runUntil(20 * S);
        lan.start(a);
        lan.runUntil(120 * S);
        assertThat(lan.masters(VRID)).containsExactly(b);
        lan.shutdown(b); // only when the master leaves does it take over
        lan.runUntil(130 * S);
        assertThat(lan.masters(VRID)).containsExactly(a);
    }

    @Test
    void preemptDelayPostponesTheTakeover() {
        SimNode a = node("a", 1, 150, b -> b.preemptDelay(Duration.ofSeconds(5)));
        SimNode b = node("b", 2, 100);
        lan.start(b);
        lan.runUntil(10 * S);
        assertThat(lan.masters(VRID)).containsExactly(b);
        lan.start(a);
        lan.runUntil(40 * S);
        assertThat(lan.masters(VRID)).containsExactly(a);
        long took = lan.lastEntered("a", VrrpState.MASTER) - 10 * S;
        // b advertises at whole seconds +mdi(100); the first one a hears starts the 5 s delay.
        assertThat(took).isGreaterThan(5 * S + mdi(150) - S).isLessThanOrEqualTo(6 * S + mdi(150));
    }

    @Test
    void equalPrioritiesStartedTogetherLeaveTheHighestIpAsMaster() {
        node("a", 7, 100);
        node("b", 200, 100);
        node("c", 30, 100);
        lan.minDelay = MS; // adverts take 1 ms, so the three timers fire before any advert arrives
        lan.maxDelay = MS;
        startAll();
        lan.runUntil(10 * S);
        assertThat(lan.masters(VRID)).extracting(n -> n.name).containsExactly("b");
        // All three timed out together; the two lower IPs yielded on b's advert.
        assertThat(lan.lastEntered("a", VrrpState.MASTER)).isEqualTo(mdi(100));
        assertThat(lan.lastEntered("a", VrrpState.BACKUP)).isEqualTo(mdi(100) + MS);
    }

    @Test
    void equalPriorityPeerWithHigherIpDoesNotPreemptARunningMaster() {
        SimNode a = node("a", 7, 100);
        SimNode b = node("b", 200, 100);
        lan.start(a);
        lan.runUntil(10 * S);
        lan.start(b);
        lan.runUntil(60 * S);
        assertThat(lan.masters(VRID)).containsExactly(a);
        assertThat(b.transitions).isEqualTo(1); // INIT -> BACKUP only
    }

    @Test
    void unicastPeersFailOverLikeMulticast() {
        InstanceConfig ca = InstanceConfig.builder("VI_a", VRID, ip(1)).priority(150).version(3)
                .advertIntervalCentis(50).build();
        InstanceConfig cb = InstanceConfig.builder("VI_b", VRID, ip(2)).priority(100).version(3)
                .advertIntervalCentis(50).build();
        SimNode a = lan.add(new SimNode("a", ca, List.of(ip(2))));
        SimNode b = lan.add(new SimNode("b", cb, List.of(ip(1))));
        startAll();
        lan.runUntil(10 * S);
        assertThat(lan.masters(VRID)).containsExactly(a);
        assertThat(lan.lastEntered("a", VrrpState.MASTER))
                .isEqualTo(Timing.masterDownIntervalNanos(3, 150, S / 2, 3));
        lan.crash(a);
        lan.runUntil(20 * S);
        assertThat(b.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void healedPartitionLeavesTheHigherPriorityMasterAndTheLoserReleasesTheVip() {
        SimNode a = node("a", 1, 150);
        SimNode b = node("b", 2, 100);
        startAll();
        lan.runUntil(10 * S);
        lan.partition(Map.of(a, 0, b, 1));
        lan.runUntil(20 * S);
        assertThat(lan.masters(VRID)).containsExactlyInAnyOrder(a, b);
        lan.healPartition();
        lan.runUntil(22 * S);
        assertThat(lan.masters(VRID)).containsExactly(a);
        assertThat(b.vips).isFalse();
    }

    @Test
    void handoverWithRedisHooksNeverHasTwoVipHoldersNorAVipOnAReplica() {
        SimNode a = node("a", 1, 150, b -> b.redisHooks(true));
        SimNode b = node("b", 2, 100, b2 -> b2.redisHooks(true));
        lan.maxDelay = 5 * MS;
        lan.invariants.add(() -> assertThat(lan.nodes.stream().filter(n -> n.vips).count()).isLessThanOrEqualTo(1));
        startAll();
        lan.runUntil(10 * S);
        assertThat(a.redisMaster).isTrue();
        assertThat(b.replicaOf).isEqualTo(ip(1));
        lan.shutdown(a);
        lan.runUntil(20 * S);
        assertThat(b.vips).isTrue();
        assertThat(b.redisMaster).isTrue();
        lan.start(a); // a preempts back: b fences and releases before a adds the VIP
        lan.runUntil(30 * S);
        assertThat(a.vips).isTrue();
        assertThat(b.vips).isFalse();
        assertThat(b.replicaOf).isEqualTo(ip(1));
        assertThat(b.redisMaster).isFalse();
    }

    private static InetAddress ip(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
