package org.keepvip.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.ConfigSource;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpInstance;

/**
 * Where the runtime puts an instance's virtual routes and rules, with recording ports: right after
 * its VIPs on becoming MASTER, right before them on leaving, on the same lane; a failure is counted
 * and the instance carries on.
 */
class RoutingOrderTest {
    private static final InetAddress SELF = ip("192.0.2.12");
    private static final InetAddress PEER = ip("192.0.2.11");
    private static final InetAddress GROUP = ip("224.0.0.18");
    private static final InetAddress VIP = ip("192.0.2.100");
    private static final int ADVERT_CENTIS = 10;

    @Test
    void routesFollowTheVipsInAndPrecedeThemOutAndAFailureIsCounted() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        Ports.PacketOut packets = new Ports.PacketOut() {
            @Override
            public void sendVrrp(String ifname, byte[] msg, InetAddress source, InetAddress destination) {}

            @Override
            public void announce(String ifname, List<InetAddress> addresses, int rounds) {
                record(seen, events, "announce");
            }
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
        Ports.Routing routing = new Ports.Routing() {
            @Override
            public int add(String owner, List<IpRoute> routes, List<IpRule> rules) {
                record(seen, events, owner + " add " + routes.size() + " routes " + rules.size() + " rules");
                return 1; // one of them failed (logged by the real port)
            }

            @Override
            public int remove(String owner, List<IpRoute> routes, List<IpRule> rules) {
                record(seen, events, owner + " remove " + routes.size() + " routes " + rules.size() + " rules");
                return 0;
            }
        };
        KeepalivedConfig parsed = ConfigParser.parse("/k.conf", new ConfigSource() {
            @Override
            public Content read(String path) {
                return path.equals("/k.conf") ? new Text("""
                        vrrp_instance VI_1 {
                            interface eth0
                            virtual_router_id 1
                            virtual_ipaddress {
                                192.0.2.100/24
                            }
                            virtual_routes {
                                198.51.100.0/24 via 192.0.2.254 dev eth0 table 100
                            }
                            virtual_rules {
                                from 192.0.2.100 table 100 priority 100
                            }
                        }
                        """) : new Missing();
            }

            @Override
            public List<String> glob(String pattern) {
                return List.of();
            }

            @Override
            public String hostName() {
                return "h";
            }

            @Override
            public java.util.Optional<String> env(String name) {
                return java.util.Optional.empty();
            }

            @Override
            public long random(long min, long max) {
                return min;
            }
        }, null).config();
        var vi = parsed.instances().get(0);
        VipSpec spec = new VipSpec(VIP, 24, "eth0", null, false);
        InstanceConfig config = InstanceConfig.builder("VI_1", 1, SELF).version(3).priority(100)
                .advertIntervalCentis(ADVERT_CENTIS).build();
        InstanceRuntime.Wire wire = new InstanceRuntime.Wire("eth0", 3, 1, ADVERT_CENTIS, AuthType.NONE, null,
                List.of(VIP), SELF, List.of(GROUP), ChecksumMode.STANDARD, null, false);
        EventLoop loop = new EventLoop();
        InstanceRuntime runtime = new InstanceRuntime(new VrrpInstance(config), wire,
                ReceiveExpectations.of(3, 1, ADVERT_CENTIS, List.of(VIP), 100), List.of(spec), packets, vips,
                null, (i, s, p) -> { }, loop::post);
        runtime.useRouting(routing, new InstanceRuntime.VirtualRouting(vi.virtualRoutes(), vi.virtualRules()));
        loop.add(runtime);
        Thread thread = new Thread(loop, "vrrp-test");
        thread.start();
        try {
            await(events, "announce");
            byte[] higher = VrrpCodec.encode(new VrrpAdvert(3, 1, 200, ADVERT_CENTIS, AuthType.NONE, new byte[0],
                    List.of(VIP)), PEER, GROUP, ChecksumMode.STANDARD);
            loop.post(new LoopEvent.PacketIn("eth0", PacketContext.of(PEER, GROUP, 255), higher, System.nanoTime()));
            await(events, "remove vips");
            List<String> now = List.copyOf(seen);
            int removed = now.lastIndexOf("remove vips");
            assertThat(now.get(removed - 1)).as("rules and routes right before the VIPs")
                    .isEqualTo("(VI_1) remove 1 routes 1 rules");
        } finally {
            loop.post(new LoopEvent.Stop());
            thread.join(5000);
            assertThat(runtime.drainHooks(5000)).isTrue();
            runtime.close();
        }
        List<String> all = List.copyOf(seen);
        int add = all.indexOf("add vips");
        assertThat(all.get(add + 1)).as("routes and rules right after the VIPs, before the GARP")
                .isEqualTo("(VI_1) add 1 routes 1 rules");
        assertThat(all.indexOf("announce")).isGreaterThan(add + 1);
        // One failure per takeover (the lone instance takes over again once the peer's one advert is old).
        var counters = runtime.counters();
        assertThat(counters.get("routing_failed")).isPositive().isEqualTo(counters.get("become_master"));
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
