package org.keepvip.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.cli.KeepvipCommand;

/** check-config's options, the shipped samples, and inputs that must not break it. */
class CheckConfigCommandTest {
    @RegisterExtension
    static final CorpusScripts scripts = new CorpusScripts();

    private static CorpusSupport.Run run(String... args) {
        return CorpusSupport.run(scripts.checker(), args);
    }

    @Test
    void shippedSamplesAreSilentAndValid() throws IOException {
        Path etc = Path.of("../etc").toAbsolutePath().normalize();
        try (var s = Files.list(etc)) {
            // keepalived.conf.sample is the packages' conffile: it configures nothing on purpose and so
            // warns; packaging's PackageFilesTest checks it.
            var samples = s.filter(p -> p.getFileName().toString().startsWith("keepalived.conf"))
                    .filter(p -> !p.getFileName().toString().endsWith(".sample")).sorted().toList();
            assertThat(samples).hasSizeGreaterThanOrEqualTo(4);
            for (Path p : samples) {
                CorpusSupport.Run r = CorpusSupport.run(ConfigChecker.forHost(), "-f", p.toString());
                assertThat(r.err()).as(p.toString()).isEmpty();
                assertThat(r.out()).as(p.toString()).isEmpty();
                assertThat(r.exit()).as(p.toString()).isZero();
            }
        }
    }

    @Test
    void missingFileIsFatal() {
        CorpusSupport.Run r = run("-f", "/nonexistent/keepvip-test/keepalived.conf");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).isEqualTo("/nonexistent/keepvip-test/keepalived.conf:0: error: Configuration file"
                + " '/nonexistent/keepvip-test/keepalived.conf' does not exist\n");
    }

    @Test
    void registeredInTheRootCommand() {
        assertThat(KeepvipCommand.newCommandLine().getSubcommands()).containsKey("check-config");
    }

    @Test
    void jsonCarriesModelAndDiagnosticsButNoPassword() {
        CorpusSupport.Run r = run("-f", CorpusSupport.DIR.resolve("valid-redis-pair-node1.conf").toString(), "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(o.get("exitCode").getAsInt()).isZero();
        JsonObject vi = o.getAsJsonObject("config").getAsJsonArray("instances").get(0).getAsJsonObject();
        assertThat(vi.get("vrid").getAsInt()).isEqualTo(51);
        assertThat(vi.keySet()).as("one flat object per instance, in the order tools read")
                .startsWith("name", "state", "interfaceName", "vrid", "priority", "version", "family", "advertInterval")
                .contains("virtualIps", "tracking", "garp", "advert", "strict", "origin")
                .doesNotContain("router", "timing", "wire", "addressing", "modes");
        assertThat(vi.get("advertInterval").getAsBigDecimal()).isEqualByComparingTo("1");
        assertThat(vi.getAsJsonArray("virtualIps").get(0).getAsJsonObject().get("address").getAsString())
                .isEqualTo("192.0.2.100");
        assertThat(r.out()).doesNotContain("k33pv1p");

        CorpusSupport.Run bad = run("-f", CorpusSupport.DIR.resolve("err-priority-0.conf").toString(), "--json");
        assertThat(bad.exit()).isEqualTo(5);
        JsonObject d = JsonParser.parseString(bad.out()).getAsJsonObject().getAsJsonArray("diagnostics").get(0).getAsJsonObject();
        assertThat(d.get("line").getAsInt()).isEqualTo(4);
        assertThat(d.get("severity").getAsString()).isEqualTo("error");
    }

    /** --dump writes keepalived syntax that parses again to the same effective configuration. */
    @Test
    void dumpRoundTrips(@TempDir Path tmp) throws IOException {
        for (Path conf : CorpusSupport.confFiles()) {
            if (!conf.getFileName().toString().startsWith("valid-")) {
                continue;
            }
            CorpusSupport.Run first = run("-f", conf.toString(), "--dump", "-i", "node2");
            assertThat(first.out()).as(conf.toString()).contains("global_defs {");
            Path dumped = tmp.resolve(conf.getFileName());
            Files.writeString(dumped, first.out());
            CorpusSupport.Run second = run("-f", dumped.toString(), "--dump");
            assertThat(second.out()).as(conf.toString()).isEqualTo(first.out());
            assertThat(second.exit()).as(conf.toString()).isEqualTo(first.exit());
        }
    }

    @Test
    void interfaceCheckIsOptIn(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("k.conf");
        Files.writeString(f, "vrrp_instance VI_1 {\n interface kvnoexist0\n virtual_router_id 1\n"
                + " virtual_ipaddress {\n  192.0.2.1\n }\n}\n");
        assertThat(run("-f", f.toString()).exit()).isZero();
        CorpusSupport.Run r = run("-f", f.toString(), "--check-interfaces");
        // keepalived -t exits 5: its per-name error outranks the bad-interface status.
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.err()).isEqualTo(f + ":0: error: Non-existent interface specified in configuration\n"
                + f + ":1: error: WARNING - interface kvnoexist0 for vrrp_instance VI_1 doesn't exist\n");
        Files.writeString(f, "global_defs {\n dynamic_interfaces\n}\n" + Files.readString(f));
        CorpusSupport.Run dyn = run("-f", f.toString(), "--check-interfaces");
        assertThat(dyn.exit()).isZero();
        assertThat(dyn.err()).isEqualTo(f + ":4: warning: interface kvnoexist0 for vrrp_instance VI_1 doesn't exist"
                + " (dynamic_interfaces: waiting for it)\n");
    }

    @Test
    void trackHostMistakesAreErrorsAndItsInterfaceIsChecked(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("k.conf");
        Files.writeString(f, """
                vrrp_track_host gw {
                    address 192.0.2.1
                    method nd
                    interface kvnoexist1
                }
                vrrp_track_host w {
                    address 192.0.2.2
                    method arp
                    interface kvnoexist1
                }
                vrrp_instance VI_1 {
                    interface kvnoexist0
                    virtual_router_id 1
                    virtual_ipaddress {
                        192.0.2.100
                    }
                    track_host {
                        gw
                        w
                    }
                }
                """);
        CorpusSupport.Run r = run("-f", f.toString());
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.err()).isEqualTo(f + ":3: error: vrrp_track_host gw: method nd probes IPv6 addresses only"
                + " - use arp (or icmp) for 192.0.2.1 - removing\n");
        CorpusSupport.Run withInterfaces = run("-f", f.toString(), "--check-interfaces");
        assertThat(withInterfaces.err()).contains(f + ":6: error: interface kvnoexist1 for vrrp_track_host w doesn't"
                + " exist (its probes are lost until it does)\n");
    }

    /** A 10 MB file, generated here: many instances, each on its own interface; all valid. */
    @Test
    void tenMegabyteFile(@TempDir Path tmp) throws IOException {
        StringBuilder sb = new StringBuilder(11 << 20);
        int n = 0;
        while (sb.length() < 10 << 20) {
            sb.append("vrrp_instance VI_").append(n).append(" {\n    interface eth").append(n)
                    .append("\n    virtual_router_id ").append(n % 255 + 1)
                    .append("\n    priority 100\n    advert_int 1\n    # a comment to pad the block a little\n")
                    .append("    virtual_ipaddress {\n        2001:db8:").append(Integer.toHexString(n / 65536)).append(':')
                    .append(Integer.toHexString(n % 65536)).append("::1/64\n    }\n}\n");
            n++;
        }
        Path f = tmp.resolve("big.conf");
        Files.writeString(f, sb, StandardCharsets.UTF_8); // at least 10 MiB: the loop's own bound
        CheckResult c = scripts.checker().check(f.toString(), null, false);
        assertThat(c.diagnostics()).isEmpty();
        assertThat(c.exitCode()).isZero();
        assertThat(c.config().instances()).hasSize(n);
    }
}
