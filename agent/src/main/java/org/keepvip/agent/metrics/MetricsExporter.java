package org.keepvip.agent.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.keepvip.agent.metrics.prometheus.PrometheusExporter;

/**
 * The Prometheus endpoint ({@code metrics_listen}). The daemon knows only this interface: the
 * implementation, and with it every class of the Prometheus client, is loaded by {@link #start}, so a
 * daemon without {@code metrics_listen} loads none of them (memory and start-up time).
 */
public interface MetricsExporter extends AutoCloseable {

    /** Where it listens (the port the kernel chose when 0 was asked). */
    InetSocketAddress address();

    @Override
    void close();

    /** Starts the exporter on {@code address}:{@code port}; {@code source} is read at every scrape. */
    static MetricsExporter start(InetAddress address, int port, MetricsSource source) throws IOException {
        return PrometheusExporter.start(address, port, source);
    }
}
