package org.keepvip.agent.daemon;

import org.keepvip.agent.kernel.RoutingWatch;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.netlink.Rtnl;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.ConfigSource;

/** Which deleted routes and rules are ours, on keepalived's fields (route_is_ours(), compare_rule()). */
class RoutingWatchTest {
    private static final KeepalivedConfig CONFIG = ConfigParser.parse("/k.conf", source("""
            static_routes {
                198.51.100.0/26 via 192.0.2.254 dev eth0 table 100 metric 10
                default via 192.0.2.1 dev eth0 table 102
            }
            static_rules {
                from 198.51.100.0/24 iif eth0 fwmark 0x10/0xff table 100 priority 100
                to 2001:db8::/32 table 101 priority 101
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    192.0.2.100/24
                }
                virtual_routes {
                    198.51.100.128/25 via 192.0.2.254 dev eth0 table 101 metric 5
                }
            }
            """), null).config();

    private static ConfigSource source(String text) {
        return new ConfigSource() {
            @Override
            public Content read(String path) {
                return path.equals("/k.conf") ? new Text(text) : new Missing();
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
            public Optional<String> env(String name) {
                return Optional.empty();
            }

            @Override
            public long random(long min, long max) {
                return min;
            }
        };
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static NetlinkEvent.RouteRemoved route(String dst, int len, long table, int protocol, int oif, long metric) {
        return new NetlinkEvent.RouteRemoved(Rtnl.AF_INET, len, 0, table, protocol,
                dst == null ? Optional.empty() : Optional.of(ip(dst)), oif, metric);
    }

    @Test
    void virtualRoutesMatchOnTableLengthMetricDestinationAndDevice() {
        IpRoute v = CONFIG.instances().get(0).virtualRoutes().get(0);
        assertThat(RoutingWatch.virtualRoute(route("198.51.100.128", 25, 101, 18, 2, 5), "eth0", v)).isTrue();
        assertThat(RoutingWatch.virtualRoute(route("198.51.100.128", 25, 101, 18, 3, 5), "eth1", v)).isFalse();
        assertThat(RoutingWatch.virtualRoute(route("198.51.100.128", 25, 101, 18, 2, 6), "eth0", v)).isFalse();
        assertThat(RoutingWatch.virtualRoute(route("198.51.100.128", 25, 100, 18, 2, 5), "eth0", v)).isFalse();
        assertThat(RoutingWatch.virtualRoute(route("198.51.100.128", 25, 101, 4, 2, 5), "eth0", v))
                .as("not keepalived's protocol").isFalse();
    }

    @Test
    void staticRoutesMatchWithoutMetricOrDeviceAndDefaultHasNoDestination() {
        List<IpRoute> s = CONFIG.statics().routes();
        assertThat(RoutingWatch.staticRoute(route("198.51.100.0", 26, 100, 18, 9, 99), s.get(0))).isTrue();
        assertThat(RoutingWatch.staticRoute(route("198.51.100.0", 25, 100, 18, 2, 10), s.get(0))).isFalse();
        assertThat(RoutingWatch.staticRoute(route(null, 0, 102, 18, 2, 0), s.get(1))).isTrue();
        assertThat(RoutingWatch.staticRoute(route(null, 0, 102, 18, 2, 0), s.get(0))).isFalse();
    }

    @Test
    void rulesMatchOnKeepalivedsFields() {
        List<IpRule> rules = CONFIG.statics().rules();
        NetlinkEvent.RuleRemoved ours = new NetlinkEvent.RuleRemoved(Rtnl.AF_INET, 100, 1, 100, 18, 0, false,
                Optional.of(ip("198.51.100.0")), 24, Optional.empty(), 0, Optional.of("eth0"), Optional.empty(), 0x10,
                0xff);
        assertThat(RoutingWatch.rule(ours, rules.get(0))).isTrue();
        assertThat(RoutingWatch.rule(ours, rules.get(1))).isFalse();
        NetlinkEvent.RuleRemoved otherMask = new NetlinkEvent.RuleRemoved(Rtnl.AF_INET, 100, 1, 100, 18, 0, false,
                Optional.of(ip("198.51.100.0")), 24, Optional.empty(), 0, Optional.of("eth0"), Optional.empty(), 0x10,
                0xffff);
        assertThat(RoutingWatch.rule(otherMask, rules.get(0))).isFalse();
        NetlinkEvent.RuleRemoved notOurs = new NetlinkEvent.RuleRemoved(Rtnl.AF_INET, 100, 1, 100, 3, 0, false,
                Optional.of(ip("198.51.100.0")), 24, Optional.empty(), 0, Optional.of("eth0"), Optional.empty(), 0x10,
                0xff);
        assertThat(RoutingWatch.rule(notOurs, rules.get(0))).isFalse();
        NetlinkEvent.RuleRemoved v6 = new NetlinkEvent.RuleRemoved(Rtnl.AF_INET6, 101, 1, 101, 18, 0, false,
                Optional.empty(), 0, Optional.of(ip("2001:db8::")), 32, Optional.empty(), Optional.empty(), -1, -1);
        assertThat(RoutingWatch.rule(v6, rules.get(1))).isTrue();
    }

    @Test
    void theMonitorWatchesTheFamiliesWithTrackedEntries() {
        assertThat(NetlinkEvents.routingGroups(CONFIG)).containsExactly(Rtnl.RTNLGRP_IPV4_ROUTE, Rtnl.RTNLGRP_IPV4_RULE,
                Rtnl.RTNLGRP_IPV6_RULE);
    }
}
