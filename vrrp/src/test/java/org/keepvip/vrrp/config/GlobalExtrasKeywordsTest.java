package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** default_interface, state/stats_dump_file, data_use_instance, umask and the netlink buffers, in keepalived's words. */
class GlobalExtrasKeywordsTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";
    private static final String INSTANCE = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n"
            + " virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";

    private static ParseResult parse(String globals) {
        return parseFile("global_defs {\n" + globals + "}\n" + INSTANCE);
    }

    private static ParseResult parseFile(String text) {
        return ConfigParser.parse(MAIN, new MemorySource().file(MAIN, text), null);
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static GlobalExtras extras(ParseResult r) {
        return r.config().global().extras();
    }

    @Test
    void withoutTheKeywordsNothingChanges() {
        ParseResult r = parseFile("static_ipaddress {\n 192.0.2.50/24\n}\n" + INSTANCE);
        assertThat(r.diagnostics()).isEmpty();
        assertThat(extras(r)).isEqualTo(GlobalExtras.DEFAULT);
        assertThat(r.config().statics().addresses()).singleElement()
                .satisfies(v -> assertThat(v.device()).isEqualTo("eth0"));
    }

    @Test
    void everyKeywordIsReadAndSurvivesTheDump() {
        ParseResult r = parse(" default_interface bond0\n state_dump_file /var/tmp/kv.data\n"
                + " stats_dump_file stats/kv.stats\n data_use_instance\n umask 027\n vrrp_netlink_cmd_rcv_bufs 4194304\n"
                + " vrrp_netlink_cmd_rcv_bufs_force\n vrrp_netlink_monitor_rcv_bufs 8388608\n"
                + " vrrp_netlink_monitor_rcv_bufs_force off\n fifo_write_vrrp_states_on_reload\n reload_file /run/kv.reload\n");
        assertThat(r.diagnostics()).isEmpty();
        GlobalExtras x = extras(r);
        assertThat(x).isEqualTo(new GlobalExtras("bond0", new DumpFiles("/var/tmp/kv.data", "stats/kv.stats", true),
                027, new NetlinkBuffers(4_194_304, true, 8_388_608, false), true, "/run/kv.reload"));
        String dump = ConfigWriter.write(r.config());
        assertThat(dump).contains("default_interface bond0", "state_dump_file /var/tmp/kv.data",
                "stats_dump_file stats/kv.stats", "data_use_instance", "umask 027", "vrrp_netlink_cmd_rcv_bufs 4194304",
                "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs 8388608",
                "fifo_write_vrrp_states_on_reload", "reload_file /run/kv.reload")
                .doesNotContain("vrrp_netlink_monitor_rcv_bufs_force");
        assertThat(extras(parseFile(dump))).isEqualTo(x);
    }

    @Test
    void processMonitorBuffersAreReadAsKeepalivedReadsThem() {
        ParseResult r = parse(" process_monitor_rcv_bufs 500000\n process_monitor_rcv_bufs_force\n");
        assertThat(r.diagnostics()).isEmpty();
        NetlinkBuffers n = extras(r).netlink();
        assertThat(n.processBytes()).isEqualTo(500_000);
        assertThat(n.processForce()).isTrue();
        String dump = ConfigWriter.write(r.config());
        assertThat(dump).contains("process_monitor_rcv_bufs 500000", "process_monitor_rcv_bufs_force");
        assertThat(extras(parseFile(dump)).netlink()).isEqualTo(n);
        ParseResult bad = parse(" process_monitor_rcv_bufs lots\n process_monitor_rcv_bufs_force maybe\n");
        assertThat(messages(bad)).anyMatch(m -> m.contains("process_monitor_rcv_bufs size (lots) invalid"))
                .anyMatch(m -> m.contains("Invalid value 'maybe' for global process_monitor_rcv_bufs_force specified"));
        assertThat(extras(bad).netlink().processBytes()).isZero();
    }

    @Test
    void reloadTimeFileAndRepeatAreReadAndSurviveTheDump() {
        ParseResult r = parse(" reload_time_file /run/keepvip/reload.time\n reload_repeat\n disable_local_igmp\n");
        assertThat(r.diagnostics()).isEmpty();
        assertThat(extras(r).disableLocalIgmp()).isTrue();
        assertThat(extras(r).reloadTimeFile()).isEqualTo("/run/keepvip/reload.time");
        assertThat(extras(r).reloadRepeat()).isTrue();
        String dump = ConfigWriter.write(r.config());
        assertThat(dump).contains("reload_time_file /run/keepvip/reload.time", "reload_repeat", "disable_local_igmp");
        assertThat(extras(parseFile(dump))).isEqualTo(extras(r));
        assertThat(messages(parse(" reload_time_file\n"))).anyMatch(m -> m.contains("is missing a parameter")
                || m.contains("reload_time_file invalid"));
        assertThat(messages(parse(" reload_time_file /a /b\n"))).anyMatch(m -> m.contains("reload_time_file invalid"));
    }

    @Test
    void defaultInterfaceServesStaticAddressesWithoutDevFromWhereItIsSet() {
        ParseResult r = parseFile("static_ipaddress {\n 192.0.2.50/24\n}\n"
                + "global_defs {\n default_interface br0\n}\n"
                + "static_ipaddress {\n 192.0.2.51/24\n 192.0.2.52/24 dev eth1\n}\n" + INSTANCE);
        assertThat(r.diagnostics()).isEmpty();
        // keepalived resolves the default when it reads the address: an earlier line keeps eth0
        assertThat(r.config().statics().addresses()).extracting(VirtualIp::device)
                .containsExactly("eth0", "br0", "eth1");
        // virtual_ipaddress without dev still follows its instance's interface
        assertThat(r.config().instances().get(0).virtualIps()).extracting(VirtualIp::device).containsOnlyNulls();
    }

    @Test
    void umaskTakesNumbersAndSymbols() {
        assertThat(extras(parse(" umask 0077\n")).umask()).isEqualTo(077);
        assertThat(extras(parse(" reload_file\n")).reloadFile()).as("reload_file without a name").isEmpty();
        assertThat(extras(parse(" umask 0x12\n")).umask()).isEqualTo(0x12);
        assertThat(extras(parse(" umask 18\n")).umask()).isEqualTo(18);
        assertThat(extras(parse(" umask IWGRP|IWOTH\n")).umask()).isEqualTo(022);
        assertThat(extras(parse(" umask IRWXU\n")).umask()).isNull();
        assertThat(extras(parse(" umask IWGRP | IROTH |IWOTH\n")).umask()).isEqualTo(026);
    }

    @Test
    void badValuesGetKeepalivedsErrorsAndLeaveTheDefaults() {
        ParseResult r = parse(" default_interface\n state_dump_file\n stats_dump_file a b\n data_use_instance maybe\n"
                + " umask\n umask 0800\n umask 022 x\n umask IWGRP IWOTH\n umask IWGRP|IXALL\n umask IWGRP|\n"
                + " vrrp_netlink_cmd_rcv_bufs\n vrrp_netlink_monitor_rcv_bufs -1\n vrrp_netlink_cmd_rcv_bufs 0\n"
                + " vrrp_netlink_cmd_rcv_bufs_force sometimes\n");
        assertThat(messages(r)).containsExactly(
                MAIN + ":2: error: default_interface requires interface name",
                MAIN + ":3: error: state_dump_file requires a non-empty path",
                MAIN + ":4: error: stats_dump_file requires a non-empty path",
                MAIN + ":5: error: Invalid value 'maybe' for global date_use_instance specified",
                MAIN + ":6: error: Missing parameter(s) to umask option",
                MAIN + ":7: error: invalid umask value 0800",
                MAIN + ":8: error: Extra parameter(s) to umask option",
                MAIN + ":9: error: Invalid umask syntax IWOTH",
                MAIN + ":10: error: Unknown umask bit IXALL",
                MAIN + ":11: error: umask missing bit value",
                MAIN + ":12: error: vrrp_netlink_cmd_rcv_bufs size missing",
                MAIN + ":13: error: vrrp_netlink_monitor_rcv_bufs size (-1) invalid",
                MAIN + ":15: error: Invalid value 'sometimes' for global vrrp_netlink_cmd_rcv_bufs_force specified");
        assertThat(extras(r)).isEqualTo(GlobalExtras.DEFAULT);
    }

    @Test
    void theJsonDumpKeywordsStayUnsupported() {
        ParseResult r = parse(" json_dump_file /tmp/kv.json\n json_version 2\n");
        assertThat(messages(r)).containsExactly(
                MAIN + ":2: warning: 'json_dump_file' has no effect in keepvip - ignored (a keepalived 2.3 keyword:"
                        + " keepvip status --json returns the same data at any time)",
                MAIN + ":3: warning: 'json_version' has no effect in keepvip - ignored (a keepalived 2.3 keyword:"
                        + " keepvip status --json returns the same data at any time)");
    }
}
