package org.keepvip.agent.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * keepvip's process families say what the client's {@code ProcessMetrics} says, under the same names,
 * types and help texts, so that dashboards and alerts written for the client keep working.
 */
class ProcessFamiliesTest {
    @Test
    void theSameFamiliesAsTheClientsProcessMetricsWithTheSameValues() throws IOException {
        PrometheusRegistry theirs = new PrometheusRegistry();
        ProcessMetrics.builder().register(theirs);
        PrometheusRegistry ours = new PrometheusRegistry();
        ours.register(ProcessFamilies.ofThisProcess().orElseThrow());

        String theirText = text(theirs);
        String ourText = text(ours);
        assertThat(ourText.lines().filter(l -> l.startsWith("#")))
                .as("HELP and TYPE lines").containsExactlyElementsOf(theirText.lines().filter(l -> l.startsWith("#")).toList());
        Map<String, Double> theirValues = values(theirText);
        Map<String, Double> ourValues = values(ourText);
        assertThat(ourValues.keySet()).isEqualTo(theirValues.keySet());
        assertThat(ourValues.get("process_start_time_seconds")).isEqualTo(theirValues.get("process_start_time_seconds"));
        assertThat(ourValues.get("process_max_fds")).isEqualTo(theirValues.get("process_max_fds"));
        assertThat(ourValues.get("process_open_fds")).isCloseTo(theirValues.get("process_open_fds"), within(3.0));
        assertThat(ourValues.get("process_cpu_seconds_total")).isGreaterThanOrEqualTo(theirValues.get("process_cpu_seconds_total"))
                .isCloseTo(theirValues.get("process_cpu_seconds_total"), within(1.0));
        assertThat(ourValues.get("process_virtual_memory_bytes"))
                .isCloseTo(theirValues.get("process_virtual_memory_bytes"), within(64.0 * 1024 * 1024));
        assertThat(ourValues.get("process_resident_memory_bytes"))
                .isCloseTo(theirValues.get("process_resident_memory_bytes"), within(16.0 * 1024 * 1024))
                .isGreaterThan(1024 * 1024);
    }

    private static String text(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Sample name → value, for the samples without labels. */
    private static Map<String, Double> values(String text) {
        Map<String, Double> values = new TreeMap<>();
        text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
            String[] f = l.split(" ");
            values.put(f[0], Double.parseDouble(f[1]));
        });
        return values;
    }
}
