package org.keepvip.vrrp.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** vrrp_track_host and track_host: parsing, defaults, the checks check-config reports, the dump. */
class TrackHostTest {
    private static final String MAIN = "/etc/keepvip/keepalived.conf";

    private static ParseResult parse(String text) {
        return ConfigParser.parse(MAIN, new MemorySource().file(MAIN, text), null);
    }

    private static List<String> messages(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).toList();
    }

    private static String instance(String body) {
        return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n" + body
                + "\n virtual_ipaddress {\n  192.0.2.9/24\n }\n}\n";
    }

    private static final String TRACKED = instance(" track_host {\n  gw\n }");

    @Test
    void fullBlockIsParsedAndTrackedWithItsWeight() {
        ParseResult r = parse("""
                vrrp_track_host gw {
                    address 192.0.2.1
                    interface eth0
                    method arp
                    interval 0.2
                    timeout 0.1
                    rise 2
                    fall 4
                    weight -30 reverse
                }
                """ + TRACKED);
        assertThat(messages(r)).isEmpty();
        TrackHost h = r.config().trackHost("gw").orElseThrow();
        assertThat(h.address().getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(h.interfaceName()).isEqualTo("eth0");
        assertThat(h.method()).isEqualTo(TrackHost.Method.ARP);
        assertThat(h.interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(h.timeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(h.rise()).isEqualTo(2);
        assertThat(h.fall()).isEqualTo(4);
        assertThat(h.weight()).isEqualTo(-30);
        assertThat(h.reverse()).isTrue();
        Tracked t = r.config().instances().get(0).tracking().hosts().get(0);
        assertThat(t).extracting(Tracked::name, Tracked::weight, Tracked::reverse).containsExactly("gw", -30, true);
    }

    @Test
    void defaultsAreIcmpEverySecondFallThreeAndFault() {
        ParseResult r = parse("vrrp_track_host w {\n address 2001:db8::1\n}\n"
                + instance(" track_host {\n  w weight -10\n }"));
        assertThat(messages(r)).isEmpty();
        TrackHost h = r.config().trackHost("w").orElseThrow();
        assertThat(h.method()).isEqualTo(TrackHost.Method.ICMP);
        assertThat(h.ipv6()).isTrue();
        assertThat(h.interfaceName()).isNull();
        assertThat(h.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.timeout()).as("the interval").isEqualTo(Duration.ofSeconds(1));
        assertThat(h.rise()).isEqualTo(1);
        assertThat(h.fall()).isEqualTo(3);
        assertThat(h.weight()).isZero();
        assertThat(r.config().instances().get(0).tracking().hosts().get(0).weight()).as("the instance's override")
                .isEqualTo(-10);
    }

    @Test
    void eachMistakeIsAClearErrorOnItsLine() {
        ParseResult r = parse("""
                vrrp_track_host a {
                    address 2001:db8::1
                    interface eth0
                    method arp
                }
                vrrp_track_host b {
                    address 192.0.2.1
                    method nd
                    interface eth0
                }
                vrrp_track_host c {
                    address 192.0.2.1
                    method arp
                }
                vrrp_track_host d {
                    interface eth0
                }
                vrrp_track_host e {
                    address 127.0.0.1
                }
                vrrp_track_host f {
                    address 192.0.2.1
                    method ping6
                    interval 0
                    timeout 2
                    rise 0
                    weight 300
                    port 7
                }
                vrrp_track_host g {
                    address fe80::1
                }
                """ + instance(" track_host {\n  a\n  gx\n }"));
        assertThat(messages(r)).containsExactlyInAnyOrder(
                MAIN + ":4: error: vrrp_track_host a: method arp probes IPv4 addresses only - use nd (or icmp) for"
                        + " 2001:db8::1 - removing",
                MAIN + ":8: error: vrrp_track_host b: method nd probes IPv6 addresses only - use arp (or icmp) for"
                        + " 192.0.2.1 - removing",
                MAIN + ":13: error: vrrp_track_host c: method arp needs an interface (the link the neighbour is on)"
                        + " - removing",
                MAIN + ":15: error: vrrp_track_host d has no address - removing (add: address GATEWAY_IP)",
                MAIN + ":19: error: vrrp_track_host e: address 127.0.0.1 cannot be probed (a loopback address)"
                        + " - give the gateway's or witness's own address",
                MAIN + ":23: error: vrrp_track_host f: unknown method 'ping6' (expected arp, nd or icmp)",
                MAIN + ":24: error: interval '0' is not valid - must be between 0.01 and 3600 seconds",
                MAIN + ":25: error: vrrp_track_host f: timeout 2 s is longer than interval 1 s (one probe at a time)"
                        + " - using 1",
                MAIN + ":26: error: rise '0' is not valid - must be between 1 and 1000",
                MAIN + ":27: error: weight '300' is not valid - must be between -254 and 254",
                MAIN + ":28: error: unknown keyword 'port' in vrrp_track_host f",
                MAIN + ":31: error: vrrp_track_host g: the link-local address fe80::1 needs an interface - removing",
                MAIN + ":38: error: (VI_1) track_host gx not found, ignoring... (define it with vrrp_track_host gx"
                        + " { address ... })");
        assertThat(r.config().trackHosts()).as("each block has an error that removes it").isEmpty();
        // a, which an error removed, is not reported a second time where VI_1 tracks it.
        assertThat(messages(r)).noneMatch(m -> m.contains("track_host a "));
        assertThat(r.config().instances().get(0).tracking().hosts()).isEmpty();
    }

    @Test
    void anUnusedTrackerIsAWarningAndASyncGroupCarriesItsHosts() {
        ParseResult unused = parse("vrrp_track_host gw {\n address 192.0.2.1\n}\n" + instance(""));
        assertThat(messages(unused)).containsExactly(MAIN + ":1: warning: Warning - vrrp_track_host gw is not used"
                + " (add track_host { gw } to a vrrp_instance or vrrp_sync_group)");
        assertThat(unused.config().trackHosts()).isEmpty();

        ParseResult r = parse("vrrp_track_host gw {\n address 192.0.2.1\n weight -20\n}\n" + instance("")
                + "vrrp_sync_group G {\n group {\n  VI_1\n }\n track_host {\n  gw\n }\n}\n");
        assertThat(r.config().syncGroups().get(0).tracking().hosts()).extracting(Tracked::name).containsExactly("gw");
        assertThat(r.config().trackHosts()).hasSize(1);
    }

    @Test
    void aSyncGroupWithoutTrackingWeightZeroesTheInstancesHostWeight() {
        ParseResult r = parse("vrrp_track_host gw {\n address 192.0.2.1\n}\n"
                + instance(" track_host {\n  gw weight -20\n }")
                + instance(" track_host {\n  gw\n }").replace("VI_1", "VI_2").replace("router_id 9", "router_id 8")
                        .replace("192.0.2.9", "192.0.2.8")
                + "vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n}\n");
        assertThat(r.config().instance("VI_1").orElseThrow().tracking().hosts().get(0).weight()).isZero();
        assertThat(messages(r)).anyMatch(m -> m.contains("ignoring weight of tracker gw due to SYNC group"));
    }

    @Test
    void writerOutputParsesBackToTheSameTracker() {
        ParseResult r = parse("vrrp_track_host gw {\n address 2001:db8::1\n interface eth0\n method nd\n"
                + " interval 0.5\n timeout 0.25\n rise 3\n fall 2\n weight 7 reverse\n}\n" + TRACKED);
        assertThat(messages(r)).isEmpty();
        String dump = ConfigWriter.write(r.config());
        assertThat(dump).contains("vrrp_track_host gw {", "method nd", "track_host {");
        ParseResult again = parse(dump);
        assertThat(messages(again)).isEmpty();
        assertThat(again.config().trackHost("gw").orElseThrow()).usingRecursiveComparison().ignoringFields("origin")
                .isEqualTo(r.config().trackHost("gw").orElseThrow());
        assertThat(again.config().instances().get(0).tracking().hosts()).usingRecursiveComparison()
                .ignoringFields("origin").isEqualTo(r.config().instances().get(0).tracking().hosts());
    }
}
