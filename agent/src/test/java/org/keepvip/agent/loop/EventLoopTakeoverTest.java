package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;
import org.keepvip.agent.daemon.VipSpec;

/**
 * The event loop's takeover path on the real clock, with recording ports: adverts that keep arriving
 * hold the backup back (also inside the window where the loop polls instead of parking), the down
 * timer runs from the last advert's arrival, and on expiry the advert and the VIP add both happen (the
 * add on the hook lane, handed over before the advert is sent so the two overlap).
 */
class EventLoopTakeoverTest {
    private static final InetAddress SELF = ip("192.0.2.12");
    private static final InetAddress MASTER = ip("192.0.2.11");
    private static final InetAddress GROUP = ip("224.0.0.18");
    private static final InetAddress VIP = ip("192.0.2.100");
    /** 200 ms adverts: the backup's master_down_interval is 3 × 200 + (256 − 100) × 200 / 256 ms. */
    private static final int ADVERT_CENTIS = 20;
    private static final long MASTER_DOWN_NANOS = TimeUnit.MICROSECONDS.toNanos(600_000 + 156 * 200_000 / 256);

    /** What the ports saw, in order, with System.nanoTime() stamps. */
    record Seen(String what, long at) {}

    @Test
    void advertsHoldTheBackupBackAndExpiryAdvertsAndAddsTheVip() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        CountDownLatch vipAdded = new CountDownLatch(1);
        CountDownLatch takeoverAdvert = new CountDownLatch(1);
        CountDownLatch announced = new CountDownLatch(1);
        Ports.PacketOut packets = FakePorts.packets(priority -> {
            seen.add(new Seen("advert priority " + priority, System.nanoTime()));
            if (priority == 100) {
                takeoverAdvert.countDown();
            }
        }, () -> {
            seen.add(new Seen("announce", System.nanoTime()));
            announced.countDown();
        });
        Ports.Vips vips = FakePorts.vips(v -> {
            seen.add(new Seen("add VIPs", System.nanoTime()));
            vipAdded.countDown();
        }, v -> seen.add(new Seen("remove VIPs", System.nanoTime())));
        InstanceConfig config = InstanceConfig.builder("VI_1", 1, SELF).version(3).priority(100)
                .advertIntervalCentis(ADVERT_CENTIS).build();
        InstanceRuntime.Wire wire = new InstanceRuntime.Wire("eth0", 3, 1, ADVERT_CENTIS, AuthType.NONE, null,
                List.of(VIP), SELF, List.of(GROUP), ChecksumMode.STANDARD, null, false);
        EventLoop loop = new EventLoop();
        InstanceRuntime runtime = new InstanceRuntime(new VrrpInstance(config), wire,
                ReceiveExpectations.of(3, 1, ADVERT_CENTIS, List.of(VIP), 100),
                List.of(new VipSpec(VIP, 24, "eth0", null, false)), packets, vips, null, (i, s, p) -> { }, loop::post);
        loop.add(runtime);
        Thread thread = new Thread(loop, "vrrp-test");
        thread.start();
        try {
            byte[] advert = VrrpCodec.encode(new VrrpAdvert(3, 1, 150, ADVERT_CENTIS, AuthType.NONE, new byte[0],
                    List.of(VIP)), MASTER, GROUP, ChecksumMode.STANDARD);
            // A master advertising every 20 ms for ~1.5 master_down_intervals: no takeover may happen.
            long feedUntil = System.nanoTime() + MASTER_DOWN_NANOS * 3 / 2;
            long lastFed = 0;
            while (System.nanoTime() < feedUntil) {
                lastFed = System.nanoTime();
                loop.post(new LoopEvent.PacketIn("eth0", PacketContext.of(MASTER, GROUP, 255), advert, lastFed));
                Thread.sleep(20); // the master's pace, not a synchronisation
            }
            assertThat(seen).extracting(Seen::what).doesNotContain("add VIPs", "advert priority 100");

            assertThat(vipAdded.await(10, TimeUnit.SECONDS)).as("the backup takes over once the adverts stop").isTrue();
            assertThat(takeoverAdvert.await(10, TimeUnit.SECONDS)).as("the new master advertises").isTrue();
            assertThat(announced.await(10, TimeUnit.SECONDS)).as("the new master announces its VIPs").isTrue();
            assertThat(runtime.machine().state()).isEqualTo(VrrpState.MASTER);
            List<String> order = seen.stream().map(Seen::what).filter(w -> !w.equals("remove VIPs")).toList();
            // The VIP is added once, and announced only after it is added (both on the lane).
            assertThat(order).containsOnlyOnce("add VIPs");
            assertThat(order.indexOf("add VIPs")).as("add before announce in %s", order)
                    .isLessThan(order.indexOf("announce"));
            long tookOver = seen.stream().filter(s -> s.what().equals("advert priority 100")).findFirst()
                    .orElseThrow().at();
            assertThat(tookOver - lastFed).as("ns from the last advert to the takeover")
                    .isGreaterThanOrEqualTo(MASTER_DOWN_NANOS);
        } finally {
            loop.post(new LoopEvent.Stop());
            thread.join(5000);
            runtime.close();
        }
        assertThat(loop.isStopped()).isTrue();
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
