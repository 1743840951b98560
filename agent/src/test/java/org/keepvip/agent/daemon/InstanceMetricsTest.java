package org.keepvip.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.metrics.LatencyHistogram;
import org.keepvip.agent.metrics.Readings;
import org.keepvip.agent.metrics.TransitionCause;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.FakePorts;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.agent.loop.Ports;

/**
 * What a metrics scrape reads of an instance the real event loop drives (real clock, recording
 * ports), through {@link DaemonReadings} as the exporter reads it: state, priorities, master, VIPs
 * held and trackers as the loop published them, transitions by cause, and the takeover durations
 * from the down timer and from a priority-0 advert.
 */
class InstanceMetricsTest {
    private static final InetAddress SELF = ip("192.0.2.12");
    private static final InetAddress PEER = ip("192.0.2.11");
    private static final InetAddress GROUP = ip("224.0.0.18");
    private static final InetAddress VIP = ip("192.0.2.100");
    private static final int ADVERT_CENTIS = 5;
    /**
     * The peer's advert interval: 2 s, so that this node, once BACKUP, learns a master_down_interval
     * (over 6 s) that no loaded test machine outlasts before the next step.
     */
    private static final int PEER_CENTIS = 200;

    @Test
    void scrapesSeeStateTransitionsByCauseTakeoverTimesAndTrackers() throws Exception {
        Semaphore announced = new Semaphore(0);
        Ports.PacketOut packets = FakePorts.announcing(announced::release);
        Ports.Vips vips = FakePorts.vips();
        InstanceConfig config = InstanceConfig.builder("VI_1", 7, SELF).version(3).priority(100)
                .advertIntervalCentis(ADVERT_CENTIS).trackers(List.of(new TrackerSpec("script:chk", -10, false)))
                .build();
        InstanceRuntime.Wire wire = new InstanceRuntime.Wire("eth0", 3, 7, ADVERT_CENTIS, AuthType.NONE, null,
                List.of(VIP), SELF, List.of(GROUP), ChecksumMode.STANDARD, null, false);
        EventLoop loop = new EventLoop();
        InstanceRuntime runtime = new InstanceRuntime(new VrrpInstance(config), wire,
                ReceiveExpectations.of(3, 7, ADVERT_CENTIS, List.of(VIP), 100),
                List.of(new VipSpec(VIP, 24, "eth0", null, false)), packets, vips, null, (i, s, p) -> { }, loop::post);
        loop.add(runtime);
        DaemonReadings readings = new DaemonReadings(loop, Map::of, Map.of(), () -> null);
        assertThat(readings.read().instances()).as("before the loop runs: nothing published yet").isEmpty();
        Thread thread = new Thread(loop, "vrrp-test");
        thread.start();
        try {
            // Nobody advertises: the down timer runs out and this node takes over.
            assertThat(announced.tryAcquire(10, TimeUnit.SECONDS)).as("first takeover announced").isTrue();
            // The lane may record the takeover a moment before the loop publishes the state it is in.
            Readings.Instance master = await(readings, i -> i.takeovers().size() == 2 && i.state().equals("MASTER"));
            assertThat(master.state()).isEqualTo("MASTER");
            assertThat(master.vipsHeld()).isEqualTo(1);
            assertThat(master.master()).isEqualTo(SELF.getHostAddress());
            assertThat(master.effectivePriority()).isEqualTo(100);
            assertThat(master.transitions()).containsOnly(
                    Map.entry(new Readings.Transition("INIT", "BACKUP", TransitionCause.INIT), 1L),
                    Map.entry(new Readings.Transition("BACKUP", "MASTER", TransitionCause.MASTER_DOWN_TIMER), 1L));
            LatencyHistogram.Snapshot added = master.takeovers().get(
                    new Readings.TakeoverStep("master_down_timer", "vip_added"));
            LatencyHistogram.Snapshot sent = master.takeovers().get(
                    new Readings.TakeoverStep("master_down_timer", "announced"));
            assertThat(added.count()).isEqualTo(1);
            assertThat(sent.count()).isEqualTo(1);
            assertThat(added.sumSeconds()).isPositive().isLessThanOrEqualTo(sent.sumSeconds()).isLessThan(1.0);

            // A better master appears: this one yields, learns it, drops its VIP.
            loop.post(advert(150, System.nanoTime()));
            Readings.Instance backup = await(readings, i -> i.state().equals("BACKUP") && i.master() != null
                    && i.master().equals(PEER.getHostAddress()));
            assertThat(backup.masterPriority()).isEqualTo(150);
            assertThat(backup.vipsHeld()).isZero();
            assertThat(backup.transitions()).containsEntry(new Readings.Transition("MASTER", "BACKUP",
                    TransitionCause.HIGHER_PRIORITY_ADVERT), 1L);

            // Its tracker fails: the priority drops by the weight, and the scrape sees both.
            loop.post(new LoopEvent.TrackerChanged("script:chk", false));
            Readings.Instance degraded = await(readings, i -> i.effectivePriority() == 90);
            assertThat(degraded.basePriority()).isEqualTo(100);
            assertThat(degraded.trackers()).containsEntry("script:chk", false);

            // The master releases (priority 0): the takeover after the skew is timed from that advert.
            assertThat(instance(readings).state()).as("still BACKUP").isEqualTo("BACKUP");
            long releasedAt = System.nanoTime();
            loop.post(advert(0, releasedAt));
            assertThat(announced.tryAcquire(10, TimeUnit.SECONDS)).as("second takeover announced").isTrue();
            Readings.Instance again = await(readings, i -> i.takeovers().containsKey(
                    new Readings.TakeoverStep("priority_zero_advert", "announced")));
            assertThat(again.transitions()).containsEntry(new Readings.Transition("BACKUP", "MASTER",
                    TransitionCause.PRIORITY_ZERO_ADVERT), 1L);
            assertThat(again.counters()).containsEntry("pri_zero_rcvd", 1L);
            // The skew at priority 90 and the master's 2 s interval: (256 - 90) / 256 × 2 s ≈ 1.297 s.
            double took = again.takeovers().get(new Readings.TakeoverStep("priority_zero_advert", "announced"))
                    .sumSeconds();
            assertThat(took).isGreaterThanOrEqualTo(1.296).isLessThan(3.0);
        } finally {
            loop.post(new LoopEvent.Stop());
            thread.join(5000);
            runtime.close();
        }
    }

    private static LoopEvent.PacketIn advert(int priority, long at) {
        byte[] msg = VrrpCodec.encode(new VrrpAdvert(3, 7, priority, PEER_CENTIS, AuthType.NONE, new byte[0],
                List.of(VIP)), PEER, GROUP, ChecksumMode.STANDARD);
        return new LoopEvent.PacketIn("eth0", PacketContext.of(PEER, GROUP, 255), msg, at);
    }

    private static Readings.Instance instance(DaemonReadings readings) {
        return readings.read().instances().get(0);
    }

    /** Polls scrapes until one matches (a scrape has nothing to wait on: it reads what is published). */
    private static Readings.Instance await(DaemonReadings readings, Predicate<Readings.Instance> ok)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Readings.Instance last = instance(readings);
        while (!ok.test(last)) {
            assertThat(System.nanoTime()).as("a matching scrape within 10 s, last: %s", last).isLessThan(deadline);
            Thread.sleep(5);
            last = instance(readings);
        }
        return last;
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
