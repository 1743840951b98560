package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.ConfigSource;
import org.keepvip.vrrp.config.KeepalivedConfig;

/**
 * Where the runtime puts an instance's virtual routes and rules, with recording ports: right after
 * its VIPs on becoming MASTER, right before them on leaving, on the same lane; a failure is counted
 * and the instance carries on.
 */
class RoutingOrderTest {
    @Test
    void routesFollowTheVipsInAndPrecedeThemOutAndAFailureIsCounted() throws Exception {
        Recorder calls = new Recorder();
        String added = "add " + List.of(OneInstance.SPEC);
        String released = "remove " + List.of(OneInstance.SPEC) + " -> " + List.of(OneInstance.SPEC);
        Ports.PacketOut packets = FakePorts.announcing(() -> calls.record("announce"));
        Ports.Routing routing = FakePorts.routing(calls, 1); // one entry fails per add
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
        EventLoop loop = new EventLoop();
        InstanceRuntime runtime = new InstanceRuntime(OneInstance.machine(), OneInstance.wire(),
                OneInstance.expectations(), List.of(OneInstance.SPEC), packets, FakePorts.vips(calls),
                null, (i, s, p) -> { }, loop::post);
        runtime.useRouting(routing, new InstanceRuntime.VirtualRouting(vi.virtualRoutes(), vi.virtualRules()));
        loop.add(runtime);
        Thread thread = new Thread(loop, "vrrp-test");
        thread.start();
        try {
            calls.await("announce");
            loop.post(OneInstance.higherPriorityAdvert());
            calls.await(released);
            List<String> now = calls.seen();
            int removed = now.lastIndexOf(released);
            assertThat(now.get(removed - 1)).as("rules and routes right before the VIPs")
                    .isEqualTo("(VI_1) remove 1 routes 1 rules");
        } finally {
            loop.post(new LoopEvent.Stop());
            thread.join(5000);
            assertThat(runtime.drainHooks(5000)).isTrue();
            runtime.close();
        }
        List<String> all = calls.seen();
        int add = all.indexOf(added);
        assertThat(all.get(add + 1)).as("routes and rules right after the VIPs, before the GARP")
                .isEqualTo("(VI_1) add 1 routes 1 rules");
        assertThat(all.indexOf("announce")).isGreaterThan(add + 1);
        // One failure per takeover (the lone instance takes over again once the peer's one advert is old).
        var counters = runtime.counters();
        assertThat(counters.get("routing_failed")).isPositive().isEqualTo(counters.get("become_master"));
    }
}
