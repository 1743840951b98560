/**
 * Prometheus metrics ({@code metrics_listen}). The daemon records what only it can see with plain
 * atomics ({@link org.keepvip.agent.metrics.LatencyHistogram}, {@link org.keepvip.agent.metrics.RedisStats},
 * its existing counters) and publishes what the event loop owns as immutable views when it changes;
 * a scrape reads those through {@link org.keepvip.agent.metrics.MetricsSource} on the exporter's own
 * thread and never asks the loop anything, so it cannot delay an advert or a takeover. Only
 * {@code org.keepvip.agent.metrics.prometheus} uses the Prometheus client, and it is loaded only when
 * metrics are on. The metric names and their meaning: docs/metrics.md.
 */
package org.keepvip.agent.metrics;
