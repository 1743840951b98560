package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * nftables, nftables_priority, nftables_counters, nftables_ifindex and vrrp_iptables (which
 * keepalived 2.2.7 built with nftables only, as Debian's, turns into nftables), in its words, and
 * when the table is needed without them (an instance in no-accept mode).
 */
class FirewallKeywordsTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static String instance(String extra) {
        return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n priority 100\n" + extra
                + " virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";
    }

    private static ParseResult parse(String globals, String instanceExtra) {
        return ConfigParser.parse(MAIN,
                new MemorySource().file(MAIN, "global_defs {\n" + globals + "}\n" + instance(instanceExtra)), null);
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static Firewall effective(ParseResult r) {
        return Firewall.of(r.config().global(), r.config().instances());
    }

    @Test
    void strictModeNeedsTheDefaultTableAndAcceptModeNone() {
        ParseResult strict = parse(" vrrp_strict\n", "");
        assertThat(strict.config().instances().get(0).accept()).isFalse();
        assertThat(effective(strict)).extracting(Firewall::table, Firewall::priority, Firewall::counters)
                .containsExactly("keepvip", -1, false);
        assertThat(effective(parse("", ""))).isNull();
        assertThat(effective(parse("", " no_accept\n")).table()).isEqualTo("keepvip");
        // The address owner never blocks (keepalived/vrrp/vrrp.c: vrrp_handle_accept_mode()).
        ParseResult owner = ConfigParser.parse(MAIN, new MemorySource().file(MAIN, "global_defs {\n vrrp_strict\n}\n"
                + instance(" state MASTER\n").replace("priority 100", "priority 255")), null);
        assertThat(effective(owner)).isNull();
    }

    @Test
    void strictVersion2ResetsAcceptAsKeepalivedDoes() {
        ParseResult v2 = parse(" vrrp_strict\n", " accept\n");
        assertThat(messages(v2)).containsExactly(MAIN + ":4: error: (VI_1) warning - accept mode for VRRP version 2"
                + " does not comply with RFC3768 - resetting");
        assertThat(v2.config().instances().get(0).accept()).isFalse();
        ParseResult v3 = parse(" vrrp_strict\n", " version 3\n accept\n");
        assertThat(v3.diagnostics()).isEmpty();
        assertThat(v3.config().instances().get(0).accept()).isTrue();
        assertThat(effective(v3)).isNull();
    }

    @Test
    void namedTableWithPriorityCountersAndIfindex() {
        ParseResult r = parse(" nftables kv_fw\n nftables_priority -5\n nftables_counters\n nftables_ifindex\n", "");
        assertThat(r.diagnostics()).isEmpty();
        Firewall f = r.config().global().firewall();
        assertThat(f).extracting(Firewall::table, Firewall::priority, Firewall::counters, Firewall::useIfindex)
                .containsExactly("kv_fw", -5, true, true);
        // Configured, it is set up even if every instance accepts (keepalived creates the table lazily).
        assertThat(effective(r)).isSameAs(f);
        ParseResult again = ConfigParser.parse(MAIN, new MemorySource().file(MAIN, ConfigWriter.write(r.config())),
                null);
        assertThat(again.config().global().firewall()).extracting(Firewall::table, Firewall::priority,
                Firewall::counters, Firewall::useIfindex).containsExactly("kv_fw", -5, true, true);
    }

    @Test
    void nftablesResetsAnEarlierPriorityAndTheDefaultTableKeepsIt() {
        assertThat(parse(" nftables_priority 7\n nftables\n", "").config().global().firewall().priority()).isEqualTo(-1);
        ParseResult r = parse(" nftables_priority 7\n vrrp_strict\n", "");
        assertThat(effective(r)).extracting(Firewall::table, Firewall::priority).containsExactly("keepvip", 7);
    }

    @Test
    void keepalivedsErrors() {
        ParseResult r = parse(" vrrp_iptables\n nftables other\n nftables_priority abc\n nftables_priority\n"
                + " nftables " + "x".repeat(256) + "\n vrrp_ipsets foo\n", "");
        assertThat(messages(r)).containsExactly(
                MAIN + ":2: error: iptables not supported, using nftables instead. Please replace 'vrrp_iptables and"
                        + " 'vrrp_ipsets' with 'nftables' config option",
                MAIN + ":3: error: nftables already specified - ignoring",
                MAIN + ":4: error: invalid nftables chain priority 'abc'",
                MAIN + ":5: error: Configuration line starting `nftables_priority` is missing a parameter after"
                        + " keyword `nftables_priority` at word position 2",
                MAIN + ":6: error: nftables already specified - ignoring",
                MAIN + ":7: warning: 'vrrp_ipsets' has no effect in keepvip - ignored (keepvip's firewall is nftables"
                        + " (as Debian's keepalived), which has no ipsets)");
        assertThat(r.config().global().firewall().table()).isEqualTo("keepvip");
        ParseResult tooLong = parse(" nftables " + "x".repeat(256) + "\n", "");
        assertThat(messages(tooLong)).containsExactly(MAIN + ":2: error: nftables table name too long - ignoring");
    }
}
