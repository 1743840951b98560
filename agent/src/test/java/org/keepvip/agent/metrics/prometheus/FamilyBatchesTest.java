package org.keepvip.agent.metrics.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.metrics.Readings;

/**
 * The scrape is written in batches (few calls of the client's writer, each a flush into the response)
 * and says exactly what the registry's one-shot rendering says.
 */
class FamilyBatchesTest {
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    @Test
    void aOneInstanceScrapeIsOneWriteWithEveryLineOfTheRegistrysRendering() throws IOException {
        KeepvipCollector keepvip = new KeepvipCollector(Exposition::everything, "1.2.3");
        CountingStream out = new CountingStream();
        FamilyBatches batches = new FamilyBatches(writer, out);
        keepvip.collectEach(batches::add);
        batches.flush();

        assertThat(batches.writes()).isEqualTo(1);
        assertThat(out.flushes).as("flushes into the response").isEqualTo(1);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(keepvip);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        writer.write(whole, registry.scrape());
        assertThat(out.text()).isEqualTo(whole.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aThousandInstanceScrapeIsSplitIntoBoundedBatchesAndLosesNoFamily() throws IOException {
        Readings one = Exposition.everything();
        List<Readings.Instance> many = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            Readings.Instance vi = one.instances().get(0);
            many.add(new Readings.Instance("VI_" + i, i % 255 + 1, "eth" + i / 255, vi.state(), vi.basePriority(),
                    vi.effectivePriority(), vi.master(), vi.masterPriority(), vi.vips(), vi.vipsHeld(), vi.counters(),
                    vi.transitions(), vi.trackers(), vi.takeovers()));
        }
        Readings r = new Readings(many, one.redis(), one.interfaces(), one.logLinesDropped(), one.scripts(),
                one.staticRoutingErrors(), one.hosts());
        KeepvipCollector keepvip = new KeepvipCollector(() -> r, "1.2.3");
        CountingStream out = new CountingStream();
        FamilyBatches batches = new FamilyBatches(writer, out);
        List<String> names = new ArrayList<>();
        keepvip.collectEach(f -> {
            names.add(f.getMetadata().getPrometheusName());
            batches.add(f);
        });
        batches.flush();

        assertThat(batches.writes()).isGreaterThan(1);
        int largestFamily = 5 * 1000; // the one-hot state gauge
        assertThat(batches.largestBatch()).isLessThan(FamilyBatches.POINTS + largestFamily);
        for (String name : names) {
            assertThat(out.text()).as(name).contains("# TYPE " + name);
        }
        assertThat(out.text()).contains("vrrp_instance=\"VI_1000\"");
    }

    /** Counts flushes; keeps what is written. */
    private static final class CountingStream extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int flushes;

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes++;
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

}
