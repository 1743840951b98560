package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.time.Duration;
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
 * vrrp_strict's firewall (RFC 5798 Accept_Mode false): a MASTER that does not own its addresses drops
 * traffic to and from its VIPs through nftables, a BACKUP has nothing to drop (its set is empty), the
 * table goes at exit and a stale one is replaced at start; and keepalived, given the same file, leaves
 * the same tables, chains, sets and rules in the kernel (its table is named keepalived, keepvip's keepvip).
 */
class StrictFirewallE2ETest {
    static final String VIP4 = "192.0.2.220";
    static final String VIP6 = "2001:db8:82::10";
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("nft");
    }

    static String config(boolean strict, int priority) {
        return """
                global_defs {
                    %s
                    nftables_counters
                }
                vrrp_instance VI_4 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 81
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                }
                vrrp_instance VI_6 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 82
                    version 3
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        fe80::82/64
                        %s/64
                    }
                }
                """.formatted(strict ? "vrrp_strict" : "", priority, VIP4, priority, VIP6);
    }

    private static String ruleset(Lab lab, Node n) {
        return lab.exec(n, "nft", "list", "ruleset").orThrow();
    }

    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes \\d+");

    /** The table with the table's name and the counters' values taken out. */
    static String normalised(String ruleset, String table) {
        String text = COUNTER.matcher(ruleset.replace(" " + table + " {", " TABLE {")).replaceAll("counter");
        // The tables in name order: which family's table comes first follows which instance took
        // over first, in either daemon.
        return java.util.Arrays.stream(text.split("(?m)^(?=table )")).sorted()
                .collect(java.util.stream.Collectors.joining());
    }

    /** The packets counted by the rule dropping traffic to the IPv4 VIPs. */
    private static long droppedIn(Lab lab, Node n) {
        String in = lab.exec(n, "nft", "list", "chain", "ip", "keepvip", "in").orThrow();
        Matcher m = Pattern.compile("ip daddr @vips counter packets (\\d+)").matcher(in);
        assertThat(m.find()).as("drop rule in %s", in).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The IPv4 drop set; empty while there is no table. */
    private static String vips4(Lab lab, Node n) {
        var r = lab.exec(n, "nft", "list", "set", "ip", "keepvip", "vips");
        return r.ok() ? r.stdout() : "";
    }

    private static boolean bothMaster(Lab lab, Node n) {
        return Agents.holds(lab, n, VIP4) && Agents.holds(lab, n, VIP6) && Agents.holds(lab, n, "fe80::82");
    }

    @Test
    void aStrictMasterDropsOnItsVipsABackupDoesNotAndTheTableGoesAtExit() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").client().build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Node client = lab.client();
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", config(true, 100));
            Await.until(TAKEOVER, "a MASTER of both instances", () -> bothMaster(lab, a));
            Await.until(Duration.ofSeconds(3), "a's drop set filled", () -> vips4(lab, a).contains(VIP4));
            assertThat(vips4(lab, a)).contains(VIP4);
            long before = droppedIn(lab, a);
            assertThat(lab.reachable(client, VIP4)).as("a strict MASTER answers no ping on its VIP").isFalse();
            assertThat(droppedIn(lab, a)).isGreaterThan(before);
            assertThat(lab.reachable(client, a.ipv4())).as("its own address answers").isTrue();

            // b (not strict: accept mode) takes over: a empties its sets, keeps its table; b answers.
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", config(false, 150));
            awaitHolder(lab, VIP4, b, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(3), "a's drop set emptied", () -> !vips4(lab, a).contains(VIP4));
            assertThat(lab.exec(b, "nft", "list", "ruleset").orThrow()).doesNotContain("keepvip");
            Await.until(Duration.ofSeconds(5), "the VIP answering from b", () -> lab.reachable(client, VIP4));

            // b stops: a is MASTER again, and drops again.
            kb.process().stop(Duration.ofSeconds(10));
            awaitHolder(lab, VIP4, a, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(3), "a's drop set filled again", () -> vips4(lab, a).contains(VIP4));
            assertThat(lab.reachable(client, VIP4)).isFalse();

            // SIGTERM: VIPs released, tables deleted.
            ka.process().stop(Duration.ofSeconds(10));
            assertThat(ruleset(lab, a)).doesNotContain("keepvip");
            assertThat(Agents.read(ka.process().log())).doesNotContain("cannot set firewall", "cannot remove firewall",
                    "cannot delete nftables");

            // Killed with its table in place: the next start replaces it (the marker element goes).
            Agents.Keepvip crashed = Agents.keepvip(lab, a, "kva2", config(true, 100));
            Await.until(TAKEOVER, "a MASTER", () -> bothMaster(lab, a) && vips4(lab, a).contains(VIP4));
            crashed.process().signal("KILL");
            crashed.process().awaitExit(Duration.ofSeconds(10));
            lab.exec(a, "nft", "add", "element", "ip", "keepvip", "vips", "{ 198.51.100.99 }").orThrow();
            assertThat(vips4(lab, a)).contains("198.51.100.99", VIP4);
            Agents.Keepvip again = Agents.keepvip(lab, a, "kva3", config(true, 100));
            Await.until(TAKEOVER, "a MASTER after the crash, its stale table replaced", () ->
                    again.state().orElse("").equals("MASTER") && vips4(lab, a).contains(VIP4)
                            && !vips4(lab, a).contains("198.51.100.99"));
            assertThat(ruleset(lab, a).split("ip daddr @vips", -1)).as("one drop rule, not two").hasSize(2);
            again.process().stop(Duration.ofSeconds(10));
            assertThat(ruleset(lab, a)).doesNotContain("keepvip");
        }
    }

    /** The same file, run alone by keepvip and by keepalived (a lab each): the same firewall as MASTER. */
    @Test
    void keepalivedBuildsTheSameFirewall() throws Exception {
        LabAssumptions.assumeBinaries("keepalived");
        String keepvip;
        try (Lab lab = Lab.builder().host("v").build()) {
            Node v = lab.node("v");
            Agents.Keepvip kv = Agents.keepvip(lab, v, "kvv", config(true, 100));
            Await.until(TAKEOVER, "keepvip MASTER of both", () -> bothMaster(lab, v)
                    && ruleset(lab, v).contains("fe80::82"));
            keepvip = ruleset(lab, v);
            kv.process().stop(Duration.ofSeconds(10));
            assertThat(ruleset(lab, v)).isBlank();
        }
        try (Lab lab = Lab.builder().host("k").build()) {
            Node k = lab.node("k");
            LabProcess keepalived = Agents.keepalived(lab, k, "kak", config(true, 100));
            Await.until(TAKEOVER, "keepalived MASTER of both", () -> bothMaster(lab, k)
                    && ruleset(lab, k).contains("fe80::82"));
            String theirs = ruleset(lab, k);
            assertThat(normalised(keepvip, "keepvip")).as("keepvip's (keepalived's log: %s)", keepalived.log())
                    .contains("set vips", "vips_link_local", "neighbor-discovery", VIP4, VIP6)
                    .isEqualTo(normalised(theirs, "keepalived"));
            keepalived.stop(Duration.ofSeconds(10));
            assertThat(ruleset(lab, k)).isBlank();
        }
    }
}
