package org.keepvip.agent.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter's full text (every family filled, {@link Exposition#everything}) passes {@code promtool
 * check metrics}; docs/metrics.md documents exactly the keepvip families it serves; the example alerting
 * rules pass {@code promtool check rules} and {@code promtool test rules} and, like the Grafana
 * dashboard, name only metrics it serves.
 */
class ExpositionTest {
    static final Path ETC = Path.of("../etc").toAbsolutePath().normalize();
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    static String text;
    static Set<String> samples;

    @BeforeAll
    static void render() throws IOException {
        text = Exposition.render(Exposition::everything);
        samples = Exposition.sampleNames(text);
    }

    @Test
    void fullScrapePassesPromtool(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("scrape.txt"), text);
        Result r = promtool(file, "check", "metrics");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out().strip()).as("promtool's complaints").isEmpty();
    }

    @Test
    void docsListEveryKeepvipFamilyAndNothingElse() throws IOException {
        Set<String> served = new TreeSet<>();
        Exposition.families(text).stream().filter(f -> f.startsWith("keepvip_")).forEach(served::add);
        assertThat(served).as("families").hasSizeGreaterThan(30);
        String docs = Files.readString(Path.of("../docs/metrics.md"));
        Set<String> documented = names(docs, "keepvip_");
        for (String f : served) {
            assertThat(docs).as("docs/metrics.md documents " + f).contains("`" + f + "`");
        }
        Set<String> servedNames = new TreeSet<>(samples);
        servedNames.addAll(Exposition.families(text));
        assertThat(servedNames).as("every keepvip_ name in docs/metrics.md is served").containsAll(documented);
    }

    @Test
    void dashboardParsesAndQueriesOnlyServedMetrics() throws IOException {
        JsonObject dash = JsonParser.parseString(Files.readString(ETC.resolve("keepvip-grafana-dashboard.json")))
                .getAsJsonObject();
        List<String> exprs = new ArrayList<>();
        collectExprs(dash, exprs);
        assertThat(exprs).as("queries").hasSizeGreaterThan(20);
        Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(metricNames(e)));
        assertThat(used).as("metric names the dashboard queries").contains("keepvip_vrrp_state",
                "keepvip_vrrp_takeover_duration_seconds_bucket", "keepvip_redis_up", "jvm_memory_used_bytes");
        assertThat(samples).as("served sample names").containsAll(used);
    }

    @Test
    void alertRulesPassPromtoolAndUseOnlyServedMetrics(@TempDir Path tmp) throws Exception {
        Path rules = ETC.resolve("keepvip-alerts.yml");
        Result check = promtool(rules, "check", "rules");
        assertThat(check.exit()).as(check.out()).isZero();
        assertThat(check.out()).contains("SUCCESS");
        Set<String> used = metricNames(Files.readString(rules).lines().filter(l -> l.strip().startsWith("expr:")
                || l.startsWith("          ")).reduce("", (a, b) -> a + "\n" + b));
        assertThat(used).contains("keepvip_vrrp_state", "keepvip_redis_up");
        assertThat(samples).as("served sample names").containsAll(used);

        // Two nodes MASTER for the same instance fires KeepvipTwoMasters, one fires neither it nor
        // KeepvipNoMaster; none fires KeepvipNoMaster.
        Path test = Files.writeString(tmp.resolve("alerts-test.yml"), """
                rule_files: ["%s"]
                evaluation_interval: 5s
                tests:
                  - interval: 5s
                    input_series:
                      - series: 'keepvip_vrrp_state{instance="a:9650",vrrp_instance="VI_1",vrid="51",interface="eth0",state="MASTER"}'
                        values: '1x10 0x10 1x10'
                      - series: 'keepvip_vrrp_state{instance="b:9650",vrrp_instance="VI_1",vrid="51",interface="eth0",state="MASTER"}'
                        values: '1x10 0x10 0x10'
                    alert_rule_test:
                      - eval_time: 40s
                        alertname: KeepvipTwoMasters
                        exp_alerts:
                          - exp_labels: {severity: critical, vrrp_instance: VI_1, vrid: "51"}
                            exp_annotations:
                              summary: "2 nodes are MASTER for VI_1 (VRID 51): VRRP split brain, adverts do not get through"
                      - eval_time: 40s
                        alertname: KeepvipNoMaster
                      - eval_time: 100s
                        alertname: KeepvipNoMaster
                        exp_alerts:
                          - exp_labels: {severity: critical, vrrp_instance: VI_1, vrid: "51"}
                            exp_annotations:
                              summary: "No node is MASTER for VI_1 (VRID 51): its VIPs are down"
                      - eval_time: 150s
                        alertname: KeepvipNoMaster
                      - eval_time: 150s
                        alertname: KeepvipTwoMasters
                """.formatted(rules));
        Result unit = promtool(test, "test", "rules");
        assertThat(unit.exit()).as(unit.out()).isZero();
    }

    private static final Pattern NAME = Pattern.compile("\\b((?:keepvip|jvm|process)_[a-z_]+)\\b");

    /** Metric names in a PromQL text (keepvip's, the JVM's and the process's). */
    static Set<String> metricNames(String promql) {
        Set<String> out = new TreeSet<>();
        Matcher m = NAME.matcher(promql);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static Set<String> names(String text, String prefix) {
        Set<String> out = new TreeSet<>();
        metricNames(text).stream().filter(n -> n.startsWith(prefix) && !n.endsWith("_")).forEach(out::add);
        return out;
    }

    private static void collectExprs(JsonElement e, List<String> out) {
        if (e.isJsonObject()) {
            for (var entry : e.getAsJsonObject().entrySet()) {
                if (entry.getKey().equals("expr") && entry.getValue().isJsonPrimitive()) {
                    out.add(entry.getValue().getAsString());
                } else {
                    collectExprs(entry.getValue(), out);
                }
            }
        } else if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collectExprs(x, out));
        }
    }

    record Result(int exit, String out) {}

    static Result promtool(Path file, String... args) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL),
                "promtool (Debian package prometheus) is not installed: scripts/setup-debian installs it");
        List<String> cmd = new ArrayList<>(List.of(PROMTOOL.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (args[1].equals("metrics")) {
            pb.redirectInput(file.toFile());
        } else {
            cmd.add(file.toString());
            pb.command(cmd);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
