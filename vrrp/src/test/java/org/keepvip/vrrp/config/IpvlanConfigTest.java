package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** use_ipvlan: keepalived 2.2.7's parse and checks (vrrp_ipvlan_handler(), vrrp_complete_instance()), in its words. */
class IpvlanConfigTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static ParseResult parse(String text) {
        return ConfigParser.parse(MAIN, new MemorySource().file(MAIN, text), null);
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static String instance(String name, int vrid, String body, String vip) {
        return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id " + vrid + "\n" + body
                + "\n virtual_ipaddress {\n  " + vip + "\n }\n}\n";
    }

    @Test
    void nameAddressAndModeInAnyOrderAndTheAddressIsTheAdvertsSource() {
        ParseResult r = parse(instance("VI_1", 9, " use_ipvlan private 192.0.2.9/24 ipv9", "192.0.2.100/24"));
        assertThat(messages(r)).isEmpty();
        InstanceSpec i = r.config().instance("VI_1").orElseThrow();
        Vmac v = i.vmac();
        assertThat(v.isIpvlan()).isTrue();
        assertThat(v.onInstance()).isTrue();
        assertThat(v.name()).isEqualTo("ipv9");
        assertThat(v.mac()).isNull();
        assertThat(v.ipvlan().address()).hasToString("/192.0.2.9");
        assertThat(v.ipvlan().prefix()).isEqualTo(24);
        assertThat(v.ipvlan().flagsWord()).isEqualTo("private");
        assertThat(i.mcastSrcIp()).hasToString("/192.0.2.9");

        ParseResult plain = parse(instance("VI_1", 9, " use_ipvlan 192.0.2.9", "192.0.2.100/24"));
        Vmac p = plain.config().instance("VI_1").orElseThrow().vmac();
        assertThat(p.name()).isNull();
        assertThat(p.ipvlan().prefix()).as("no prefix is a host address").isEqualTo(32);
        assertThat(p.ipvlan().flags()).isEqualTo(Ipvlan.BRIDGE);
        ParseResult configured = parse(instance("VI_1", 9, " mcast_src_ip 192.0.2.7\n use_ipvlan 192.0.2.9/24",
                "192.0.2.100/24"));
        assertThat(configured.config().instance("VI_1").orElseThrow().mcastSrcIp()).hasToString("/192.0.2.7");
    }

    /** The same findings, in the same words, as keepalived -t gives for this file. */
    @Test
    void findingsAsKeepalivedReportsThem() {
        ParseResult r = parse(instance("VI_1", 9, " use_ipvlan ipv9 192.0.2.9/24 private vepa\n use_ipvlan", "192.0.2.100/24")
                + instance("VI_2", 10, " use_ipvlan ipv9", "192.0.2.101/24")
                + instance("VI_3", 11, " use_ipvlan 2001:db8::5/64", "192.0.2.102/24"));
        assertThat(messages(r)).contains(
                MAIN + ":4: error: (VI_1) ipvlan type already specified - ignoring 'vepa'",
                MAIN + ":5: error: (VI_1) use_ipvlan already specified",
                MAIN + ":13: error: (VI_2) VRRP instance VI_1 is already using ipv9 - ignoring name",
                MAIN + ":13: error: (VI_2) IPv4 ipvlan requires a source ip address to be configured."
                        + " setting instance to fault state - instance removed");
        assertThat(messages(r)).anyMatch(m -> m.startsWith(MAIN + ":23: error: (VI_3) address family must match VRRP instance"));
        assertThat(r.config().instance("VI_2")).isEmpty();
        assertThat(r.config().instance("VI_1").orElseThrow().vmac().ipvlan().flags()).isEqualTo(Ipvlan.PRIVATE);
    }

    @Test
    void anIpv6InstanceMayDoWithoutAnAddressAndTheConfigWriterKeepsIt() {
        ParseResult r = parse(instance("VI_6", 6, " use_ipvlan ipv6x vepa", "2001:db8::66/64"));
        assertThat(messages(r)).isEmpty();
        Vmac v = r.config().instance("VI_6").orElseThrow().vmac();
        assertThat(v.ipvlan().address()).isNull();
        assertThat(v.ipvlan().flags()).isEqualTo(Ipvlan.VEPA);
        assertThat(ConfigWriter.write(parse(instance("VI_1", 9, " use_ipvlan 192.0.2.9/24 ipv9 private",
                "192.0.2.100/24")).config())).contains("use_ipvlan ipv9 192.0.2.9/24 private");
    }
}
