package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** use_vmac, vmac_xmit_base, use_vmac_addr, vmac_prefix: keepalived 2.2.7's parse and checks, in its words. */
class VmacConfigTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static ParseResult parse(String text) {
        return ConfigParser.parse(MAIN, new MemorySource().file(MAIN, text), null);
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static String instance(String name, int vrid, String body) {
        return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id " + vrid + "\n" + body
                + "\n virtual_ipaddress {\n  192.0.2." + vrid + "/24\n }\n}\n";
    }

    /** The instance's VMAC settings, without where they were written. */
    private static Vmac vmac(ParseResult r, String name) {
        Vmac v = r.config().instance(name).orElseThrow().vmac();
        return new Vmac(v.onInstance(), v.name(), v.mac(), v.xmitBase(), v.forOtherAddresses(), null);
    }

    @Test
    void plainUseVmacTakesTheDefaults() {
        ParseResult r = parse(instance("VI_1", 9, " use_vmac"));
        assertThat(messages(r)).isEmpty();
        assertThat(vmac(r, "VI_1")).isEqualTo(new Vmac(true, null, null, false, false, null));
        assertThat(r.config().global().vmacPrefix()).isEqualTo("vrrp");
        assertThat(r.config().instance("VI_1").orElseThrow().vmac().origin().line()).isEqualTo(4);
        assertThat(parse(instance("VI_1", 9, "")).config().instance("VI_1").orElseThrow().vmac()).isNull();
    }

    @Test
    void nameAndMacInEitherOrder() {
        ParseResult r = parse(instance("VI_1", 9, " use_vmac 02:AB:00:00:00:01 vmac9\n vmac_xmit_base\n use_vmac_addr"));
        assertThat(messages(r)).isEmpty();
        assertThat(vmac(r, "VI_1")).isEqualTo(new Vmac(true, "vmac9", "02:ab:00:00:00:01", true, true, null));
        // Five octets: the VRID is the sixth.
        assertThat(vmac(parse(instance("VI_1", 9, " use_vmac 02:ab:00:00:01")), "VI_1").mac()).isEqualTo("02:ab:00:00:01:09");
    }

    @Test
    void badNamesAndMacsAreReportedAsKeepalivedDoes() {
        ParseResult r = parse(instance("VI_1", 9, " use_vmac this-name-is-too-long\n use_vmac 01:00:00:00:00:01"
                + "\n use_vmac 00:00:5e:00:01:09\n use_vmac 00:zz:00\n use_vmac 0:0:0"));
        assertThat(messages(r)).containsExactly(
                MAIN + ":4: error: VMAC interface name 'this-name-is-too-long' too long or invalid characters - ignoring",
                MAIN + ":5: error: VMAC MAC address is multicast 01:00:00:00:00:01 - ignoring",
                MAIN + ":6: error: VMAC MAC address not allowed to be RFC5798 address (00:00:5e:00:01:09) - ignoring",
                MAIN + ":7: error: VMAC invalid MAC address 00:zz:00",
                MAIN + ":8: error: VMAC invalid MAC address 0:0:0 - ignored");
        assertThat(vmac(r, "VI_1")).isEqualTo(new Vmac(true, null, null, false, false, null));
    }

    @Test
    void aNameTwiceAndANameTakenByAnotherInstance() {
        ParseResult r = parse(instance("VI_1", 9, " use_vmac one\n use_vmac two") + instance("VI_2", 10, " use_vmac one"));
        assertThat(messages(r)).containsExactly(
                MAIN + ":5: error: VMAC interface name already specified",
                MAIN + ":13: error: (VI_2) VRRP instance VI_1 is already using one - ignoring name");
        assertThat(vmac(r, "VI_1").name()).isEqualTo("one");
        assertThat(vmac(r, "VI_2").name()).isNull();
    }

    @Test
    void xmitBaseRules() {
        assertThat(messages(parse(instance("VI_1", 9, " vmac_xmit_base")))).containsExactly(
                MAIN + ":4: error: (VI_1) vmac_xmit_base is only valid with a vmac");
        ParseResult strict = parse(instance("VI_1", 9, " state MASTER\n priority 255\n strict_mode\n use_vmac 02:00:00:00:00:01\n vmac_xmit_base"));
        assertThat(messages(strict)).containsExactly(
                MAIN + ":7: error: (VI_1) cannot specify MAC address with strict mode - clearing",
                MAIN + ":8: error: (VI_1) xmit_base is incompatible with strict mode - resetting");
        assertThat(vmac(strict, "VI_1")).isEqualTo(new Vmac(true, null, null, false, false, null));
        ParseResult unicast = parse(instance("VI_1", 9, " use_vmac\n unicast_peer {\n  192.0.2.200\n }"));
        assertThat(messages(unicast)).containsExactly(
                MAIN + ":4: error: (VI_1) unicast with use_vmac requires vmac_xmit_base - setting");
        assertThat(vmac(unicast, "VI_1").xmitBase()).isTrue();
    }

    @Test
    void promoteSecondariesIsImplied() {
        ParseResult r = parse(instance("VI_1", 9, " use_vmac\n promote_secondaries"));
        assertThat(messages(r)).containsExactly(
                MAIN + ":5: error: (VI_1) promote_secondaries is automatically set for vmacs - ignoring");
        assertThat(r.config().instance("VI_1").orElseThrow().promoteSecondaries()).isFalse();
    }

    @Test
    void perAddressUseVmac() {
        String text = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n use_vmac\n virtual_ipaddress {\n"
                + "  192.0.2.9/24 use_vmac\n  198.51.100.9/24 dev eth1 use_vmac\n }\n}\n";
        ParseResult r = parse(text);
        assertThat(messages(r)).containsExactly(
                MAIN + ":6: error: (VI_1) use_vmac specified for VIP/eVIP 192.0.2.9 and vrrp instance");
        assertThat(r.config().instance("VI_1").orElseThrow().virtualIps().get(1).useVmac()).isTrue();
        ParseResult addr = parse(text.replace(" use_vmac\n virtual", " use_vmac_addr\n virtual"));
        assertThat(messages(addr)).containsExactly(
                MAIN + ":7: error: (VI_1) use_vmac_addr specified and use_vmac specified for VIP/eVIP 198.51.100.9");
        assertThat(vmac(addr, "VI_1")).isEqualTo(new Vmac(false, null, null, false, true, null));
    }

    @Test
    void prefixes() {
        ParseResult r = parse("global_defs {\n vmac_prefix vm\n vmac_prefix again\n}\n" + instance("VI_1", 9, " use_vmac"));
        assertThat(messages(r)).containsExactly(MAIN + ":3: error: vmac prefix has already been specified - ignoring again");
        assertThat(r.config().global().vmacPrefix()).isEqualTo("vm");
        assertThat(r.config().global().vmacAddrPrefix()).isEqualTo("vm");
        ParseResult both = parse("global_defs {\n vmac_prefix vm\n vmac_addr_prefix va\n}\n" + instance("VI_1", 9, " use_vmac"));
        assertThat(both.config().global().vmacAddrPrefix()).isEqualTo("va");
    }

    @Test
    void roundTripsThroughTheWriter() {
        ParseResult r = parse("global_defs {\n vmac_prefix vm\n}\n"
                + instance("VI_1", 9, " use_vmac vmac9 02:ab:00:00:00:01\n vmac_xmit_base\n use_vmac_addr"));
        String dumped = ConfigWriter.write(r.config());
        ParseResult again = parse(dumped);
        assertThat(messages(again)).isEmpty();
        assertThat(vmac(again, "VI_1")).isEqualTo(vmac(r, "VI_1"));
        assertThat(again.config().global().vmacPrefix()).isEqualTo("vm");
    }

    @Test
    void namesAsKeepaliveMakesThem() {
        assertThat(Vmac.name("vrrp", 0, 9)).isEqualTo("vrrp.9");
        assertThat(Vmac.name("vrrp", 1, 255)).isEqualTo("vrrp1.255");
        assertThat(Vmac.name("averyverylongprefix", 0, 255)).isEqualTo("averyverylo.255").hasSize(15);
        assertThat(Vmac.nextNumber(0, AddressFamily.IPV6)).isEqualTo(6);
        assertThat(Vmac.nextNumber(6, AddressFamily.IPV6)).isEqualTo(1);
        assertThat(Vmac.nextNumber(5, AddressFamily.IPV6)).isEqualTo(7);
        assertThat(Vmac.nextNumber(0, AddressFamily.IPV4)).isEqualTo(1);
        assertThat(Vmac.macFor(null, 9, AddressFamily.IPV4)).containsExactly(0, 0, 0x5e, 0, 1, 9);
        assertThat(Vmac.macFor(null, 255, AddressFamily.IPV6)).containsExactly(0, 0, 0x5e, 0, 2, 0xff);
    }
}
