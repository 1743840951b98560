package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The classes of findings keepalived 2.2.7 counts as configuration errors ({@code -t} exit 5)
 * although it runs on: each must be an error here too, in keepalived's words, and the value must
 * be corrected as keepalived corrects it. And a misspelt block is checked as the block it
 * resembles, without being used.
 */
class KeepalivedErrorClassesTest {
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

    @Test
    void deprecatedInstanceKeywordsAreErrors() {
        ParseResult r = parse(instance("VI_1", 9, " lvs_sync_daemon_interface eth0\n linkbeat_use_polling\n"
                + " vmac_garp_intvl 10"));
        assertThat(messages(r)).containsExactly(
                MAIN + ":4: error: (VI_1) Specifying lvs_sync_daemon_interface against a vrrp is deprecated."
                        + " Please use global lvs_sync_daemon - ignored",
                MAIN + ":5: error: (VI_1) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces"
                        + " block - ignored",
                MAIN + ":6: error: (VI_1) Keyword \"vmac_garp_intvl\" is deprecated - please use \"garp_extra_if\"");
        assertThat(r.config().instances()).hasSize(1);
        // keepalived still applies vmac_garp_intvl as garp_extra_if (vrrp_parser.c: vrrp_garp_extra_if_handler()).
        assertThat(r.config().instances().get(0).garp().extraIf()).hasSeconds(10);
    }

    @Test
    void linkbeatUsePollingAtTopLevelIsFine() {
        ParseResult r = parse("linkbeat_use_polling\n" + instance("VI_1", 9, ""));
        assertThat(messages(r)).isEmpty();
        assertThat(r.config().host().linkbeatUsePolling()).isTrue();
    }

    @Test
    void globalTrackingIsAnErrorYetMeansSyncGroupTrackingWeight() {
        ParseResult r = parse(instance("VI_1", 9, "") + instance("VI_2", 10, "")
                + "vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n global_tracking\n}\n");
        assertThat(messages(r)).containsExactly(MAIN + ":22: error: (G) global_tracking is deprecated."
                + " Use track_interface/script/file on the sync group (or sync_group_tracking_weight, which it means)");
        assertThat(r.config().syncGroups().get(0).syncGroupTrackingWeight()).isTrue();
    }

    @Test
    void syncGroupWithOneMemberIsAnError() {
        ParseResult r = parse(instance("VI_1", 9, "") + "vrrp_sync_group G {\n group {\n  VI_1\n }\n}\n");
        assertThat(messages(r)).containsExactly(MAIN + ":9: error: Sync group G has only 1 virtual router(s)"
                + " - this probably isn't what you want");
        assertThat(r.config().syncGroups()).hasSize(1);
    }

    @Test
    void vipsBeyondAnAdvertAreAnErrorAndMovedToExcluded() {
        String v6 = IntStream.rangeClosed(1, 90).mapToObj(i -> "  2001:db8::" + Integer.toHexString(i) + "/128")
                .collect(Collectors.joining("\n"));
        ParseResult r = parse("vrrp_instance VI_6 {\n interface eth0\n virtual_router_id 6\n virtual_ipaddress {\n"
                + v6 + "\n }\n}\n");
        assertThat(messages(r)).containsExactly(MAIN + ":94: error: (VI_6) Number of VIPs (90) exceeds maximum/space"
                + " available in packet (max 89 addresses) - excess moved to eVIPs (managed but not advertised)");
        assertThat(r.config().instances().get(0).virtualIps()).hasSize(89);
        assertThat(r.config().instances().get(0).excludedIps()).hasSize(1);

        assertThat(CrossChecks.maxAdvertisedVips(AddressFamily.IPV4, 2)).isEqualTo(255);
        assertThat(CrossChecks.maxAdvertisedVips(AddressFamily.IPV6, 3)).isEqualTo(89);
    }

    @Test
    void correctedValuesAreErrorsInKeepalivedsWords() {
        assertThat(messages(parse(instance("VI_1", 9, " advert_int 1.5")))).containsExactly(
                MAIN + ":1: error: (VI_1) VRRPv2 advertisement interval 1.5s must be an integer. rounding to 2s");
        assertThat(messages(parse(instance("VI_1", 9, " version 3\n advert_int 0.125")))).containsExactly(
                MAIN + ":1: error: (VI_1) VRRPv3 advertisement interval 0.125s must be in units of 10ms - rounding to"
                        + " 0.13s");
        assertThat(messages(parse(instance("VI_1", 9, " authentication {\n  auth_type PASS\n  auth_pass 123456789\n }"))))
                .containsExactly(MAIN + ":4: error: (VI_1) Truncating auth_pass to 8 characters");
        assertThat(messages(parse(instance("VI_1", 9, " unicast_src_ip 192.0.2.1")))).containsExactly(
                MAIN + ":4: error: (VI_1) A unicast keyword has been specified without any unicast peers. Defaulting"
                        + " to multicast. This usage is deprecated - please update your configuration.");
        assertThat(messages(parse(instance("VI_1", 9, " state MASTER\n priority 200\n preempt_delay 5")))).containsExactly(
                MAIN + ":6: error: (VI_1) Warning - preempt delay will not work with initial state MASTER - clearing");
        assertThat(messages(parse(instance("VI_1", 9, " track_interface {\n  eth1\n  eth1\n }")))).containsExactly(
                MAIN + ":6: error: (VI_1) duplicate track_interface eth1 - ignoring");
        assertThat(messages(parse("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n}\n"))).containsExactly(
                MAIN + ":1: error: (VI_1) No VIP specified; at least one is sensible");
    }

    @Test
    void strictModeResetsAreErrorsOnlyWhenSomethingIsReset() {
        String strict = "global_defs {\n vrrp_strict\n}\n";
        assertThat(messages(parse(strict + instance("VI_1", 9, " garp_lower_prio_repeat 0")))).isEmpty();
        assertThat(messages(parse(strict + instance("VI_1", 9, " garp_lower_prio_repeat 2")))).containsExactly(
                MAIN + ":7: error: (VI_1) Strict mode requires no repeat garps (garp_lower_prio_*). resetting");
    }

    @Test
    void nativeIpv6MakesTheInstanceIpv6() {
        ParseResult r = parse(instance("VI_1", 9, " native_ipv6"));
        assertThat(r.hasErrors()).isTrue();
        assertThat(messages(r)).anyMatch(m -> m.contains("address family must match VRRP instance"));
        assertThat(r.config().instances()).isEmpty(); // v3 without a VIP of its family
    }

    @Test
    void misspeltTopLevelBlockIsCheckedButNotUsed() {
        ParseResult r = parse("Vrrp_instance VI_1 {\n interface eth0\n virtual_routr_id 9\n priorty 100\n}\n"
                + instance("VI_2", 10, ""));
        assertThat(messages(r)).containsExactly(
                MAIN + ":1: error: unknown keyword 'Vrrp_instance' (its block is checked as 'vrrp_instance' but not"
                        + " used) - did you mean 'vrrp_instance'?",
                MAIN + ":1: error: (VI_1) the virtual router id must be set - instance removed",
                MAIN + ":3: error: unknown keyword 'virtual_routr_id' in vrrp_instance VI_1 - did you mean"
                        + " 'virtual_router_id'?",
                MAIN + ":4: error: unknown keyword 'priorty' in vrrp_instance VI_1 - did you mean 'priority'?");
        assertThat(r.config().instances()).extracting(InstanceSpec::name).containsExactly("VI_2");
    }

    @Test
    void misspeltNestedBlockIsCheckedButNotUsed() {
        ParseResult r = parse("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n"
                + " Virtual_ipaddress {\n  192.0.2.300/24\n }\n virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n");
        assertThat(messages(r)).hasSize(2);
        assertThat(messages(r).get(0)).isEqualTo(MAIN + ":4: error: unknown keyword 'Virtual_ipaddress' in"
                + " vrrp_instance VI_1 (its block is checked as 'virtual_ipaddress' but not used) - did you mean"
                + " 'virtual_ipaddress'?");
        assertThat(messages(r).get(1)).startsWith(MAIN + ":5: error:").contains("192.0.2.300");
        assertThat(r.config().instances().get(0).virtualIps()).extracting(VirtualIp::cidr)
                .containsExactly("192.0.2.9/24");
    }

    @Test
    void misspeltSyncGroupAndScriptBlocksAreChecked() {
        ParseResult r = parse("vrrp_scrpt chk {\n script /bin/true\n intervall 2\n}\n" + instance("VI_1", 9, ""));
        assertThat(messages(r)).contains(MAIN + ":3: error: unknown keyword 'intervall' in vrrp_script chk"
                + " - did you mean 'interval'?");
        assertThat(r.config().scripts()).isEmpty();

        // The slip of a script defined for real is checked on its own, not as a redefinition.
        ParseResult twice = parse("vrrp_script chk {\n script /bin/true\n}\nVrrp_script chk {\n script /bin/true\n}\n"
                + instance("VI_1", 9, " track_script {\n  chk\n }"));
        assertThat(messages(twice)).containsExactly(MAIN + ":4: error: unknown keyword 'Vrrp_script' (its block is"
                + " checked as 'vrrp_script' but not used) - did you mean 'vrrp_script'?");
    }
}
