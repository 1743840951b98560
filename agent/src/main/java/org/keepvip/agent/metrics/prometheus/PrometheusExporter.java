package org.keepvip.agent.metrics.prometheus;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.keepvip.agent.metrics.MetricsExporter;
import org.keepvip.agent.metrics.MetricsSource;

/**
 * The Prometheus client's HTTP server on {@code metrics_listen}, serving keepvip's metrics
 * ({@link KeepvipCollector}) and the JVM's (memory, GC, threads, classes, process) from a registry of
 * its own. Scrapes are answered one at a time by one thread, {@code metrics-http}, which the daemon
 * moves into SCHED_BATCH with its other background threads: a scrape takes CPU only when neither
 * the loop nor a hook lane wants it.
 */
public final class PrometheusExporter implements MetricsExporter {
    /** The thread that answers scrapes; a prefix of the daemon's background threads. */
    public static final String THREAD = "metrics-http";

    private final HTTPServer server;
    private final ThreadPoolExecutor executor;
    private final InetAddress address;

    private PrometheusExporter(HTTPServer server, ThreadPoolExecutor executor, InetAddress address) {
        this.server = server;
        this.executor = executor;
        this.address = address;
    }

    /** See {@link MetricsExporter#start}. */
    public static MetricsExporter start(InetAddress address, int port, MetricsSource source) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        String version = PrometheusExporter.class.getPackage().getImplementationVersion();
        registry.register(new KeepvipCollector(source, version == null ? "dev" : version));
        jvm(registry);
        // One thread, started now so the daemon finds it when it lowers its background threads.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(16), r -> {
                    Thread t = new Thread(r, THREAD);
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy()); // beyond 16 waiting: the HTTP dispatcher answers
        executor.prestartAllCoreThreads();
        try {
            HTTPServer server = HTTPServer.builder().inetAddress(address).port(port).registry(registry)
                    .executorService(executor).buildAndStart();
            return new PrometheusExporter(server, executor, address);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            String where = address instanceof java.net.Inet6Address ? "[" + address.getHostAddress() + "]"
                    : address.getHostAddress();
            throw new IOException("cannot listen for metrics on " + where + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * The JVM's collectors that read counters the JVM keeps anyway: memory and its pools, GC counts and
     * times (the serial collector's collections are all pauses), buffer pools, classes, the JIT's time,
     * the runtime's version, the process (CPU, RSS, file descriptors), and {@link ThreadCounts}. Left out:
     * the client's thread-state and deadlock metrics (a safepoint per scrape, see ThreadCounts), its
     * allocation metrics (a GC listener on every collection) and native memory (a diagnostic command).
     */
    static void jvm(PrometheusRegistry registry) {
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        registry.register(new ThreadCounts());
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress(address, server.getPort());
    }

    @Override
    public void close() {
        server.close();
        executor.shutdownNow();
    }
}
