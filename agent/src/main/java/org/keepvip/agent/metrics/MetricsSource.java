package org.keepvip.agent.metrics;

/** Where a scrape reads the daemon's values; called on the exporter's thread, must not block. */
@FunctionalInterface
public interface MetricsSource {
    Readings read();
}
