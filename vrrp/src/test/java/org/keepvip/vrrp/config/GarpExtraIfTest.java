package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** vrrp_garp_extra_if / garp_extra_if (and their deprecated names), as keepalived 2.2.7 reads them. */
class GarpExtraIfTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static ParseResult parse(String globals, String instanceLines) {
        String text = "global_defs {\n" + globals + "}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n"
                + instanceLines + " virtual_ipaddress {\n  192.0.2.9/24\n  198.51.100.9/24 dev eth1\n }\n}\n";
        return ConfigParser.parse(MAIN, new MemorySource().file(MAIN, text), null);
    }

    private static GarpSettings garp(ParseResult r) {
        return r.config().instances().get(0).garp();
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    @Test
    void offByDefault() {
        ParseResult r = parse("", "");
        assertThat(garp(r).extraIf()).isZero();
        assertThat(garp(r).extraIfAll()).isFalse();
    }

    @Test
    void theGlobalValueServesAnInstanceWithoutItsOwn() {
        ParseResult r = parse(" vrrp_garp_extra_if all 100\n", "");
        assertThat(r.diagnostics()).isEmpty();
        assertThat(garp(r).extraIf()).isEqualTo(Duration.ofSeconds(100));
        assertThat(garp(r).extraIfAll()).isTrue();
    }

    @Test
    void anInstanceValueWinsAndZeroTurnsItOff() {
        ParseResult own = parse(" vrrp_garp_extra_if all 100\n", " garp_extra_if 30\n");
        assertThat(garp(own).extraIf()).isEqualTo(Duration.ofSeconds(30));
        assertThat(garp(own).extraIfAll()).as("all belongs to the value it came with").isFalse();
        ParseResult off = parse(" vrrp_garp_extra_if 100\n", " garp_extra_if 0\n");
        assertThat(off.diagnostics()).isEmpty();
        assertThat(garp(off).extraIf()).isZero();
    }

    @Test
    void badValuesAreKeepalivedsErrors() {
        ParseResult r = parse(" vrrp_garp_extra_if 0\n vrrp_garp_extra_if all\n vrrp_garp_extra_if 86401\n",
                " garp_extra_if all\n garp_extra_if soon\n");
        assertThat(messages(r)).anyMatch(m -> m.contains("vrrp_garp_extra_if '0' invalid - ignoring"))
                .anyMatch(m -> m.contains("vrrp_garp_extra_if specified without time - ignoring"))
                .anyMatch(m -> m.contains("vrrp_garp_extra_if '86401' invalid - ignoring"))
                .anyMatch(m -> m.contains("(VI_1): garp_extra_if specified without time - ignoring"))
                .anyMatch(m -> m.contains("(VI_1): garp_extra_if 'soon' invalid - ignoring"));
        assertThat(garp(r).extraIf()).isZero();
    }

    @Test
    void theDeprecatedNamesAreErrorsButStillApplied() {
        ParseResult g = parse(" vrrp_vmac_garp_intvl 60\n", "");
        assertThat(messages(g)).anyMatch(m -> m.contains("error")
                && m.contains("Keyword \"vrrp_vmac_garp_intvl\" is deprecated - please use \"vrrp_garp_extra_if\""));
        assertThat(garp(g).extraIf()).isEqualTo(Duration.ofSeconds(60));
        ParseResult i = parse("", " vmac_garp_intvl all 45\n");
        assertThat(messages(i)).anyMatch(m -> m.contains("Keyword \"vmac_garp_intvl\" is deprecated - please use \"garp_extra_if\""));
        assertThat(garp(i).extraIf()).isEqualTo(Duration.ofSeconds(45));
        assertThat(garp(i).extraIfAll()).isTrue();
    }

    @Test
    void theDumpKeepsIt() {
        ParseResult r = parse(" vrrp_garp_extra_if all 100\n", "");
        String dump = ConfigWriter.write(r.config());
        assertThat(dump).contains("vrrp_garp_extra_if all 100", "garp_extra_if all 100");
        assertThat(garp(ConfigParser.parse(MAIN, new MemorySource().file(MAIN, dump), null))).isEqualTo(garp(r));
    }
}
