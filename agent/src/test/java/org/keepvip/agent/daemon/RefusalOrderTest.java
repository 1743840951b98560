package org.keepvip.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.packet.ReleasedVipRefuser;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpInstance;

/**
 * Where the runtime switches refusal on and off, with recording ports: right before every remove
 * (stopped again at once for addresses that were not there, as in the start-up clean-up), and off
 * before every add, each on the instance's hook lane so that the kernel never adds an address while
 * it is being refused.
 */
class RefusalOrderTest {
    private static final InetAddress SELF = ip("192.0.2.12");
    private static final InetAddress PEER = ip("192.0.2.11");
    private static final InetAddress GROUP = ip("224.0.0.18");
    private static final InetAddress VIP = ip("192.0.2.100");
    private static final int ADVERT_CENTIS = 10;

    @Test
    void refusalStartsRightBeforeTheDeleteAndStopsBeforeTheVipReturns() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        Set<InetAddress> held = new HashSet<>();
        Ports.PacketOut packets = new Ports.PacketOut() {
            @Override
            public void sendVrrp(String ifname, byte[] msg, InetAddress source, InetAddress destination) {}

            @Override
            public void announce(String ifname, List<InetAddress> addresses, int rounds) {}
        };
        Ports.Vips vips = new Ports.Vips() {
            @Override
            public synchronized void add(List<VipSpec> v) {
                v.forEach(s -> held.add(s.address()));
                record("add " + v);
            }

            @Override
            public synchronized List<VipSpec> remove(List<VipSpec> v) {
                List<VipSpec> removed = v.stream().filter(s -> held.remove(s.address())).toList();
                record("remove " + v + " -> " + removed);
                return removed;
            }

            private void record(String what) {
                seen.add(what);
                events.add(what);
            }
        };
        Ports.Refusals refusals = new Ports.Refusals() {
            @Override
            public java.util.Optional<java.time.Duration> start(String instance, List<VipSpec> released,
                    ReleasedVipRefuser.Counts counts) {
                seen.add("refuse " + instance + " " + released);
                counts.refused(); // the instance counts what the refuser reports
                return java.util.Optional.of(java.time.Duration.ofSeconds(10));
            }

            @Override
            public void stop(List<VipSpec> v) {
                seen.add("stop refusing " + v);
            }
        };
        VipSpec spec = new VipSpec(VIP, 24, "eth0", null, false);
        InstanceConfig config = InstanceConfig.builder("VI_1", 1, SELF).version(3).priority(100)
                .advertIntervalCentis(ADVERT_CENTIS).build();
        InstanceRuntime.Wire wire = new InstanceRuntime.Wire("eth0", 3, 1, ADVERT_CENTIS, AuthType.NONE, null,
                List.of(VIP), SELF, List.of(GROUP), ChecksumMode.STANDARD, null, false);
        EventLoop loop = new EventLoop();
        InstanceRuntime runtime = new InstanceRuntime(new VrrpInstance(config), wire,
                ReceiveExpectations.of(3, 1, ADVERT_CENTIS, List.of(VIP), 100), List.of(spec), packets, vips,
                refusals, null, (i, s, p) -> { }, loop::post);
        loop.add(runtime);
        Thread thread = new Thread(loop, "vrrp-test");
        thread.start();
        try {
            await(events, "add ");
            byte[] higher = VrrpCodec.encode(new VrrpAdvert(3, 1, 200, ADVERT_CENTIS, AuthType.NONE, new byte[0],
                    List.of(VIP)), PEER, GROUP, ChecksumMode.STANDARD);
            loop.post(new LoopEvent.PacketIn("eth0", PacketContext.of(PEER, GROUP, 255), higher, System.nanoTime()));
            await(events, "remove " + List.of(spec) + " -> " + List.of(spec));
        } finally {
            loop.post(new LoopEvent.Stop());
            thread.join(5000);
            assertThat(runtime.drainHooks(5000)).as("the lane finished what it was given").isTrue();
            runtime.close();
        }
        // Start-up clean-up: the VIP was not there, so the answering that began before the delete
        // stops at once; then the takeover stops it (again) right before the add.
        assertThat(seen).startsWith("refuse VI_1 " + List.of(spec), "remove " + List.of(spec) + " -> []",
                "stop refusing " + List.of(spec), "stop refusing " + List.of(spec), "add " + List.of(spec));
        int release = seen.indexOf("remove " + List.of(spec) + " -> " + List.of(spec));
        assertThat(seen.get(release - 1)).as("answering starts right before the delete").isEqualTo("refuse VI_1 " + List.of(spec));
        assertThat(seen.subList(release + 1, seen.size())).as("and is not stopped after a real release")
                .noneMatch(s -> s.startsWith("stop refusing"));
        assertThat(runtime.counters()).containsEntry("refused_syn", 2L);
    }

    private static void await(LinkedBlockingQueue<String> events, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e != null && e.startsWith(prefix)) {
                return;
            }
        }
        throw new AssertionError("timed out waiting for '" + prefix + "'");
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
