package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The top-level host keywords (instance, net_namespace, garp_group, track_group, linkbeat_*,
 * interface_up_down_delays) and startup_script/shutdown_script, with keepalived 2.2.7's words.
 */
class HostKeywordsTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";
    private static final String INSTANCE = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n"
            + " virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";

    private static ParseResult parse(String text) {
        return ConfigParser.parse(MAIN, new MemorySource().file(MAIN, text + INSTANCE), null);
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static void assertDumpReparses(ParseResult r) {
        String dump = ConfigWriter.write(r.config());
        ParseResult again = ConfigParser.parse(MAIN, new MemorySource().file(MAIN, dump), null);
        assertThat(again.config().host()).isEqualTo(withOrigins(r.config().host(), again.config().host()));
        assertThat(ConfigWriter.write(again.config())).isEqualTo(dump);
    }

    /** Origins differ between a file and its dump; everything else must not. */
    private static HostSettings withOrigins(HostSettings h, HostSettings from) {
        return new HostSettings(h.instanceName(), h.netNamespace(), h.usePidDir(),
                h.garpGroups().stream().map(g -> new GarpGroup(g.garpInterval(), g.gnaInterval(), g.interfaces(),
                        from.garpGroup(g.interfaces().get(0)).orElseThrow().origin())).toList(),
                h.trackGroups().stream().map(t -> new TrackGroup(t.name(), t.instances(), from.trackGroups().stream()
                        .filter(x -> x.name().equals(t.name())).findFirst().orElseThrow().origin())).toList(),
                h.linkDelays().stream().map(d -> new LinkDelay(d.ifname(), d.down(), d.up(),
                        from.linkDelay(d.ifname()).orElseThrow().origin())).toList(),
                h.linkbeatInterfaces(), h.linkbeatUsePolling());
    }

    @Test
    void instanceAndNamespaceNameTheDaemon() {
        ParseResult r = parse("instance redis-a\nnet_namespace blue\n");
        assertThat(r.diagnostics()).isEmpty();
        HostSettings h = r.config().host();
        assertThat(h.instanceName()).isEqualTo("redis-a");
        assertThat(h.netNamespace()).isEqualTo("blue");
        assertThat(h.usePidDir()).isTrue();
        assertDumpReparses(r);
    }

    @Test
    void instanceDuplicatesMissingNamesAndPathsAreRejectedInKeepalivedsWords() {
        ParseResult r = parse("instance\ninstance a\ninstance b\nnet_namespace ../etc\nnet_namespace\n");
        assertThat(messages(r)).containsExactly(
                MAIN + ":1: error: instance name missing - ignoring",
                MAIN + ":3: error: Duplicate instance definition b - ignoring",
                MAIN + ":4: error: net_namespace '../etc' is not a valid name (letters, digits, '.', '_', '-';"
                        + " not starting with '.') - ignoring",
                MAIN + ":5: error: net_namespace name missing - ignoring");
        assertThat(r.config().host().instanceName()).isEqualTo("a");
        assertThat(r.config().host().netNamespace()).isNull();
    }

    @Test
    void instanceInsideGlobalDefsIsUnknownAsInKeepalived() {
        // keepalived/core/global_parser.c installs both with install_keyword_root: "Unknown keyword 'instance'".
        ParseResult r = parse("global_defs {\n instance a\n}\n");
        assertThat(messages(r)).singleElement().asString().startsWith(MAIN + ":2: error: unknown keyword 'instance'");
        assertThat(r.config().host().instanceName()).isNull();
    }

    @Test
    void startupAndShutdownScriptsWithTimeouts() {
        ParseResult r = parse("global_defs {\n startup_script \"/usr/local/bin/up --now\" nobody\n"
                + " startup_script_timeout 30\n shutdown_script /usr/local/bin/down\n}\n");
        assertThat(r.diagnostics()).isEmpty();
        DaemonScript up = r.config().global().startupScript();
        assertThat(up.command().argv()).containsExactly("/usr/local/bin/up", "--now");
        assertThat(up.command().user()).isEqualTo("nobody");
        assertThat(up.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.config().global().shutdownScript().timeout()).isEqualTo(DaemonScript.DEFAULT_TIMEOUT);
        String dump = ConfigWriter.write(r.config());
        assertThat(dump).contains("startup_script \"/usr/local/bin/up --now\" nobody",
                "startup_script_timeout 30", "shutdown_script_timeout 10");
        assertThat(ConfigParser.parse(MAIN, new MemorySource().file(MAIN, dump), null).config().global()
                .startupScript().command().argv()).isEqualTo(up.command().argv());
    }

    @Test
    void scriptTimeoutsOutsideOneToAThousandAndDuplicatesAreErrors() {
        ParseResult r = parse("global_defs {\n startup_script /bin/true\n startup_script /bin/false\n"
                + " startup_script_timeout 0\n shutdown_script_timeout 1001\n shutdown_script_timeout\n"
                + " shutdown_script\n}\n");
        assertThat(messages(r)).containsExactly(
                MAIN + ":3: error: startup script already specified",
                MAIN + ":4: error: startup_script_timeout '0' must be in [1, 1000] - ignoring",
                MAIN + ":5: error: shutdown_script_timeout '1001' must be in [1, 1000] - ignoring",
                MAIN + ":6: error: shutdown_script_timeout requires value",
                MAIN + ":7: error: shutdown script missing");
        assertThat(r.config().global().startupScript().command().argv()).containsExactly("/bin/true");
        assertThat(r.config().global().shutdownScript()).isNull();
    }

    @Test
    void garpGroupsShareTheirGapsAndAnInterfaceBelongsToOne() {
        ParseResult r = parse("garp_group {\n garp_interval 0.01\n gna_interval 0.5\n interfaces { eth0 eth1 }\n}\n"
                + "garp_group {\n garp_interval 1\n interface eth1\n interface eth2\n}\n");
        assertThat(messages(r)).containsExactly(MAIN + ":8: error: garp_group already specified for eth1 - ignoring");
        HostSettings h = r.config().host();
        assertThat(h.garpGroup("eth1").orElseThrow().garpInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(h.garpGroup("eth0").orElseThrow().gnaInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(h.garpGroup("eth2").orElseThrow().garpInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.garpGroup("eth2").orElseThrow().gnaInterval()).isZero();
        assertDumpReparses(r);
    }

    @Test
    void garpGroupWithoutAGapIsRemovedAndBadGapsAreReported() {
        ParseResult r = parse("garp_group {\n interface eth0\n}\ngarp_group {\n garp_interval x\n gna_interval -1\n"
                + " interfaces {\n }\n}\n");
        assertThat(messages(r)).containsExactly(
                MAIN + ":1: error: garp group 0 does not have any delay set - removing",
                MAIN + ":4: error: garp group 0 does not have any delay set - removing",
                MAIN + ":5: error: garp_group garp_interval 'x' invalid",
                MAIN + ":6: error: garp_group gna_interval '-1' invalid",
                MAIN + ":7: error: Warning - empty garp_group interfaces block");
        assertThat(r.config().host().garpGroups()).isEmpty();
    }

    @Test
    void trackGroupKeepsExistingMembers() {
        ParseResult r = parse("track_group TG {\n group { VI_1 NOPE }\n}\ntrack_group TG {\n}\ntrack_group {\n}\n"
                + "track_group EMPTY {\n group {\n }\n}\n");
        assertThat(messages(r)).containsExactly(
                MAIN + ":2: warning: vrrp instance NOPE specified in track group TG doesn't exist - ignoring",
                MAIN + ":4: error: track_group TG already defined",
                MAIN + ":6: error: track_group must have a name - skipping",
                MAIN + ":8: warning: Static track group EMPTY has no VRRP instance(s) - removing",
                MAIN + ":9: error: Warning - track group EMPTY has empty group block");
        assertThat(r.config().host().trackGroups()).singleElement()
                .satisfies(t -> assertThat(t.instances()).containsExactly("VI_1"));
    }

    private static List<String> interfaceTrackers(ParseResult r, String instance) {
        return r.config().instance(instance).orElseThrow().tracking().interfaces().stream()
                .map(t -> t.name() + "/" + t.weight()).toList();
    }

    @Test
    void membersOfATrackGroupTrackTheInterfacesOfTheStaticLinesNamingIt() {
        String text = "track_group TG {\n group { VI_1 }\n}\n"
                + "static_ipaddress {\n 198.51.100.1/32 dev eth1 track_group TG\n 198.51.100.2/32 dev eth4 track_group TG"
                + " no_track\n 198.51.100.3/32 track_group TG\n 198.51.100.4/32 dev eth5 track_group NOPE\n}\n"
                + "static_routes {\n 198.51.100.128/25 dev eth2 track_group TG\n"
                + " 198.51.100.64/26 via 192.0.2.1 track_group TG\n}\n"
                + "static_rules {\n from 198.51.100.0/24 iif eth3 table 100 priority 100 track_group TG\n"
                + " from 198.51.100.0/24 table 100 priority 101 track_group TG\n}\n"
                + "vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 10\n track_interface {\n  eth1 weight 10\n }\n"
                + " virtual_ipaddress {\n  192.0.2.10/24\n }\n}\n"
                + "vrrp_instance VI_3 {\n interface eth0\n virtual_router_id 11\n track_interface {\n  eth1 weight 10\n }\n"
                + " virtual_ipaddress {\n  192.0.2.11/24\n }\n}\n";
        ParseResult r = parse(text.replace("group { VI_1 }", "group { VI_1 VI_2 }"));
        assertThat(messages(r)).containsExactly(
                MAIN + ":6: warning: Static address has both track_group and no_track set - not tracking",
                MAIN + ":7: error: Static route cannot have track_group if interface not specified",
                MAIN + ":8: error: track_group NOPE not found",
                MAIN + ":12: error: static_routes: Warning - cannot track route 198.51.100.64/26 with no interface"
                        + " specified, not tracking",
                MAIN + ":12: error: Static route cannot have track group if no oif specified",
                MAIN + ":16: error: Static rule cannot have track_group if dev/iif not specified");
        // A member: every such interface at weight 0 (FAULT while down), a weighted one made 0.
        assertThat(interfaceTrackers(r, "VI_1")).containsExactly("eth1/0", "eth2/0", "eth3/0");
        assertThat(interfaceTrackers(r, "VI_2")).containsExactly("eth1/0", "eth2/0", "eth3/0");
        // Not a member: its own track_interface as written.
        assertThat(interfaceTrackers(r, "VI_3")).containsExactly("eth1/10");
        assertThat(r.config().statics().addresses()).hasSize(4);
        assertThat(r.config().statics().routes()).hasSize(2);
    }

    @Test
    void aTrackGroupMustBeDefinedAboveTheLineNamingIt() {
        ParseResult r = parse("static_ipaddress {\n 198.51.100.1/32 dev eth1 track_group TG track_group TG\n}\n"
                + "track_group TG {\n group { VI_1 }\n}\n");
        assertThat(messages(r)).containsExactly(MAIN + ":2: error: track_group TG not found",
                MAIN + ":2: error: track_group TG not found");
        assertThat(interfaceTrackers(r, "VI_1")).isEmpty();
    }

    @Test
    void linkbeatIsParsed() {
        ParseResult r = parse("linkbeat_interfaces {\n eth0 MII\n eth1 FOO\n}\n");
        assertThat(messages(r)).containsExactly(MAIN + ":3: error: extra characters FOO in linkbeat interface");
        assertThat(r.config().host().linkbeatInterfaces()).containsExactly("eth0", "eth1");
        ParseResult polling = parse("linkbeat_use_polling\n");
        assertThat(polling.config().host().linkbeatUsePolling()).isTrue();
        assertThat(messages(polling)).isEmpty();
    }

    @Test
    void interfaceUpDownDelaysAreSecondsUpTo255() {
        ParseResult r = parse("interface_up_down_delays {\n eth0 2.5 1\n eth1 3\n eth2\n eth3 300\n eth4 1 2 3\n}\n");
        assertThat(messages(r)).containsExactly(
                MAIN + ":4: warning: No timeouts specified for eth2 up/down delays",
                MAIN + ":5: error: eth3 '300' is not valid - must be between 0 and 255 seconds",
                MAIN + ":6: warning: Too many parameters for eth4 up/down delays");
        HostSettings h = r.config().host();
        assertThat(h.linkDelay("eth0").orElseThrow().down()).isEqualTo(Duration.ofMillis(2500));
        assertThat(h.linkDelay("eth0").orElseThrow().up()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.linkDelay("eth1").orElseThrow().up()).isZero();
        assertThat(h.linkDelay("eth3")).isEmpty();
        assertDumpReparses(r);
    }
}
