package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
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
import org.keepvip.agent.daemon.VipSpec;

/**
 * Where the runtime blocks and unblocks the VIPs of an instance in no-accept mode, with recording
 * ports: blocked right before they are added, unblocked right after they are removed
 * (keepalived/vrrp/vrrp.c: vrrp_state_become_master(), vrrp_restore_interface()); a refusal is
 * counted and the VIPs still move.
 */
class FirewallOrderTest {
    private static final InetAddress SELF = ip("192.0.2.12");
    private static final InetAddress PEER = ip("192.0.2.11");
    private static final InetAddress GROUP = ip("224.0.0.18");
    private static final InetAddress VIP = ip("192.0.2.100");
    private static final int ADVERT_CENTIS = 10;

    @Test
    void blockedRightBeforeTheAddAndUnblockedRightAfterTheRemove() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        Ports.PacketOut packets = new Ports.PacketOut() {
            @Override
            public void sendVrrp(String ifname, byte[] msg, InetAddress source, InetAddress destination) {}

            @Override
            public void announce(String ifname, List<InetAddress> addresses, int rounds) {}
        };
        Ports.Vips vips = new Ports.Vips() {
            @Override
            public void add(List<VipSpec> v) {
                record(seen, events, "add vips");
            }

            @Override
            public List<VipSpec> remove(List<VipSpec> v) {
                record(seen, events, "remove vips");
                return v;
            }
        };
        Ports.Firewall firewall = new Ports.Firewall() {
            @Override
            public boolean block(String instance, List<VipSpec> v, String instanceIfname, boolean dontTrackPrimary) {
                record(seen, events, instance + " block " + v + " on " + instanceIfname + " " + dontTrackPrimary);
                return false; // refused (logged by the real port)
            }

            @Override
            public boolean unblock(String instance, List<VipSpec> v) {
                record(seen, events, instance + " unblock " + v);
                return true;
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
                null, (i, s, p) -> { }, loop::post);
        runtime.useFirewall(firewall, true);
        loop.add(runtime);
        Thread thread = new Thread(loop, "vrrp-test");
        thread.start();
        try {
            await(events, "add vips");
            byte[] higher = VrrpCodec.encode(new VrrpAdvert(3, 1, 200, ADVERT_CENTIS, AuthType.NONE, new byte[0],
                    List.of(VIP)), PEER, GROUP, ChecksumMode.STANDARD);
            loop.post(new LoopEvent.PacketIn("eth0", PacketContext.of(PEER, GROUP, 255), higher, System.nanoTime()));
            await(events, "VI_1 unblock");
        } finally {
            loop.post(new LoopEvent.Stop());
            thread.join(5000);
            assertThat(runtime.drainHooks(5000)).isTrue();
            runtime.close();
        }
        List<String> all = List.copyOf(seen);
        int add = all.indexOf("add vips");
        assertThat(all.get(add - 1)).as("blocked right before the add").isEqualTo("VI_1 block [" + spec + "] on eth0 true");
        int removed = add + 1 + all.subList(add + 1, all.size()).indexOf("remove vips");
        assertThat(removed).isGreaterThan(add);
        assertThat(all.get(removed + 1)).as("unblocked right after the remove").isEqualTo("VI_1 unblock [" + spec + "]");
        assertThat(runtime.counters().get("firewall_failed")).isPositive();
    }

    private static void record(List<String> seen, LinkedBlockingQueue<String> events, String what) {
        seen.add(what);
        events.add(what);
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
