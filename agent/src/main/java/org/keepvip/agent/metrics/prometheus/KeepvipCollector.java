package org.keepvip.agent.metrics.prometheus;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.keepvip.agent.metrics.LatencyHistogram;
import org.keepvip.agent.metrics.MetricsSource;
import org.keepvip.agent.metrics.Readings;
import org.keepvip.agent.metrics.RedisStats;

/**
 * Turns one {@link Readings} into Prometheus metric families at scrape time (docs/metrics.md lists
 * them). Runs on the exporter's thread; the readings are copies, so nothing here touches the loop.
 * {@link #collectEach(Family)} hands the families over one at a time, each built when the previous one
 * is written: at a few hundred instances all of them at once are megabytes, which would outlive a
 * young collection and fill the daemon's small old generation.
 */
final class KeepvipCollector implements MultiCollector {
    static final List<String> STATES = List.of("INIT", "BACKUP", "MASTER", "FAULT", "STOP");
    static final List<String> REDIS_ROLES = List.of("master", "replica", "unknown");

    /** Takes one family (writes it). */
    @FunctionalInterface
    interface Family {
        void accept(MetricSnapshot family) throws IOException;
    }

    private final MetricsSource source;
    private final String version;

    KeepvipCollector(MetricsSource source, String version) {
        this.source = source;
        this.version = version;
    }

    /** All families at once (the registry's way; tests). */
    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> all = new ArrayList<>();
        try {
            collectEach(all::add);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a list does not fail
        }
        return new MetricSnapshots(all);
    }

    /** Reads the daemon once and hands {@code out} each family as soon as it is built. */
    void collectEach(Family out) throws IOException {
        Readings r = source.read();
        out.accept(InfoSnapshot.builder().name("keepvip_build").help("keepvip's version")
                .dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build()).build());
        vrrp(r.instances(), out);
        interfaces(r.interfaces(), out);
        redis(r.redis(), out);
        process(r, out);
    }

    private static Labels instanceLabels(Readings.Instance i, String... more) {
        String[] l = new String[6 + more.length];
        l[0] = "vrrp_instance";
        l[1] = i.name();
        l[2] = "vrid";
        l[3] = Integer.toString(i.vrid());
        l[4] = "interface";
        l[5] = i.ifname();
        System.arraycopy(more, 0, l, 6, more.length);
        return Labels.of(l);
    }

    /** A gauge family with one pass of {@code fill} per item. */
    private static <T> GaugeSnapshot gauges(String name, String help, List<T> items,
            BiConsumer<T, GaugeSnapshot.Builder> fill) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        items.forEach(i -> fill.accept(i, b));
        return b.build();
    }

    private static <T> CounterSnapshot counters(String name, String help, List<T> items,
            BiConsumer<T, CounterSnapshot.Builder> fill) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        items.forEach(i -> fill.accept(i, b));
        return b.build();
    }

    private static <T> HistogramSnapshot histograms(String name, String help, List<T> items,
            BiConsumer<T, HistogramSnapshot.Builder> fill) {
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help);
        items.forEach(i -> fill.accept(i, b));
        return b.build();
    }

    /** A counter of each instance, from its counter {@code key}. */
    private static CounterSnapshot instanceCounter(String name, String help, List<Readings.Instance> in, String key) {
        return counters(name, help, in, (i, b) -> b.dataPoint(counter(instanceLabels(i),
                i.counters().getOrDefault(key, 0L))));
    }

    private static void vrrp(List<Readings.Instance> in, Family out) throws IOException {
        if (in.isEmpty()) {
            return;
        }
        out.accept(gauges("keepvip_vrrp_state", "1 for the VRRP instance's current state, 0 for the others", in,
                (i, b) -> STATES.forEach(s -> b.dataPoint(gauge(instanceLabels(i, "state", s),
                        s.equals(i.state()) ? 1 : 0)))));
        out.accept(gauges("keepvip_vrrp_base_priority", "The configured priority", in,
                (i, b) -> b.dataPoint(gauge(instanceLabels(i), i.basePriority()))));
        out.accept(gauges("keepvip_vrrp_effective_priority", "The priority after tracker weights, as sent in adverts",
                in, (i, b) -> b.dataPoint(gauge(instanceLabels(i), i.effectivePriority()))));
        out.accept(gauges("keepvip_vrrp_master_priority",
                "The priority in the current master's last advert (ours when MASTER), 0 if unknown", in,
                (i, b) -> b.dataPoint(gauge(instanceLabels(i), i.masterPriority()))));
        InfoSnapshot.Builder master = InfoSnapshot.builder().name("keepvip_vrrp_master")
                .help("The current master's address (ours when MASTER); absent while unknown");
        for (Readings.Instance i : in) {
            if (i.master() != null) {
                master.dataPoint(InfoDataPointSnapshot.builder().labels(instanceLabels(i, "master", i.master())).build());
            }
        }
        out.accept(master.build());
        out.accept(gauges("keepvip_vrrp_vips", "Virtual addresses configured", in,
                (i, b) -> b.dataPoint(gauge(instanceLabels(i), i.vips()))));
        out.accept(gauges("keepvip_vrrp_vips_held", "Virtual addresses this host holds now", in,
                (i, b) -> b.dataPoint(gauge(instanceLabels(i), i.vipsHeld()))));
        out.accept(counters("keepvip_vrrp_transitions", "State changes by from, to and cause", in,
                (i, b) -> i.transitions().forEach((t, n) -> b.dataPoint(counter(
                        instanceLabels(i, "from", t.from(), "to", t.to(), "cause", t.cause().label()), n)))));
        out.accept(instanceCounter("keepvip_vrrp_adverts_sent", "Adverts sent", in, "advert_sent"));
        out.accept(instanceCounter("keepvip_vrrp_adverts_received", "Adverts received and accepted", in,
                "advert_rcvd"));
        out.accept(instanceCounter("keepvip_vrrp_priority_zero_adverts_sent",
                "Priority-0 adverts sent (releasing MASTER)", in, "pri_zero_sent"));
        out.accept(instanceCounter("keepvip_vrrp_priority_zero_adverts_received",
                "Priority-0 adverts received (the master released)", in, "pri_zero_rcvd"));
        out.accept(instanceCounter("keepvip_vrrp_advert_send_errors", "Adverts that could not be sent", in,
                "send_errors"));
        out.accept(instanceCounter("keepvip_vrrp_routing_errors",
                "virtual_routes / virtual_rules entries that could not be added or removed (logged with the kernel's"
                        + " reason)", in, "routing_failed"));
        out.accept(instanceCounter("keepvip_vrrp_firewall_errors",
                "No-accept mode: changes of the nftables drop sets that nf_tables refused (logged with its reason)",
                in, "firewall_failed"));
        out.accept(counters("keepvip_vrrp_adverts_dropped",
                "Adverts for this instance dropped by its receive checks, by cause", in,
                (i, b) -> i.counters().forEach((k, n) -> {
                    if (k.startsWith("drop_")) {
                        b.dataPoint(counter(instanceLabels(i, "cause", k.substring(5)), n));
                    }
                })));
        out.accept(counters("keepvip_vrrp_released_vip_syns",
                "TCP SYNs to VIPs this instance released: answered with RST, or left unanswered (rate limit)", in,
                (i, b) -> {
                    b.dataPoint(counter(instanceLabels(i, "result", "refused"),
                            i.counters().getOrDefault("refused_syn", 0L)));
                    b.dataPoint(counter(instanceLabels(i, "result", "rate_limited"),
                            i.counters().getOrDefault("refuse_rate_limited", 0L)));
                }));
        out.accept(histograms("keepvip_vrrp_takeover_duration_seconds",
                "Time from a takeover's trigger (down timer due, or the priority-0 advert) to the VIPs added"
                        + " (step vip_added) and the first GARP/NA burst sent (step announced)", in,
                (i, b) -> i.takeovers().forEach((k, h) -> b.dataPoint(histogram(
                        instanceLabels(i, "trigger", k.trigger(), "step", k.step()), h)))));
        out.accept(gauges("keepvip_vrrp_tracker_up",
                "1 when a tracker of the instance (script, interface, file, Redis) is OK, 0 when failed;"
                        + " absent before its first result", in,
                (i, b) -> i.trackers().forEach((id, ok) -> {
                    if (ok != null) {
                        b.dataPoint(gauge(instanceLabels(i, "tracker", id), ok ? 1 : 0));
                    }
                })));
    }

    private static void interfaces(List<Readings.Interface> interfaces, Family out) throws IOException {
        out.accept(counters("keepvip_interface_frames_dropped",
                "VRRP frames dropped on an interface before any instance saw them, by cause", interfaces,
                (f, b) -> f.drops().forEach((cause, n) -> b.dataPoint(counter(
                        Labels.of("interface", f.name(), "cause", cause), n)))));
    }

    private static Labels redisLabel(Readings.Redis x, String... more) {
        String[] l = new String[2 + more.length];
        l[0] = "redis";
        l[1] = x.name();
        System.arraycopy(more, 0, l, 2, more.length);
        return Labels.of(l);
    }

    private static void redis(List<Readings.Redis> redis, Family out) throws IOException {
        if (redis.isEmpty()) {
            return;
        }
        out.accept(gauges("keepvip_redis_up", "1 when the local Redis passes its check (after rise/fall), 0 when it"
                + " fails; absent before the first verdict", redis, (x, b) -> {
                    if (x.up() != null) {
                        b.dataPoint(gauge(redisLabel(x), x.up() ? 1 : 0));
                    }
                }));
        out.accept(gauges("keepvip_redis_role", "1 for the local Redis's role in its last check, 0 for the others",
                redis, (x, b) -> REDIS_ROLES.forEach(r -> b.dataPoint(gauge(redisLabel(x, "role", r),
                        r.equals(x.role()) ? 1 : 0)))));
        out.accept(histograms("keepvip_redis_check_duration_seconds", "Duration of the Redis check (PING and INFO)",
                redis, (x, b) -> b.dataPoint(histogram(redisLabel(x), x.stats().checks()))));
        out.accept(gauges("keepvip_redis_replication_offset_bytes",
                "Replication offset of the data the local Redis holds (master_repl_offset)", redis, (x, b) -> {
                    if (x.offset() != null) {
                        b.dataPoint(gauge(redisLabel(x), x.offset()));
                    }
                }));
        out.accept(gauges("keepvip_redis_replication_lag_bytes", "A replica: bytes behind its master's last known"
                + " offset; a master: bytes its slowest replica is behind", redis, (x, b) -> {
                    if (x.lagBytes() != null) {
                        b.dataPoint(gauge(redisLabel(x), x.lagBytes()));
                    }
                }));
        out.accept(gauges("keepvip_redis_replication_lag_seconds", "A replica: seconds without data from its master"
                + " (master_last_io_seconds_ago, or the link down that long; up to repl-ping-replica-period when"
                + " idle); a master: its slowest replica's", redis, (x, b) -> {
                    if (x.lagSeconds() != null) {
                        b.dataPoint(gauge(redisLabel(x), x.lagSeconds()));
                    }
                }));
        out.accept(counters("keepvip_redis_wipe_guard_refusals",
                "Promotions or REPLICAOFs the wipe guard refused (empty, loading or restarted master)", redis,
                (x, b) -> b.dataPoint(counter(redisLabel(x), x.stats().wipeGuardRefusals()))));
        out.accept(counters("keepvip_redis_split_brains",
                "Split brains healed by a demote: writes of the losing master discarded by the resync", redis,
                (x, b) -> b.dataPoint(counter(redisLabel(x), x.stats().splitBrains()))));
        hook(RedisStats.Hook.PROMOTION, "keepvip_redis_promotions",
                "Promotions of the local Redis (REPLICAOF NO ONE, ROLE confirmed), by result",
                "keepvip_redis_promotion_duration_seconds",
                "Duration of promotions, from the wipe guard's check to ROLE master", redis, out);
        hook(RedisStats.Hook.DEMOTION, "keepvip_redis_demotions",
                "Demotions of the local Redis (REPLICAOF the new master), by result",
                "keepvip_redis_demotion_duration_seconds", "Duration of demotions, retries included", redis, out);
        hook(RedisStats.Hook.FENCE, "keepvip_redis_fences",
                "Fences of the local Redis (writes paused, clients dropped), by result",
                "keepvip_redis_fence_duration_seconds", "Duration of fences", redis, out);
    }

    private static void hook(RedisStats.Hook hook, String countName, String countHelp, String timeName,
            String timeHelp, List<Readings.Redis> redis, Family out) throws IOException {
        out.accept(counters(countName, countHelp, redis, (x, b) -> x.stats().results().get(hook).forEach(
                (result, n) -> b.dataPoint(counter(redisLabel(x, "result", result.label()), n)))));
        out.accept(histograms(timeName, timeHelp, redis,
                (x, b) -> b.dataPoint(histogram(redisLabel(x), x.stats().durations().get(hook)))));
    }

    private static void process(Readings r, Family out) throws IOException {
        out.accept(counters("keepvip_log_lines_dropped", "Log lines dropped rather than waited for: a destination's"
                + " queue was full, or syslog refused them", List.copyOf(r.logLinesDropped().entrySet()),
                (e, b) -> b.dataPoint(counter(Labels.of("reason", e.getKey()), e.getValue()))));
        out.accept(counters("keepvip_static_routing_errors",
                "static_ipaddress / static_routes / static_rules entries that could not be set or removed (each logged"
                        + " with the kernel's reason)", List.of(r),
                (x, b) -> b.dataPoint(counter(Labels.EMPTY, x.staticRoutingErrors()))));
        out.accept(counters("keepvip_script_runs", "Runs of a vrrp_script or notify script", r.scripts(),
                (s, b) -> b.dataPoint(counter(Labels.of("script", s.name()), s.runs()))));
        out.accept(counters("keepvip_script_failures",
                "Runs that did not exit 0 (non-zero status, signal, failure to start), timeouts excluded", r.scripts(),
                (s, b) -> b.dataPoint(counter(Labels.of("script", s.name()), s.failures()))));
        out.accept(counters("keepvip_script_timeouts", "Runs killed because they outlived their timeout", r.scripts(),
                (s, b) -> b.dataPoint(counter(Labels.of("script", s.name()), s.timeouts()))));
        hosts(r.hosts(), out);
    }

    /** vrrp_track_host: probes by outcome, the verdict, the last round trip. */
    private static void hosts(List<Readings.Host> hosts, Family out) throws IOException {
        if (hosts.isEmpty()) {
            return;
        }
        out.accept(counters("keepvip_track_host_probes", "Probes sent to a vrrp_track_host, by outcome: answered within"
                + " the timeout, lost (unanswered or not sent), and all sent", hosts, (h, b) -> {
                    b.dataPoint(counter(hostLabels(h, "result", "sent"), h.sent()));
                    b.dataPoint(counter(hostLabels(h, "result", "answered"), h.answered()));
                    b.dataPoint(counter(hostLabels(h, "result", "lost"), h.lost()));
                }));
        out.accept(counters("keepvip_track_host_late_answers", "Answers that came after their probe's timeout"
                + " (not counted as answered)", hosts, (h, b) -> b.dataPoint(counter(hostLabels(h), h.late()))));
        out.accept(gauges("keepvip_track_host_up", "1 when the vrrp_track_host is reachable by its rise/fall verdict,"
                + " 0 when not; absent before the first verdict", hosts, (h, b) -> {
                    if (h.up() != null) {
                        b.dataPoint(gauge(hostLabels(h), h.up() ? 1 : 0));
                    }
                }));
        out.accept(gauges("keepvip_track_host_rtt_seconds", "Round-trip time of the last answered probe", hosts,
                (h, b) -> {
                    if (h.lastRttNanos() >= 0) {
                        b.dataPoint(gauge(hostLabels(h), h.lastRttNanos() / 1e9));
                    }
                }));
    }

    private static Labels hostLabels(Readings.Host h, String... more) {
        String[] l = new String[4 + more.length];
        l[0] = "track_host";
        l[1] = h.name();
        l[2] = "address";
        l[3] = h.address();
        System.arraycopy(more, 0, l, 4, more.length);
        return Labels.of(l);
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot counter(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static HistogramDataPointSnapshot histogram(Labels labels, LatencyHistogram.Snapshot h) {
        return HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(h.upperBounds(), h.counts()))
                .sum(h.sumSeconds()).build();
    }
}
