package org.keepvip.agent.metrics.prometheus;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

/** A gauge family of one data point without labels: the JVM's and the process's figures. */
final class UnlabelledGauge {
    private UnlabelledGauge() {}

    static GaugeSnapshot of(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.EMPTY).value(value).build()).build();
    }
}
