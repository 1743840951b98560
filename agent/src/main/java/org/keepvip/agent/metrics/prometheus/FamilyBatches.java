package org.keepvip.agent.metrics.prometheus;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes metric families to a scrape's response in batches of about {@link #POINTS} data points.
 * Each call of the client's {@link PrometheusTextFormatWriter#write} makes a buffered writer and an
 * encoder (about 24 kB) and flushes them into the response, one chunk and one send(2) per call: written
 * family by family, a one-instance scrape of 18 kB allocated about 1 MB, a young collection (which
 * stops the VRRP loop) every two or three scrapes, and took 2.5 ms of CPU. All families in one call
 * would hold every snapshot of a thousand-instance scrape at once, megabytes that outlive a young
 * collection; a batch bounds what is live to a few hundred kilobytes.
 */
final class FamilyBatches {
    /** Data points per batch: a whole one-instance scrape (about 200) is one batch. */
    static final int POINTS = 2_000;

    private final PrometheusTextFormatWriter writer;
    private final OutputStream out;
    private final List<MetricSnapshot> pending = new ArrayList<>();
    private int points;
    private int writes;
    private int largest;

    FamilyBatches(PrometheusTextFormatWriter writer, OutputStream out) {
        this.writer = writer;
        this.out = out;
    }

    /** Queues {@code family}; writes the batch once it holds {@link #POINTS} data points. */
    void add(MetricSnapshot family) throws IOException {
        pending.add(family);
        points += family.getDataPoints().size();
        if (points >= POINTS) {
            flush();
        }
    }

    void addAll(MetricSnapshots families) throws IOException {
        for (MetricSnapshot f : families) {
            add(f);
        }
    }

    /** Writes what is queued. */
    void flush() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        writer.write(out, new MetricSnapshots(pending));
        writes++;
        largest = Math.max(largest, points);
        pending.clear();
        points = 0;
    }

    /** How many times the client's writer was called (tests). */
    int writes() {
        return writes;
    }

    /** The data points of the largest batch written (tests). */
    int largestBatch() {
        return largest;
    }
}
