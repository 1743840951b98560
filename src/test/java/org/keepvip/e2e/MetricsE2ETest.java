package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * Prometheus metrics from a real daemon: two keepvip nodes, one with {@code metrics_listen} in its
 * configuration, one with {@code --metrics-listen}; each live scrape passes {@code promtool check
 * metrics} and says what the nodes do (state, adverts, master, VIPs, the takeover after a priority-0
 * advert). And a daemon without metrics loads no class of the Prometheus client.
 */
public class MetricsE2ETest {
    static final String VIP = "192.0.2.210";
    public static final int PORT = 9650;
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    @Test
    void liveScrapesPassPromtoolAndTellStateAdvertsMasterAndTakeover() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            String confA = "global_defs {\n    metrics_listen " + a.ipv4() + ":" + PORT + "\n}\n"
                    + Configs.v3Multicast(61, 150, "0.1", VIP);
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", confA);
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", Configs.v3Multicast(61, 100, "0.1", VIP),
                    "--metrics-listen", b.ipv4() + ":" + PORT);
            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(5), "b BACKUP under a",
                    () -> kb.state().orElse("").equals("BACKUP"));

            String first = scrape(lab, a);
            promtoolAccepts(lab, first);
            promtoolAccepts(lab, scrape(lab, b));

            String vi = "vrrp_instance=\"VI_1\",vrid=\"61\",interface=\"eth0\"";
            assertThat(value(first, "keepvip_vrrp_state{" + vi + ",state=\"MASTER\"}")).hasValue(1);
            assertThat(value(first, "keepvip_vrrp_state{" + vi + ",state=\"BACKUP\"}")).hasValue(0);
            assertThat(value(first, "keepvip_vrrp_base_priority{" + vi + "}")).hasValue(150);
            assertThat(value(first, "keepvip_vrrp_effective_priority{" + vi + "}")).hasValue(150);
            assertThat(value(first, "keepvip_vrrp_vips_held{" + vi + "}")).hasValue(1);
            assertThat(value(first, "keepvip_vrrp_master_info{" + vi + ",master=\"" + a.ipv4() + "\"}")).hasValue(1);
            assertThat(value(first, "keepvip_vrrp_transitions_total{" + vi
                    + ",from=\"BACKUP\",to=\"MASTER\",cause=\"master_down_timer\"}")).hasValue(1);
            assertThat(value(first, "keepvip_vrrp_takeover_duration_seconds_count{" + vi
                    + ",trigger=\"master_down_timer\",step=\"announced\"}")).hasValue(1);
            assertThat(first).contains("jvm_memory_used_bytes{area=\"heap\"}", "jvm_threads_current ",
                    "keepvip_build_info{version=");
            double sent = value(first, "keepvip_vrrp_adverts_sent_total{" + vi + "}").orElseThrow();
            assertThat(sent).isPositive();
            // 0.1 s adverts: ten a second.
            Await.until(Duration.ofSeconds(3), "a's adverts sent counter grows", () ->
                    value(scrape(lab, a), "keepvip_vrrp_adverts_sent_total{" + vi + "}").orElse(0) >= sent + 5);

            String atB = scrape(lab, b);
            assertThat(value(atB, "keepvip_vrrp_state{" + vi + ",state=\"BACKUP\"}")).hasValue(1);
            assertThat(value(atB, "keepvip_vrrp_vips_held{" + vi + "}")).hasValue(0);
            assertThat(value(atB, "keepvip_vrrp_master_info{" + vi + ",master=\"" + a.ipv4() + "\"}")).hasValue(1);
            assertThat(value(atB, "keepvip_vrrp_master_priority{" + vi + "}")).hasValue(150);
            assertThat(value(atB, "keepvip_vrrp_adverts_received_total{" + vi + "}").orElseThrow()).isPositive();

            // a stops: its priority-0 advert makes b take over after the skew, not the down timer.
            ka.process().stop(Duration.ofSeconds(5));
            awaitHolder(lab, VIP, b, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(3), "b's takeover timed", () -> value(scrape(lab, b),
                    "keepvip_vrrp_takeover_duration_seconds_count{" + vi
                            + ",trigger=\"priority_zero_advert\",step=\"announced\"}").orElse(0) == 1);
            String after = scrape(lab, b);
            promtoolAccepts(lab, after);
            assertThat(value(after, "keepvip_vrrp_state{" + vi + ",state=\"MASTER\"}")).hasValue(1);
            assertThat(value(after, "keepvip_vrrp_priority_zero_adverts_received_total{" + vi + "}")).hasValue(1);
            assertThat(value(after, "keepvip_vrrp_transitions_total{" + vi
                    + ",from=\"BACKUP\",to=\"MASTER\",cause=\"priority_zero_advert\"}")).hasValue(1);
            // The skew at priority 100 and 0.1 s adverts is 0.06 s; the takeover is that plus the VIP add.
            double took = value(after, "keepvip_vrrp_takeover_duration_seconds_sum{" + vi
                    + ",trigger=\"priority_zero_advert\",step=\"announced\"}").orElseThrow();
            assertThat(took).isBetween(0.05, 1.0);
            double vipAdded = value(after, "keepvip_vrrp_takeover_duration_seconds_sum{" + vi
                    + ",trigger=\"priority_zero_advert\",step=\"vip_added\"}").orElseThrow();
            assertThat(vipAdded).isPositive().isLessThanOrEqualTo(took);
        }
    }

    /**
     * The footprint promise: without {@code metrics_listen} the Prometheus client stays on disk. The
     * JVM's class-load log of a running daemon names none of its classes, nor the exporter's.
     */
    @Test
    void withoutMetricsNoPrometheusClassIsLoaded() throws Exception {
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            Path off = lab.tempDir().resolve("classes-off.log");
            Agents.Keepvip k = Agents.keepvipWithJvmOptions(lab, a, "kva", Configs.v3Multicast(62, 150, "0.1", VIP),
                    List.of("-Xlog:class+load=info:file=" + off));
            Await.until(TAKEOVER, "a MASTER", () -> k.state().orElse("").equals("MASTER"));
            String loaded = Files.readString(off);
            assertThat(loaded).as("the log lists the daemon's classes").contains("org.keepvip.agent.loop.EventLoop");
            assertThat(loaded).doesNotContain("io.prometheus.", "org.keepvip.agent.metrics.prometheus.",
                    "org.keepvip.agent.metrics.MetricsExporter");
            k.process().stop(Duration.ofSeconds(5));

            Path on = lab.tempDir().resolve("classes-on.log");
            Agents.Keepvip withMetrics = Agents.keepvipWithJvmOptions(lab, a, "kva-on",
                    Configs.v3Multicast(62, 150, "0.1", VIP), List.of("-Xlog:class+load=info:file=" + on),
                    "--metrics-listen", a.ipv4() + ":" + PORT);
            Await.until(TAKEOVER, "a MASTER again", () -> withMetrics.state().orElse("").equals("MASTER"));
            assertThat(Files.readString(on)).as("the same check sees them when metrics are on")
                    .contains("io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter");
        }
    }

    /** GET /metrics on {@code node}'s address, from a thread in its namespace. */
    public static String scrape(Lab lab, Node node) {
        try {
            return lab.inNamespace(node, () -> {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + node.ipv4() + ":" + PORT + "/metrics")
                        .toURL().openConnection();
                c.setConnectTimeout(2000);
                c.setReadTimeout(2000);
                try (InputStream in = c.getInputStream()) {
                    assertThat(c.getResponseCode()).isEqualTo(200);
                    assertThat(c.getContentType()).startsWith("text/plain");
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } finally {
                    c.disconnect();
                }
            });
        } catch (Exception e) {
            throw new AssertionError("scraping " + node.name() + ": " + e, e);
        }
    }

    /** Runs {@code promtool check metrics} on a scrape: exit 0 and no lint complaint. */
    public static void promtoolAccepts(Lab lab, String scrape) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")),
                "promtool (Debian package prometheus) is not installed: scripts/setup-debian installs it");
        Path file = Files.createTempFile(lab.tempDir(), "scrape", ".txt");
        Files.writeString(file, scrape);
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true)
                .redirectInput(file.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics: " + out + "\non:\n" + scrape).isZero();
        assertThat(out.strip()).as("promtool's complaints").isEmpty();
    }

    private static final Pattern SAMPLE = Pattern.compile("^(\\S+?)(?:\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The value of the sample {@code series}, {@code name{label="value",...}} with labels in any order. */
    public static OptionalDouble value(String scrape, String series) {
        Matcher want = SAMPLE.matcher(series + " 0");
        assertThat(want.matches()).as("a series: " + series).isTrue();
        String name = want.group(1);
        java.util.Map<String, String> labels = labels(want.group(2));
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            if (m.group(1).equals(name) && labels(m.group(2)).equals(labels)) {
                return OptionalDouble.of(Double.parseDouble(m.group(3)));
            }
        }
        return OptionalDouble.empty();
    }

    private static java.util.Map<String, String> labels(String text) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        if (text != null) {
            Matcher l = LABEL.matcher(text);
            while (l.find()) {
                out.put(l.group(1), l.group(2));
            }
        }
        return out;
    }
}
