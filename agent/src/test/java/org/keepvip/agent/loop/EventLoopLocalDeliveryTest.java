package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * On the loop: adverts the kernel would not have delivered to the instance are counted under
 * their cause and change nothing, and a state change tells the daemon which interface's drop logs
 * to re-arm.
 */
class EventLoopLocalDeliveryTest {
    private static final InetAddress SELF = ip("192.0.2.12");
    private static final InetAddress GROUP = ip("224.0.0.18");
    private static final InetAddress VIP = ip("192.0.2.100");

    @Test
    void advertsFromOurselvesOrToAnotherGroupAreCountedAndChangeNothing() throws Exception {
        List<String> stateChangesOn = new CopyOnWriteArrayList<>();
        EventLoop loop = new EventLoop();
        loop.onStateChange(stateChangesOn::add);
        InstanceRuntime runtime = runtime(loop);
        loop.add(runtime);
        Thread thread = new Thread(loop, "vrrp-test");
        thread.start();
        try {
            onLoop(loop, () -> null); // started: BACKUP
            assertThat(stateChangesOn).as("the start's transition to BACKUP").containsExactly("eth0");

            byte[] winning = VrrpCodec.encode(new VrrpAdvert(3, 1, 254, 100, AuthType.NONE, new byte[0],
                    List.of(VIP)), SELF, GROUP, ChecksumMode.STANDARD);
            loop.post(new LoopEvent.PacketIn("eth0", PacketContext.of(SELF, GROUP, 255), winning, System.nanoTime()));
            InetAddress other = ip("192.0.2.13");
            InetAddress allHosts = ip("224.0.0.1");
            byte[] toAllHosts = VrrpCodec.encode(new VrrpAdvert(3, 1, 254, 100, AuthType.NONE, new byte[0],
                    List.of(VIP)), other, allHosts, ChecksumMode.STANDARD);
            loop.post(new LoopEvent.PacketIn("eth0", PacketContext.of(other, allHosts, 255), toAllHosts,
                    System.nanoTime()));
            Map<String, Long> counters = onLoop(loop, runtime::counters);

            assertThat(counters).containsEntry("drop_own_address", 1L).containsEntry("drop_wrong_destination", 1L)
                    .doesNotContainKey("advert_rcvd");
            assertThat(onLoop(loop, () -> runtime.machine().state())).isEqualTo(VrrpState.BACKUP);
            assertThat(onLoop(loop, () -> runtime.machine().status().masterPriority())).isZero();
        } finally {
            loop.post(new LoopEvent.Stop());
            thread.join(5000);
            runtime.close();
        }
    }

    private static <T> T onLoop(EventLoop loop, java.util.function.Supplier<T> read) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.post(new LoopEvent.OnLoop(() -> f.complete(read.get())));
        return f.get(5, TimeUnit.SECONDS);
    }

    private static InstanceRuntime runtime(EventLoop loop) {
        Ports.PacketOut packets = FakePorts.packets();
        Ports.Vips vips = FakePorts.vips();
        // 10 s adverts: no takeover while the test runs.
        InstanceConfig config = InstanceConfig.builder("VI_1", 1, SELF).version(3).priority(100)
                .advertIntervalCentis(1000).build();
        InstanceRuntime.Wire wire = new InstanceRuntime.Wire("eth0", 3, 1, 1000, AuthType.NONE, null,
                List.of(VIP), SELF, List.of(GROUP), ChecksumMode.STANDARD, null, false);
        return new InstanceRuntime(new VrrpInstance(config), wire,
                ReceiveExpectations.of(3, 1, 1000, List.of(VIP), 100),
                List.of(new VipSpec(VIP, 24, "eth0", null, false)), packets, vips, null, (i, s, p) -> { }, loop::post);
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
