package org.keepvip.agent.metrics.prometheus;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keepvip.agent.metrics.LatencyHistogram;
import org.keepvip.agent.metrics.MetricsSource;
import org.keepvip.agent.metrics.Readings;
import org.keepvip.agent.metrics.RedisStats;
import org.keepvip.agent.metrics.TransitionCause;

/**
 * The exporter's text, as a scrape gets it, from readings that fill every family the daemon can
 * expose (an instance with a takeover and trackers, a Redis instance with hooks run, drops, scripts),
 * with the JVM's collectors beside it. No socket: the registry is scraped and written in-process.
 */
final class Exposition {
    private Exposition() {}

    static String render(MetricsSource source) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new KeepvipCollector(source, "1.2.3"));
        PrometheusExporter.jvm(registry);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Readings in which every family has at least one sample. */
    static Readings everything() {
        LatencyHistogram takeover = new LatencyHistogram();
        takeover.observeNanos(3_000_000);
        RedisStats redis = new RedisStats();
        redis.check(400_000);
        redis.hook(RedisStats.Hook.PROMOTION, RedisStats.Result.OK, 5_000_000);
        redis.hook(RedisStats.Hook.DEMOTION, RedisStats.Result.REFUSED, 2_000_000);
        redis.hook(RedisStats.Hook.FENCE, RedisStats.Result.OK, 1_000_000);
        redis.wipeGuardRefused();
        redis.splitBrain();
        Readings.Instance vi = new Readings.Instance("VI_1", 51, "eth0", "MASTER", 150, 140, "192.0.2.1", 140, 1, 1,
                Map.of("advert_sent", 12L, "advert_rcvd", 3L, "pri_zero_rcvd", 1L, "pri_zero_sent", 0L,
                        "drop_ttl", 2L, "send_errors", 0L, "refused_syn", 4L),
                Map.of(new Readings.Transition("BACKUP", "MASTER", TransitionCause.PRIORITY_ZERO_ADVERT), 1L,
                        new Readings.Transition("INIT", "BACKUP", TransitionCause.INIT), 1L),
                Map.of("script:chk_redis", true, "redis:main", false, "host:gw", true),
                Map.of(new Readings.TakeoverStep("priority_zero_advert", "vip_added"), takeover.snapshot(),
                        new Readings.TakeoverStep("priority_zero_advert", "announced"), takeover.snapshot()));
        Readings.Redis r = new Readings.Redis("main", "127.0.0.1:6379", true, "master", 123456L, 0L, 0L,
                redis.snapshot());
        return new Readings(List.of(vi), List.of(r), List.of(new Readings.Interface("eth0", Map.of("fragment", 1L))),
                Map.of("queue_full", 0L, "syslog", 0L), List.of(new Readings.Script("chk_redis", 10, 1, 1)), 0,
                List.of(new Readings.Host("gw", "192.0.2.1", true, 20, 18, 2, 1, 250_000)));
    }

    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

    /** The families ({@code # TYPE} lines) of a scrape. */
    static Set<String> families(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = TYPE.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The sample names of a scrape, suffixes included ({@code _total}, {@code _bucket}, ...). */
    static Set<String> sampleNames(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
