package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * static_ipaddress, static_routes, static_rules, virtual_routes and virtual_rules: parsed as
 * keepalived 2.2.7 parses them (keepalived/vrrp/vrrp_iproute.c alloc_route, vrrp_iprule.c
 * alloc_rule), its findings in its words, with file:line.
 */
class RoutesAndRulesTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static ParseResult parse(String text) {
        return parse(new MemorySource().file(MAIN, text));
    }

    private static ParseResult parse(MemorySource src) {
        return ConfigParser.parse(MAIN, src, null);
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static String instance(String body) {
        return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n  192.0.2.9/24\n }\n"
                + body + "\n}\n";
    }

    private static InetAddress ip(String s) {
        return IpLiteral.parse(s);
    }

    /** keepalived/vrrp/vrrp.c: vrrp_complete_instance() makes the instance track these interfaces. */
    @Test
    void anInstanceTracksTheInterfacesOfItsVirtualRoutesAndRulesUnlessNoTrack() {
        ParseResult r = parse(instance(" track_interface {\n  eth3 weight 20\n  eth4 weight 5\n }\n"
                + " virtual_routes {\n  198.51.100.0/24 dev eth1 table 100\n  198.51.101.0/24 dev eth2 table 100 no_track\n"
                + "  198.51.102.0/24 dev eth0 table 100\n }\n"
                + " virtual_rules {\n  from 198.51.100.0/24 iif eth3 oif eth5 table 100 priority 100\n"
                + "  from 198.51.101.0/24 iif eth6 table 100 priority 101 no_track\n }"));
        assertThat(r.config().instances().get(0).tracking().interfaces())
                .extracting(t -> t.name() + "/" + t.weight())
                .containsExactly("eth3/0", "eth4/5", "eth1/0", "eth5/0");
    }

    @Test
    void virtualRoutesCarryEveryAttribute() {
        ParseResult r = parse(instance(" virtual_routes {\n"
                + "  198.51.100.0/24 via 192.0.2.254 dev eth0 table 100 metric 7 src 192.0.2.9 proto 18 onlink\n"
                + "  blackhole 198.51.100.128/25 dev eth0 table 0x65 no_track\n"
                + "  default via 192.0.2.1 dev eth0 table 200 scope link append\n"
                + "  default6 via 2001:db8::1 dev eth0 table 100 preference 1024\n"
                + "  inet6 2001:db8:1::/48 dev eth0 table 100\n"
                + " }"));
        assertThat(messages(r)).contains(MAIN + ":12: error: (VI_1) virtual_routes: keepalived 2.2.7 skips the word"
                + " after 'inet6' ('2001:db8:1::/48'): leave 'inet6' out (an address gives its own family; 'default6'"
                + " is the IPv6 default) - route skipped");
        List<IpRoute> routes = r.config().instances().get(0).virtualRoutes();
        assertThat(routes).hasSize(3); // "proto" is not a keyword of keepalived's: that line is dropped
        assertThat(messages(r)).contains(MAIN + ":8: error: (VI_1) virtual_routes: unknown route keyword proto"
                + " (and not a valid destination) - route skipped");
        IpRoute black = routes.get(0);
        assertThat(black.type()).isEqualTo(6);
        assertThat(black.typeGiven()).isTrue();
        assertThat(black.destination()).isEqualTo(ip("198.51.100.128"));
        assertThat(black.destinationPrefix()).isEqualTo(25);
        assertThat(black.table()).isEqualTo(101);
        assertThat(black.noTrack()).isTrue();
        IpRoute dflt = routes.get(1);
        assertThat(dflt.destination()).isNull();
        assertThat(dflt.destinationPrefix()).isZero();
        assertThat(dflt.via()).isEqualTo(ip("192.0.2.1"));
        assertThat(dflt.scope()).isEqualTo(253);
        assertThat(dflt.mode()).isEqualTo(IpRoute.Mode.APPEND);
        assertThat(dflt.protocol()).isEqualTo(IpRoute.PROTOCOL_KEEPALIVED);
        IpRoute v6 = routes.get(2);
        assertThat(v6.family()).isEqualTo(AddressFamily.IPV6);
        assertThat(v6.metric()).isEqualTo(1024);
        assertThat(v6.via()).isEqualTo(ip("2001:db8::1"));
    }

    @Test
    void routeFindingsAreKeepalivedsWithFileAndLine() {
        ParseResult r = parse(instance(" virtual_routes {\n"
                + "  198.51.100.0/24 via 192.0.2.254\n"
                + "  198.51.100.0/24 gw 192.0.2.254 dev eth0\n"
                + "  198.51.100.0/24 dev eth0 table nosuch\n"
                + "  198.51.100.0/24 via 2001:db8::1 dev eth0\n"
                + "  198.51.100.0/24 dev eth0 metric -1\n"
                + "  198.51.100.0/24 dev eth0 scope galaxy\n"
                + "  via 192.0.2.1 dev eth0\n"
                + "  198.51.100.0/24 via 192.0.2.1 or 192.0.2.2 dev eth0\n"
                + "  198.51.100.0/24 dev eth0 mtu lock 1400\n"
                + "  198.51.100.0/24 dev eth0 table\n"
                + " }"));
        assertThat(messages(r)).containsExactly(
                MAIN + ":8: error: (VI_1) virtual_routes: Warning - cannot track route 198.51.100.0/24 with no"
                        + " interface specified, not tracking",
                MAIN + ":9: error: (VI_1) virtual_routes: \"gw\" for routes is deprecated. Please use \"via\"",
                MAIN + ":10: error: (VI_1) virtual_routes: Routing table nosuch not found for route (a number"
                        + " 0-4294967295, or a name in /etc/iproute2/rt_tables) - route skipped",
                MAIN + ":11: error: (VI_1) virtual_routes: Cannot mix IPv4 and IPv6 addresses for route - route skipped",
                MAIN + ":12: error: (VI_1) virtual_routes: Invalid metric -1 specified for route (0-4294967295)"
                        + " - route skipped",
                MAIN + ":13: error: (VI_1) virtual_routes: Scope galaxy not found or invalid for route (global, site,"
                        + " link, host, nowhere or 0-255) - route skipped",
                MAIN + ":14: error: (VI_1) virtual_routes: Route must have a destination - route skipped",
                MAIN + ":15: error: (VI_1) virtual_routes: multipath routes ('or') are not supported by keepvip"
                        + " - route 198.51.100.0/24 via 192.0.2.1 or 192.0.2.2 dev eth0 is not installed",
                MAIN + ":16: warning: (VI_1) virtual_routes: 'mtu' is not supported by keepvip - route"
                        + " 198.51.100.0/24 dev eth0 mtu lock 1400 is installed without it",
                MAIN + ":17: error: (VI_1) virtual_routes: 'table' is missing its value in '198.51.100.0/24 dev eth0"
                        + " table' - line skipped");
        assertThat(r.config().instances().get(0).virtualRoutes()).extracting(IpRoute::origin)
                .extracting(Origin::line).containsExactly(8, 9, 16);
    }

    @Test
    void tableNamesComeFromRtTables() {
        MemorySource src = new MemorySource().file(MAIN, instance(" virtual_routes {\n"
                + "  198.51.100.0/24 dev eth0 table redis no_track\n  198.51.100.0/24 dev eth0 table main no_track\n }"))
                .file(RtNames.TABLES_FILE, "# reserved\n255\tlocal\n254 main\n100 redis # ours\nbad line here\n");
        ParseResult r = parse(src);
        assertThat(messages(r)).isEmpty();
        assertThat(r.config().instances().get(0).virtualRoutes()).extracting(IpRoute::table).containsExactly(100L, 254L);
    }

    @Test
    void rulesWithTheirActionsAndKeepalivedsPreferences() {
        ParseResult r = parse("static_rules {\n"
                + " from 198.51.100.0/24 table 100 priority 100\n"
                + " to 198.51.100.0/24 fwmark 0x10/0xff iif eth0 lookup main preference 101 no_track\n"
                + " not from all oif eth1 unreachable priority 102\n"
                + " from 2001:db8::/64 goto 300 priority 200\n"
                + " from 192.0.2.0/24 table 7\n"
                + " from 192.0.2.0/24 ipproto tcp dport 6379 sport 1000-2000 uidrange 0-99 table 8 priority 5\n"
                + "}\n" + instance(" virtual_rules {\n  from 192.0.2.9 table 9\n }"));
        List<IpRule> rules = r.config().statics().rules();
        assertThat(rules).extracting(IpRule::priority).containsExactly(100L, 101L, 102L, 200L, 16384L, 5L);
        assertThat(r.config().instances().get(0).virtualRules()).extracting(IpRule::priority).containsExactly(16383L);
        assertThat(rules.get(0).action()).isEqualTo(IpRule.FR_ACT_TO_TBL);
        assertThat(rules.get(0).protocol()).isEqualTo(18);
        assertThat(rules.get(1).fwmark()).isEqualTo(16);
        assertThat(rules.get(1).fwmask()).isEqualTo(255);
        assertThat(rules.get(1).table()).isEqualTo(254);
        assertThat(rules.get(1).protocol()).isEqualTo(-1);
        assertThat(rules.get(2).invert()).isTrue();
        assertThat(rules.get(2).from()).isNull();
        assertThat(rules.get(2).action()).isEqualTo(IpRule.FR_ACT_UNREACHABLE);
        assertThat(rules.get(3).family()).isEqualTo(AddressFamily.IPV6);
        assertThat(rules.get(3).gotoTarget()).isEqualTo(300);
        assertThat(rules.get(5).ipProto()).isEqualTo(6);
        assertThat(rules.get(5).dport()).isEqualTo(new IpRule.PortRange(6379, 6379));
        assertThat(rules.get(5).sport()).isEqualTo(new IpRule.PortRange(1000, 2000));
        assertThat(rules.get(5).uidRange()).isEqualTo(new IpRule.UidRange(0, 99));
        assertThat(messages(r)).containsExactly(
                MAIN + ":6: error: static_rules: Rule has no preference specified - setting to 16384. This is probably"
                        + " not what you want.",
                MAIN + ":16: error: (VI_1) virtual_rules: Rule has no preference specified - setting to 16383. This is"
                        + " probably not what you want.");
    }

    @Test
    void ruleFindingsAreKeepalivedsWithFileAndLine() {
        ParseResult r = parse("static_rules {\n"
                + " to 192.168.100./24 table 1 priority 1\n"
                + " from 192.0.2.0/24 priority 2\n"
                + " from 192.0.2.0/24 table 0 priority 3\n"
                + " from 192.0.2.0/24 table 1 blackhole priority 4\n"
                + " from 192.0.2.0/24 to 2001:db8::/32 table 1 priority 5\n"
                + " from 192.0.2.0/24 goto 6 priority 6\n"
                + " from 192.0.2.0/24 table 1 priority 7 fwmark 1/x\n"
                + " from 192.0.2.0/24 tabel 1 priority 8\n"
                + " from 192.0.2.0/24 local priority 9\n"
                + "}\n" + instance(""));
        assertThat(messages(r)).containsExactly(
                MAIN + ":2: error: static_rules: Invalid rule to address 192.168.100./24 - rule skipped",
                MAIN + ":3: error: static_rules: No action specified for rule - ignoring (table N, goto N, nop,"
                        + " blackhole, unreachable or prohibit)",
                MAIN + ":4: error: static_rules: Table 0 is not valid - rule skipped",
                MAIN + ":5: error: static_rules: Cannot specify more than one of table/nop/goto/blackhole/prohibit/"
                        + "unreachable/l3mdev for rule - rule skipped",
                MAIN + ":6: error: static_rules: rule specification has mixed IPv4 and IPv6 - rule skipped",
                MAIN + ":7: error: static_rules: Invalid rule - preference 6 >= goto target 6 - rule skipped",
                MAIN + ":8: error: static_rules: Invalid rule fwmark 1/x specified (MARK[/MASK], 0-4294967295) - rule"
                        + " skipped",
                MAIN + ":9: error: static_rules: Unknown rule option tabel - did you mean 'table'? - rule skipped",
                MAIN + ":10: error: static_rules: Invalid rule action local - rule skipped");
        assertThat(r.config().statics().rules()).isEmpty();
    }

    @Test
    void staticAddressesDefaultToEth0AndParseLikeVips() {
        ParseResult r = parse("static_ipaddress {\n 192.0.2.50/24 dev eth1 scope link\n 192.0.2.51\n"
                + " 192.0.2.52/33 dev eth1\n}\n" + instance(""));
        assertThat(r.config().statics().addresses()).extracting(VirtualIp::device).containsExactly("eth1", "eth0", "eth1");
        assertThat(r.config().statics().addresses().get(0).scope()).isEqualTo("link");
        assertThat(messages(r)).containsExactly(
                MAIN + ":4: error: (static_ipaddress) invalid prefix in '192.0.2.52/33' - using /32");
    }

    @Test
    void theDumpParsesBackToTheSameRoutesAndRules() {
        ParseResult r = parse("static_ipaddress {\n 192.0.2.50/24 dev eth1\n}\n"
                + "static_routes {\n 198.51.100.0/24 via 192.0.2.1 dev eth0 table 100 metric 5\n"
                + " unreachable 198.51.100.64/26 table 100\n 2001:db8:1::/48 via 2001:db8::1 dev eth0 append\n}\n"
                + "static_rules {\n not from 198.51.100.0/24 to 192.0.2.0/24 fwmark 7/255 iif eth0 table 100 priority 9\n"
                + " from default6 nop priority 3 no_track\n}\n"
                + instance(" virtual_routes {\n  default via 192.0.2.1 dev eth0 table 9 src 192.0.2.9 scope link\n }\n"
                        + " virtual_rules {\n  from 192.0.2.9 table 9 priority 90 sport 10-20\n }"));
        String dump = ConfigWriter.write(r.config());
        ParseResult again = parse(dump);
        assertThat(again.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
        assertThat(again.config().statics().routes()).extracting(IpRoute::withoutOrigin)
                .isEqualTo(r.config().statics().routes().stream().map(IpRoute::withoutOrigin).toList());
        assertThat(again.config().statics().rules()).extracting(IpRule::withoutOrigin)
                .isEqualTo(r.config().statics().rules().stream().map(IpRule::withoutOrigin).toList());
        assertThat(again.config().statics().addresses()).hasSize(1);
        assertThat(again.config().instances().get(0).virtualRoutes()).extracting(IpRoute::withoutOrigin)
                .isEqualTo(r.config().instances().get(0).virtualRoutes().stream().map(IpRoute::withoutOrigin).toList());
        assertThat(again.config().instances().get(0).virtualRules()).extracting(IpRule::withoutOrigin)
                .isEqualTo(r.config().instances().get(0).virtualRules().stream().map(IpRule::withoutOrigin).toList());
        assertThat(ConfigWriter.write(again.config())).isEqualTo(dump);
    }

    /** keepalived/vrrp/vrrp_iproute.c: parse_route(): {@code vrf NAME} puts the route in the VRF's table, in its words. */
    @Test
    void aRoutesVrfIsItsTable() {
        MemorySource src = new MemorySource().file(MAIN, "static_routes {\n 198.51.100.0/25 dev eth1 vrf blue\n"
                + " 198.51.100.128/25 dev eth1 vrf nosuch\n 198.51.100.64/26 dev eth1 vrf eth1\n}\n"
                + instance(" virtual_routes {\n  198.51.100.32/27 dev eth0 vrf blue metric 7\n }"));
        src.links.put("blue", 1042L);
        src.links.put("eth1", -1L);
        ParseResult r = parse(src);
        assertThat(messages(r)).containsExactly(
                MAIN + ":3: error: static_routes: VRF nosuch not found for route - route skipped",
                MAIN + ":4: error: static_routes: Route specified VRF eth1 is not a VRF - route skipped");
        assertThat(r.config().statics().routes()).singleElement().satisfies(x -> assertThat(x.table()).isEqualTo(1042));
        assertThat(r.config().instances().get(0).virtualRoutes()).singleElement()
                .satisfies(x -> assertThat(x.table()).isEqualTo(1042));
    }
}
