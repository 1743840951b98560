package org.keepvip.agent.metrics.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.keepvip.agent.metrics.MetricsExporter;
import org.keepvip.agent.metrics.MetricsSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.latency.ThreadNames;

/**
 * Serves keepvip's metrics ({@link KeepvipCollector}) and the JVM's from a registry of its own, in the
 * Prometheus text format, on the JDK's HTTP server: {@code /metrics} (and {@code /}), and
 * {@code /-/healthy}. The response is streamed as it is written (chunked), not buffered whole as the
 * client's own exporter does: at a few hundred instances a scrape is megabytes, and a buffer that
 * size lands in the small old generation of the daemon's heap, whose full collections stop every
 * thread, the VRRP loop included. Scrapes are answered one at a time by one thread,
 * {@code metrics-http}, which the daemon moves into SCHED_BATCH with the JDK's {@code HTTP-Dispatcher}:
 * a scrape takes CPU only when neither the loop nor a hook lane wants it.
 */
public final class PrometheusExporter implements MetricsExporter {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.metrics");
    /** The thread that answers scrapes; a prefix of the daemon's background threads. */
    public static final String THREAD = ThreadNames.METRICS_HTTP;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    /** keepvip's families, handed over one at a time and written in batches (see FamilyBatches). */
    private final KeepvipCollector keepvip;
    /** The JVM's families: a few dozen, written together. */
    private final PrometheusRegistry jvm;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private PrometheusExporter(HttpServer server, ThreadPoolExecutor executor, KeepvipCollector keepvip,
            PrometheusRegistry jvm) {
        this.server = server;
        this.executor = executor;
        this.keepvip = keepvip;
        this.jvm = jvm;
    }

    /** See {@link MetricsExporter#start}. */
    public static MetricsExporter start(InetAddress address, int port, MetricsSource source) throws IOException {
        String version = PrometheusExporter.class.getPackage().getImplementationVersion();
        KeepvipCollector keepvip = new KeepvipCollector(source, version == null ? "dev" : version);
        PrometheusRegistry registry = new PrometheusRegistry();
        jvm(registry);
        // One thread, started now so the daemon finds it when it lowers its background threads.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(16), r -> {
                    Thread t = new Thread(r, THREAD);
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy()); // beyond 16 waiting: the dispatcher answers
        executor.prestartAllCoreThreads();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 8);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            String where = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]"
                    : address.getHostAddress();
            throw new IOException("cannot listen for metrics on " + where + ":" + port + ": " + e.getMessage(), e);
        }
        PrometheusExporter exporter = new PrometheusExporter(server, executor, keepvip, registry);
        server.setExecutor(executor);
        server.createContext("/", exporter::metrics);
        server.createContext("/-/healthy", PrometheusExporter::healthy);
        server.start();
        return exporter;
    }

    /**
     * The JVM's collectors that read counters the JVM keeps anyway: memory and its pools, GC counts and
     * times (the serial collector's collections are all pauses), buffer pools, classes, the JIT's time,
     * the runtime's version, the process ({@link ProcessFamilies}: CPU, RSS, file descriptors), and
     * {@link ThreadCounts}. Left out:
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
        ProcessFamilies.ofThisProcess().ifPresent(registry::register);
        registry.register(new ThreadCounts());
    }

    /** GET or HEAD of {@code /metrics} (or {@code /}): the scrape, streamed. */
    private void metrics(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!path.equals("/metrics") && !path.equals("/")) {
                reply(ex, 404, "not found: the metrics are at /metrics\n");
                return;
            }
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (!head && !ex.getRequestMethod().equals("GET")) {
                reply(ex, 405, "GET or HEAD\n");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
            ex.sendResponseHeaders(200, head ? -1 : 0); // 0: chunked, written as it is made
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    FamilyBatches batches = new FamilyBatches(writer, out);
                    keepvip.collectEach(batches::add);
                    batches.addAll(jvm.scrape());
                    batches.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("metrics scrape from {} failed: {}", ex.getRemoteAddress(), e.toString());
        }
    }

    private static void healthy(HttpExchange ex) {
        try (ex) {
            reply(ex, 200, "Exporter is healthy.\n");
        } catch (IOException e) {
            LOG.debug("health check from {} failed: {}", ex.getRemoteAddress(), e.toString());
        }
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
