package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;
import org.slf4j.LoggerFactory;

/**
 * A mass takeover on the shared lane threads: the VIP adds of the instances that took over while a
 * thread was busy go to the port in one {@link Ports.Vips#addAll} call, each instance's GARP still
 * follows its own VIP, and a mass release goes in one {@link Ports.Vips#removeAll} before each
 * instance's notify; a VIP that fails is reported for its instance alone, and an instance with
 * lane work still queued is not overtaken. The loop runs on a test thread with a clock the test moves.
 */
class VipCombinerTest {
    private static final InetAddress SELF = ip("192.0.2.12");
    private static final InetAddress GROUP = ip("224.0.0.18");
    private static final int ADVERT_CENTIS = 100;
    private static final long WAIT_SECONDS = 10;

    private final AtomicLong clock = new AtomicLong();
    private final EventLoop loop = new EventLoop(clock::get);
    private final LaneWorkers workers = new LaneWorkers();
    /** What the port, the packet IO and the notifier did, in order: "add VIP", "garp VIP", "remove VIP", "notify VI_x STATE". */
    private final List<String> events = new CopyOnWriteArrayList<>();
    /** Each addAll call: how many instances' lists it carried. */
    private final List<Integer> addAllCalls = new CopyOnWriteArrayList<>();
    /** Each removeAll call: how many instances' lists it carried. */
    private final List<Integer> removeAllCalls = new CopyOnWriteArrayList<>();
    private final Semaphore garps = new Semaphore(0);
    private final Semaphore adverts = new Semaphore(0);
    /** Each instance's lane, by its number. */
    private final Map<Integer, HookLane> lanes = new java.util.HashMap<>();
    private Thread loopThread;

    /** A port that holds VIPs in memory and fails the add of {@link #failing}. */
    private final class Port implements Ports.Vips {
        volatile InetAddress failing;

        @Override
        public void add(List<VipSpec> vips) throws IOException {
            IOException first = null;
            for (VipSpec v : vips) {
                if (v.address().equals(failing)) {
                    first = first == null ? new IOException("add " + v + ": No such device") : first;
                    continue;
                }
                events.add("add " + v.address().getHostAddress());
            }
            if (first != null) {
                throw first;
            }
        }

        @Override
        public List<IOException> addAll(List<List<VipSpec>> lists) {
            addAllCalls.add(lists.size());
            return Ports.Vips.super.addAll(lists);
        }

        @Override
        public List<Ports.Removal> removeAll(List<List<VipSpec>> lists) {
            removeAllCalls.add(lists.size());
            return Ports.Vips.super.removeAll(lists);
        }

        @Override
        public List<VipSpec> remove(List<VipSpec> vips) {
            vips.forEach(v -> events.add("remove " + v.address().getHostAddress()));
            return vips;
        }
    }

    private final Port port = new Port();

    @AfterEach
    void stop() throws Exception {
        try {
            if (loopThread != null) {
                loop.post(new LoopEvent.Stop());
                loopThread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            }
        } finally {
            workers.close();
        }
    }

    @Test
    void takeoversWhileTheLaneThreadsAreBusyAddTheirVipsInOneCallPerThread() throws Exception {
        List<InstanceRuntime> all = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            all.add(add(i));
        }
        start();
        CountDownLatch busy = new CountDownLatch(1);
        blockBothLaneThreads(busy);
        takeOver(all);

        busy.countDown();
        assertThat(garps.tryAcquire(40, WAIT_SECONDS, TimeUnit.SECONDS)).as("every instance sent its GARP").isTrue();

        assertThat(addAllCalls).as("one call per lane thread, all 40 instances in them").hasSize(2)
                .allSatisfy(n -> assertThat(n).isEqualTo(20));
        for (int i = 1; i <= 40; i++) {
            String vip = vip(i).getHostAddress();
            assertThat(events).as(vip).containsOnlyOnce("add " + vip, "garp " + vip);
            assertThat(events.indexOf("add " + vip)).as("%s added before its GARP", vip)
                    .isLessThan(events.indexOf("garp " + vip));
        }
    }

    @Test
    void mastersThatLoseTheirLinkRemoveTheirVipsTogetherBeforeTheirNotify() throws Exception {
        List<InstanceRuntime> all = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            all.add(add(i));
        }
        start();
        takeOver(all);
        assertThat(garps.tryAcquire(20, WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        drainLanes(all);
        CountDownLatch busy = new CountDownLatch(1);
        blockBothLaneThreads(busy);
        removeAllCalls.clear(); // the start-up clean-up removed the configured VIPs the same way
        events.clear();

        loop.post(new LoopEvent.LinkChanged("eth0", false));
        assertThat(onLoop(() -> all.stream().allMatch(r -> r.machine().state() == VrrpState.FAULT))).isTrue();
        busy.countDown();
        drainLanes(all);

        assertThat(removeAllCalls).as("one call per lane thread, all 20 instances in them").hasSize(2)
                .allSatisfy(n -> assertThat(n).isEqualTo(10));
        for (int i = 1; i <= 20; i++) {
            String vip = vip(i).getHostAddress();
            assertThat(events).as(vip).containsOnlyOnce("remove " + vip, "notify VI_" + i + " FAULT");
            assertThat(events.indexOf("remove " + vip)).as("VI_%d removed its VIP before its notify", i)
                    .isLessThan(events.indexOf("notify VI_" + i + " FAULT"));
        }
    }

    @Test
    void aVipThatFailsIsReportedForItsInstanceAloneAndTheOthersGoIn() throws Exception {
        port.failing = vip(7);
        List<InstanceRuntime> all = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            all.add(add(i));
        }
        start();
        CountDownLatch busy = new CountDownLatch(1);
        blockBothLaneThreads(busy);
        Logger laneLog = (Logger) LoggerFactory.getLogger(HookLane.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        laneLog.addAppender(lines);
        try {
            takeOver(all);
            busy.countDown();
            assertThat(garps.tryAcquire(10, WAIT_SECONDS, TimeUnit.SECONDS)).isTrue(); // a failed add still announces, as before
            drainLanes(all);
        } finally {
            laneLog.detachAppender(lines);
        }
        assertThat(addAllCalls.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(addAllCalls).hasSizeLessThan(10);
        assertThat(lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList())
                .containsExactly("(VI_7) adding VIPs failed: add " + vip(7).getHostAddress() + "/32 dev eth0: No such device");
        for (int i = 1; i <= 10; i++) {
            assertThat(events.contains("add " + vip(i).getHostAddress())).as("VI_%d", i).isEqualTo(i != 7);
        }
    }

    @Test
    void anInstanceWithLaneWorkQueuedIsNotOvertaken() throws Exception {
        // Round-robin: VI_1 and VI_3 share a lane thread, VI_2 has the other.
        List<InstanceRuntime> all = List.of(add(1), add(2), add(3));
        start();
        CountDownLatch busy = new CountDownLatch(1);
        blockBothLaneThreads(busy);
        lanes.get(3).submit("earlier", () -> events.add("earlier VI_3")); // queued before the takeover
        takeOver(all);
        busy.countDown();
        assertThat(garps.tryAcquire(3, WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        drainLanes(all);

        // VI_1's step added only VI_1's VIP, alone, as VI_2's did: VI_3's add waited behind VI_3's
        // earlier work. A change alone goes to the port's plain add, no batch.
        assertThat(addAllCalls).isEmpty();
        assertThat(events.indexOf("earlier VI_3")).isLessThan(events.indexOf("add " + vip(3).getHostAddress()));
        assertThat(events).contains("add " + vip(1).getHostAddress(), "add " + vip(2).getHostAddress());
    }

    // ------------------------------------------------------------------ the lab

    /** Moves the clock past every master_down_interval and waits for each instance's first advert as MASTER. */
    private void takeOver(List<InstanceRuntime> all) throws Exception {
        adverts.drainPermits();
        clock.set(TimeUnit.SECONDS.toNanos(4));
        loop.post(new LoopEvent.OnLoop(() -> { }));
        assertThat(adverts.tryAcquire(all.size(), WAIT_SECONDS, TimeUnit.SECONDS)).as("every instance advertised").isTrue();
        assertThat(onLoop(() -> all.stream().allMatch(r -> r.machine().state() == VrrpState.MASTER))).isTrue();
    }

    /**
     * Occupies both shared lane threads until {@code busy} opens, so takeovers pile up behind; the
     * instances' start-up lane work has run when it returns.
     */
    private void blockBothLaneThreads(CountDownLatch busy) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            workers.laneFor("blocker-" + i, false).submit("block", () -> {
                started.countDown();
                busy.await(WAIT_SECONDS, TimeUnit.SECONDS);
            });
        }
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    private static InetAddress vip(int i) {
        return ip("198.51.100." + i);
    }

    /** VI_i: v3, VRID i on eth0, priority 100, one /32 VIP, on the next shared lane thread. */
    private InstanceRuntime add(int i) {
        InetAddress vip = vip(i);
        InstanceConfig config = InstanceConfig.builder("VI_" + i, i, SELF).version(3).priority(100)
                .advertIntervalCentis(ADVERT_CENTIS).build();
        InstanceRuntime.Wire wire = new InstanceRuntime.Wire("eth0", 3, i, ADVERT_CENTIS, AuthType.NONE, null,
                List.of(vip), SELF, List.of(GROUP), ChecksumMode.STANDARD, null, false);
        Ports.PacketOut packets = new Ports.PacketOut() {
            @Override
            public void sendVrrp(String ifname, byte[] msg, InetAddress source, InetAddress destination) {
                adverts.release();
            }

            @Override
            public void announce(String ifname, List<InetAddress> addresses, int rounds) {
                addresses.forEach(a -> events.add("garp " + a.getHostAddress()));
                garps.release();
            }
        };
        InstanceRuntime r = new InstanceRuntime(new VrrpInstance(config), wire,
                ReceiveExpectations.of(3, i, ADVERT_CENTIS, List.of(vip), 100),
                List.of(VipSpec.of(vip, 32, "eth0")), packets, port, Ports.Refusals.NONE, null,
                (n, s, p) -> events.add("notify " + n + " " + s), loop::post, lanes.computeIfAbsent(i, k -> workers.laneFor("VI_" + k, false)));
        loop.add(r);
        return r;
    }

    /** Waits until every step handed to the instances' lanes so far has run (lanes stay open). */
    private void drainLanes(List<InstanceRuntime> all) throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(all.size());
        for (int i = 1; i <= all.size(); i++) {
            lanes.get(i).submit("marker", reached::countDown);
        }
        assertThat(reached.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    private void start() throws Exception {
        loopThread = new Thread(loop, "vrrp-test");
        loopThread.setDaemon(true);
        loopThread.start();
        onLoop(() -> null);
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.post(new LoopEvent.OnLoop(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }));
        return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
