package org.keepvip.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RTM_NEWROUTE / RTM_DELROUTE and RTM_NEWRULE / RTM_DELRULE against the kernel, as root, in a
 * namespace made here (veth0 192.0.2.1/24 and 2001:db8::1/64, its peer veth1 in the same
 * namespace); what the kernel holds is read back with `ip -j` (tests only).
 */
class NetlinkRoutesTest {
    private static TestNetns netns;
    private static String ns;
    private static ExecutorService inNs;

    @BeforeAll
    static void lab() throws Exception {
        TestNetns.assumeRoot();
        netns = new TestNetns();
        ns = netns.create("rt");
        TestNetns.ipIn(ns, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        TestNetns.ipIn(ns, "addr", "add", "192.0.2.1/24", "dev", "veth0");
        TestNetns.ipIn(ns, "addr", "add", "2001:db8::1/64", "dev", "veth0", "nodad");
        TestNetns.ipIn(ns, "link", "set", "veth1", "up");
        TestNetns.ipIn(ns, "link", "set", "veth0", "up");
        inNs = NetNamespace.newExecutor(ns);
    }

    @AfterAll
    static void cleanup() {
        if (inNs != null) {
            inNs.shutdownNow();
        }
        if (netns != null) {
            netns.close();
        }
    }

    private static <T> T inNs(Callable<T> task) throws Exception {
        try {
            return inNs.submit(task).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    private static boolean withClient(NetlinkCall call) throws Exception {
        return inNs(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return call.run(c);
            }
        });
    }

    interface NetlinkCall {
        boolean run(NetlinkClient c) throws Exception;
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void aGatewayRouteInANumberedTableGoesInAndOutOnce() throws Exception {
        RouteSpec r = new RouteSpec(false, Rtnl.RTN_UNICAST, false, Optional.of(ip("198.51.100.0")), 24,
                Optional.empty(), 0, Optional.of(ip("192.0.2.254")), Optional.of(ip("192.0.2.1")),
                Optional.of("veth0"), 100, 7, -1, 18, -1, false, 0);
        assertThat(withClient(c -> c.addRoute(r))).isTrue();
        String shown = TestNetns.ipIn(ns, "-j", "-d", "route", "show", "table", "100");
        assertThat(shown).contains("\"dst\":\"198.51.100.0/24\"", "\"gateway\":\"192.0.2.254\"", "\"dev\":\"veth0\"",
                "\"metric\":7", "\"prefsrc\":\"192.0.2.1\"").containsPattern("\"protocol\":\"(18|keepalived)\"");
        assertThat(withClient(c -> c.addRoute(r))).as("already there: EEXIST is success").isFalse();
        assertThat(withClient(c -> c.deleteRoute(r))).isTrue();
        assertThat(TestNetns.ipIn(ns, "-j", "route", "show", "table", "100")).doesNotContain("198.51.100.0");
        assertThat(withClient(c -> c.deleteRoute(r))).as("gone already").isFalse();
    }

    @Test
    void blackholeInATableAbove255AndAnIpv6DefaultRoute() throws Exception {
        RouteSpec black = new RouteSpec(false, 6, true, Optional.of(ip("198.51.100.128")), 25, Optional.empty(), 0,
                Optional.empty(), Optional.empty(), Optional.empty(), 1000, -1, -1, 18, -1, false, Rtnl.NLM_F_EXCL);
        RouteSpec v6 = new RouteSpec(true, Rtnl.RTN_UNICAST, false, Optional.empty(), 0, Optional.empty(), 0,
                Optional.of(ip("2001:db8::fe")), Optional.empty(), Optional.of("veth0"), 101, 1024, -1, 18, -1, false, 0);
        withClient(c -> c.addRoute(black) && c.addRoute(v6));
        assertThat(TestNetns.ipIn(ns, "-j", "route", "show", "table", "1000"))
                .contains("\"type\":\"blackhole\"", "\"dst\":\"198.51.100.128/25\"");
        assertThat(TestNetns.ipIn(ns, "-j", "-6", "route", "show", "table", "101"))
                .contains("\"dst\":\"default\"", "\"gateway\":\"2001:db8::fe\"", "\"metric\":1024");
        assertThat(withClient(c -> c.deleteRoute(black) && c.deleteRoute(v6))).isTrue();
        assertThat(TestNetns.ipIn(ns, "-j", "route", "show", "table", "1000")).doesNotContain("198.51.100.128");
        assertThat(TestNetns.ipIn(ns, "-j", "-6", "route", "show", "table", "101")).doesNotContain("2001:db8::fe");
    }

    @Test
    void aRouteOnAMissingInterfaceIsENODEVAndAnUnreachableGatewayTheKernelsError() throws Exception {
        RouteSpec missing = RouteSpec.of(ip("198.51.100.0"), 24, 100).via(ip("192.0.2.254")).dev("nosuch0");
        assertThatThrownBy(() -> withClient(c -> c.addRoute(missing))).isInstanceOf(NetlinkException.class)
                .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(Errno.ENODEV);
        assertThat(withClient(c -> c.deleteRoute(missing))).isFalse();
        // Table 102 exists in no test here, so the gateway is looked up in main, where 198.51.100.0/24 has no route.
        RouteSpec offLink = RouteSpec.of(ip("198.51.100.128"), 25, 102).via(ip("198.51.100.1")).dev("veth0");
        assertThatThrownBy(() -> withClient(c -> c.addRoute(offLink))).isInstanceOf(NetlinkException.class)
                .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(Errno.ENETUNREACH);
    }

    @Test
    void rulesWithTheirSelectorsGoInAndOutOnce() throws Exception {
        RuleSpec r = new RuleSpec(false, Optional.of(ip("198.51.100.0")), 24, Optional.of(ip("192.0.2.0")), 24,
                false, 1100, 0, 0x10, 0xff, Optional.of("veth0"), Optional.empty(), Rtnl.FR_ACT_TO_TBL, 100, 0, 18,
                6, new int[] {1000, 2000}, new int[] {6379, 6379}, null, -1);
        assertThat(withClient(c -> c.addRule(r))).isTrue();
        String shown = TestNetns.ipIn(ns, "-j", "rule", "show", "priority", "1100");
        assertThat(shown).contains("\"priority\":1100", "\"src\":\"198.51.100.0\"", "\"srclen\":24",
                "\"dst\":\"192.0.2.0\"", "\"iif\":\"veth0\"", "\"fwmark\":\"0x10\"", "\"fwmask\":\"0xff\"",
                "\"table\":\"100\"", "\"sport_start\":1000", "\"sport_end\":2000", "\"dport\":6379")
                .containsPattern("\"protocol\":\"(18|keepalived)\"").containsPattern("\"ipproto\":\"(6|tcp)\"");
        assertThat(withClient(c -> c.addRule(r))).as("identical rule: EEXIST").isFalse();
        assertThat(withClient(c -> c.deleteRule(r))).isTrue();
        assertThat(TestNetns.ipIn(ns, "-j", "rule", "show", "priority", "1100")).doesNotContain("198.51.100.0");
        assertThat(withClient(c -> c.deleteRule(r))).isFalse();
    }

    @Test
    void ruleActionsTablesAbove255AndIpv6() throws Exception {
        RuleSpec big = RuleSpec.lookup(ip("198.51.100.0"), 24, 1000, 1200);
        RuleSpec go = new RuleSpec(false, Optional.empty(), 0, Optional.empty(), 0, true, 1201, 0, -1, -1,
                Optional.empty(), Optional.of("veth0"), Rtnl.FR_ACT_GOTO, 0, 1300, -1, -1, null, null,
                new long[] {1000, 1999}, -1);
        RuleSpec v6 = new RuleSpec(true, Optional.of(ip("2001:db8::")), 64, Optional.empty(), 0, false, 1202, 0, -1, -1,
                Optional.empty(), Optional.empty(), 7, 0, 0, 18, -1, null, null, null, -1);
        withClient(c -> c.addRule(big) && c.addRule(go) && c.addRule(v6));
        assertThat(TestNetns.ipIn(ns, "-j", "rule", "show", "priority", "1200")).contains("\"table\":\"1000\"");
        assertThat(TestNetns.ipIn(ns, "-j", "rule", "show", "priority", "1201"))
                .contains("\"not\":null", "\"oif\":\"veth0\"", "\"goto\":1300", "\"uid_start\":1000", "\"uid_end\":1999");
        assertThat(TestNetns.ipIn(ns, "-j", "-6", "rule", "show", "priority", "1202"))
                .contains("\"src\":\"2001:db8::\"", "\"action\":\"unreachable\"");
        assertThat(withClient(c -> c.deleteRule(big) && c.deleteRule(go) && c.deleteRule(v6))).isTrue();
        assertThat(TestNetns.ipIn(ns, "-j", "rule", "show")).doesNotContain("1000", "1300");
    }
}
