package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * static_ipaddress / static_routes / static_rules and virtual_routes / virtual_rules in the kernel:
 * the static ones on both nodes from start to exit, the virtual ones on the MASTER only, moving with
 * the VIP on a failover; and, where keepalived is installed, the same file run by keepalived in a lab
 * of its own leaves the same routes and rules (ip -j, normalised) as keepvip's MASTER.
 */
class RoutesRulesE2ETest {
    static final String VIP = "192.0.2.210";
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    static String config(int priority) {
        return """
                static_ipaddress {
                    198.51.100.1/32 dev eth0
                }
                static_routes {
                    198.51.100.16/28 via 192.0.2.254 dev eth0 table 100 metric 10
                }
                static_rules {
                    from 198.51.100.0/24 table 100 priority 100
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 71
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                    virtual_routes {
                        198.51.100.128/25 via 192.0.2.254 dev eth0 table 101 metric 5
                        src %s 198.51.100.8/29 dev eth0 table 101
                        blackhole 198.51.100.64/26 table 101 no_track
                        2001:db8:71::/48 dev eth0 table 101 metric 1024
                    }
                    virtual_rules {
                        from %s table 101 priority 101
                        to 198.51.100.16/28 fwmark 0x10/0xff iif eth0 table 101 priority 102
                        from 2001:db8:71::/48 table 101 priority 103
                    }
                }
                """.formatted(priority, VIP, VIP, VIP);
    }

    /** A table that never had a route does not exist for the kernel: that is no routes. */
    private static String routes(Lab lab, Node n, String family, String table) {
        var r = lab.exec(n, "ip", "-j", family, "route", "show", "table", table);
        return !r.ok() && r.stderr().contains("FIB table does not exist") ? "[]" : r.orThrow();
    }

    private static String rules(Lab lab, Node n, String family) {
        return lab.exec(n, "ip", "-j", family, "rule", "show").orThrow();
    }

    /** What the configuration installs, as ip -j prints it: one sorted JSON object per entry. */
    private static List<String> kernelState(Lab lab, Node n) {
        List<String> out = new ArrayList<>();
        for (String table : List.of("100", "101")) {
            out.addAll(objects(routes(lab, n, "-4", table)));
            out.addAll(objects(routes(lab, n, "-6", table)));
        }
        out.addAll(objects(rules(lab, n, "-4")));
        out.addAll(objects(rules(lab, n, "-6")));
        out.sort(null);
        return out;
    }

    private static final Pattern OBJECT = Pattern.compile("\\{(?:[^{}]|\\{[^{}]*\\})*\\}");

    private static List<String> objects(String json) {
        List<String> out = new ArrayList<>();
        Matcher m = OBJECT.matcher(json);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static boolean hasVirtual(Lab lab, Node n) {
        return routes(lab, n, "-4", "101").contains("198.51.100.128")
                && rules(lab, n, "-4").contains("\"priority\":101");
    }

    private static void assertStatics(Lab lab, Node n) {
        assertThat(routes(lab, n, "-4", "100")).contains("\"dst\":\"198.51.100.16/28\"", "\"gateway\":\"192.0.2.254\"",
                "\"metric\":10");
        assertThat(rules(lab, n, "-4")).contains("\"priority\":100", "\"src\":\"198.51.100.0\"", "\"table\":\"100\"");
        assertThat(lab.hasAddress(n, "198.51.100.1")).isTrue();
    }

    private static void assertMasterRouting(Lab lab, Node n) {
        String v4 = routes(lab, n, "-4", "101");
        assertThat(v4).contains("\"dst\":\"198.51.100.128/25\"", "\"metric\":5", "\"dst\":\"198.51.100.8/29\"",
                "\"prefsrc\":\"" + VIP + "\"", "\"type\":\"blackhole\"", "\"dst\":\"198.51.100.64/26\"")
                .containsPattern("\"protocol\":\"(18|keepalived)\"");
        assertThat(routes(lab, n, "-6", "101")).contains("\"dst\":\"2001:db8:71::/48\"", "\"metric\":1024");
        String r4 = rules(lab, n, "-4");
        assertThat(r4).contains("\"priority\":101", "\"src\":\"" + VIP + "\"", "\"priority\":102",
                "\"fwmark\":\"0x10\"", "\"fwmask\":\"0xff\"", "\"iif\":\"eth0\"", "\"table\":\"101\"");
        assertThat(rules(lab, n, "-6")).contains("\"priority\":103", "\"src\":\"2001:db8:71::\"");
    }

    private static void assertNoVirtualRouting(Lab lab, Node n) {
        assertThat(routes(lab, n, "-4", "101")).doesNotContain("198.51.100.128", "198.51.100.8/29", "198.51.100.64");
        assertThat(routes(lab, n, "-6", "101")).doesNotContain("2001:db8:71::");
        assertThat(rules(lab, n, "-4")).doesNotContain("\"priority\":101", "\"priority\":102");
        assertThat(rules(lab, n, "-6")).doesNotContain("\"priority\":103");
    }

    @Test
    void virtualRoutesFollowTheMasterAndStaticOnesStayUntilExit() throws Exception {
        List<String> keepvipMaster;
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", config(150));
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", config(100));

            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(3), "a's virtual routes and rules", () -> hasVirtual(lab, a));
            assertMasterRouting(lab, a);
            Await.until(Duration.ofSeconds(3), "b BACKUP", () -> kb.state().orElse("").equals("BACKUP"));
            assertNoVirtualRouting(lab, b);
            assertStatics(lab, a);
            assertStatics(lab, b);
            keepvipMaster = kernelState(lab, a);

            // Failover: a stops; it releases its VIP, virtual and static routes and rules, b takes over.
            ka.process().stop(Duration.ofSeconds(10));
            awaitHolder(lab, VIP, b, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(3), "b's virtual routes and rules", () -> hasVirtual(lab, b));
            assertMasterRouting(lab, b);
            assertStatics(lab, b);
            assertNoVirtualRouting(lab, a);
            assertThat(routes(lab, a, "-4", "100")).doesNotContain("198.51.100.16/28");
            assertThat(rules(lab, a, "-4")).doesNotContain("\"priority\":100");
            assertThat(lab.hasAddress(a, "198.51.100.1")).isFalse();
            assertThat(kernelState(lab, b)).isEqualTo(keepvipMaster);
            assertThat(Agents.read(kb.process().log())).doesNotContain("cannot add", "cannot remove");
            assertThat(Agents.read(ka.process().log())).doesNotContain("cannot add", "cannot remove");

            // A reload diffs them: the blackhole goes, a new route comes, the static route changes metric.
            java.nio.file.Files.writeString(kb.config(), config(100)
                    .replace("blackhole 198.51.100.64/26 table 101 no_track", "198.51.100.32/27 dev eth0 table 101")
                    .replace("table 100 metric 10", "table 100 metric 20"));
            kb.process().signal("HUP");
            Await.until(Duration.ofSeconds(5), "b's routes after the reload", () -> {
                String v4 = routes(lab, b, "-4", "101");
                return v4.contains("198.51.100.32/27") && !v4.contains("198.51.100.64")
                        && routes(lab, b, "-4", "100").contains("\"metric\":20");
            });
            assertThat(routes(lab, b, "-4", "100")).doesNotContain("\"metric\":10");
            assertThat(routes(lab, b, "-4", "101")).contains("198.51.100.128/25", "198.51.100.8/29");
            assertThat(rules(lab, b, "-4")).contains("\"priority\":100", "\"priority\":101", "\"priority\":102");
            assertThat(kb.state()).contains("MASTER");
        }
    }

    /** The same file, run alone by keepvip and by keepalived (a lab each): the same kernel state as MASTER. */
    @Test
    void keepalivedLeavesTheSameRoutesAndRulesAsKeepvip() throws Exception {
        LabAssumptions.assumeBinaries("keepalived");
        List<String> keepvipMaster;
        try (Lab lab = Lab.builder().host("v").build()) {
            Node v = lab.node("v");
            Agents.keepvip(lab, v, "kvv", config(150));
            Await.until(TAKEOVER, "keepvip MASTER with its virtual routes", () -> Agents.holds(lab, v, VIP)
                    && hasVirtual(lab, v) && rules(lab, v, "-6").contains("\"priority\":103"));
            keepvipMaster = kernelState(lab, v);
        }
        try (Lab lab = Lab.builder().host("k").build()) {
            Node k = lab.node("k");
            LabProcess keepalived = Agents.keepalived(lab, k, "kak", config(150));
            Await.until(TAKEOVER, "keepalived MASTER with its virtual routes", () -> Agents.holds(lab, k, VIP)
                    && hasVirtual(lab, k) && rules(lab, k, "-6").contains("\"priority\":103"));
            List<String> keepalivedMaster = kernelState(lab, k);
            assertThat(keepalivedMaster).as("keepalived's routes and rules (log: %s)", keepalived.log())
                    .hasSizeGreaterThan(10).isEqualTo(keepvipMaster);
        }
    }
}
