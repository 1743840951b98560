package org.keepvip.agent.metrics.prometheus;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JVM's thread counts under the client's names ({@code jvm_threads_current}, ...), in place of its
 * {@code JvmThreadsMetrics}: that one also reports threads by state and deadlocked threads, which the
 * JVM answers with a thread dump at a safepoint, a pause of every thread, the VRRP loop included, at
 * every scrape. The counts here are plain counters the JVM keeps.
 */
final class ThreadCounts implements MultiCollector {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Override
    public MetricSnapshots collect() {
        return MetricSnapshots.of(
                UnlabelledGauge.of("jvm_threads_current", "Current thread count of a JVM", threads.getThreadCount()),
                UnlabelledGauge.of("jvm_threads_daemon", "Daemon thread count of a JVM", threads.getDaemonThreadCount()),
                UnlabelledGauge.of("jvm_threads_peak", "Peak thread count of a JVM", threads.getPeakThreadCount()),
                CounterSnapshot.builder().name("jvm_threads_started").help("Started thread count of a JVM")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.EMPTY)
                                .value(threads.getTotalStartedThreadCount()).build()).build());
    }
}
