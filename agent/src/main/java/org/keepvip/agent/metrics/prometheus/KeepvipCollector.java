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
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import org.keepvip.agent.metrics.LatencyHistogram;
import org.keepvip.agent.metrics.MetricsSource;
import org.keepvip.agent.metrics.Readings;
import org.keepvip.agent.metrics.RedisStats;

/**
 * Turns one {@link Readings} into Prometheus metric families at scrape time (docs/metrics.md lists
 * them). Runs on the exporter's thread; the readings are copies, so nothing here touches the loop.
 */
final class KeepvipCollector implements MultiCollector {
    static final List<String> STATES = List.of("INIT", "BACKUP", "MASTER", "FAULT", "STOP");
    static final List<String> REDIS_ROLES = List.of("master", "replica", "unknown");

    private final MetricsSource source;
    private final String version;

    KeepvipCollector(MetricsSource source, String version) {
        this.source = source;
        this.version = version;
    }

    @Override
    public MetricSnapshots collect() {
        Readings r = source.read();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        out.metricSnapshot(InfoSnapshot.builder().name("keepvip_build").help("keepvip's version")
                .dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build()).build());
        vrrp(r.instances(), out);
        interfaces(r.interfaces(), out);
        redis(r.redis(), out);
        process(r, out);
        return out.build();
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

    private static void vrrp(List<Readings.Instance> instances, MetricSnapshots.Builder out) {
        if (instances.isEmpty()) {
            return;
        }
        var state = GaugeSnapshot.builder().name("keepvip_vrrp_state")
                .help("1 for the VRRP instance's current state, 0 for the others");
        var base = GaugeSnapshot.builder().name("keepvip_vrrp_base_priority").help("The configured priority");
        var eff = GaugeSnapshot.builder().name("keepvip_vrrp_effective_priority")
                .help("The priority after tracker weights, as sent in adverts");
        var masterPrio = GaugeSnapshot.builder().name("keepvip_vrrp_master_priority")
                .help("The priority in the current master's last advert (ours when MASTER), 0 if unknown");
        var master = InfoSnapshot.builder().name("keepvip_vrrp_master")
                .help("The current master's address (ours when MASTER); absent while unknown");
        var vips = GaugeSnapshot.builder().name("keepvip_vrrp_vips").help("Virtual addresses configured");
        var held = GaugeSnapshot.builder().name("keepvip_vrrp_vips_held")
                .help("Virtual addresses this host holds now");
        var transitions = CounterSnapshot.builder().name("keepvip_vrrp_transitions")
                .help("State changes by from, to and cause");
        var sent = CounterSnapshot.builder().name("keepvip_vrrp_adverts_sent").help("Adverts sent");
        var received = CounterSnapshot.builder().name("keepvip_vrrp_adverts_received")
                .help("Adverts received and accepted");
        var zeroSent = CounterSnapshot.builder().name("keepvip_vrrp_priority_zero_adverts_sent")
                .help("Priority-0 adverts sent (releasing MASTER)");
        var zeroReceived = CounterSnapshot.builder().name("keepvip_vrrp_priority_zero_adverts_received")
                .help("Priority-0 adverts received (the master released)");
        var sendErrors = CounterSnapshot.builder().name("keepvip_vrrp_advert_send_errors")
                .help("Adverts that could not be sent");
        var dropped = CounterSnapshot.builder().name("keepvip_vrrp_adverts_dropped")
                .help("Adverts for this instance dropped by its receive checks, by cause");
        var rst = CounterSnapshot.builder().name("keepvip_vrrp_released_vip_syns")
                .help("TCP SYNs to VIPs this instance released: answered with RST, or left unanswered (rate limit)");
        var takeover = HistogramSnapshot.builder().name("keepvip_vrrp_takeover_duration_seconds")
                .help("Time from a takeover's trigger (down timer due, or the priority-0 advert) to the VIPs"
                        + " added (step vip_added) and the first GARP/NA burst sent (step announced)");
        var trackers = GaugeSnapshot.builder().name("keepvip_vrrp_tracker_up")
                .help("1 when a tracker of the instance (script, interface, file, Redis) is OK, 0 when failed;"
                        + " absent before its first result");
        for (Readings.Instance i : instances) {
            for (String s : STATES) {
                state.dataPoint(gauge(instanceLabels(i, "state", s), s.equals(i.state()) ? 1 : 0));
            }
            base.dataPoint(gauge(instanceLabels(i), i.basePriority()));
            eff.dataPoint(gauge(instanceLabels(i), i.effectivePriority()));
            masterPrio.dataPoint(gauge(instanceLabels(i), i.masterPriority()));
            if (i.master() != null) {
                master.dataPoint(InfoDataPointSnapshot.builder().labels(instanceLabels(i, "master", i.master())).build());
            }
            vips.dataPoint(gauge(instanceLabels(i), i.vips()));
            held.dataPoint(gauge(instanceLabels(i), i.vipsHeld()));
            i.transitions().forEach((t, n) -> transitions.dataPoint(counter(
                    instanceLabels(i, "from", t.from(), "to", t.to(), "cause", t.cause().label()), n)));
            Map<String, Long> c = i.counters();
            sent.dataPoint(counter(instanceLabels(i), c.getOrDefault("advert_sent", 0L)));
            received.dataPoint(counter(instanceLabels(i), c.getOrDefault("advert_rcvd", 0L)));
            zeroSent.dataPoint(counter(instanceLabels(i), c.getOrDefault("pri_zero_sent", 0L)));
            zeroReceived.dataPoint(counter(instanceLabels(i), c.getOrDefault("pri_zero_rcvd", 0L)));
            sendErrors.dataPoint(counter(instanceLabels(i), c.getOrDefault("send_errors", 0L)));
            c.forEach((k, n) -> {
                if (k.startsWith("drop_")) {
                    dropped.dataPoint(counter(instanceLabels(i, "cause", k.substring(5)), n));
                }
            });
            rst.dataPoint(counter(instanceLabels(i, "result", "refused"), c.getOrDefault("refused_syn", 0L)));
            rst.dataPoint(counter(instanceLabels(i, "result", "rate_limited"),
                    c.getOrDefault("refuse_rate_limited", 0L)));
            i.takeovers().forEach((k, h) -> takeover.dataPoint(histogram(
                    instanceLabels(i, "trigger", k.trigger(), "step", k.step()), h)));
            i.trackers().forEach((id, ok) -> {
                if (ok != null) {
                    trackers.dataPoint(gauge(instanceLabels(i, "tracker", id), ok ? 1 : 0));
                }
            });
        }
        out.metricSnapshot(state.build()).metricSnapshot(base.build()).metricSnapshot(eff.build())
                .metricSnapshot(masterPrio.build()).metricSnapshot(master.build()).metricSnapshot(vips.build())
                .metricSnapshot(held.build()).metricSnapshot(transitions.build()).metricSnapshot(sent.build())
                .metricSnapshot(received.build()).metricSnapshot(zeroSent.build())
                .metricSnapshot(zeroReceived.build()).metricSnapshot(sendErrors.build())
                .metricSnapshot(dropped.build()).metricSnapshot(rst.build()).metricSnapshot(takeover.build())
                .metricSnapshot(trackers.build());
    }

    private static void interfaces(List<Readings.Interface> interfaces, MetricSnapshots.Builder out) {
        var dropped = CounterSnapshot.builder().name("keepvip_interface_frames_dropped")
                .help("VRRP frames dropped on an interface before any instance saw them, by cause");
        for (Readings.Interface f : interfaces) {
            f.drops().forEach((cause, n) -> dropped.dataPoint(counter(
                    Labels.of("interface", f.name(), "cause", cause), n)));
        }
        out.metricSnapshot(dropped.build());
    }

    private static void redis(List<Readings.Redis> redis, MetricSnapshots.Builder out) {
        if (redis.isEmpty()) {
            return;
        }
        var up = GaugeSnapshot.builder().name("keepvip_redis_up")
                .help("1 when the local Redis passes its check (after rise/fall), 0 when it fails; absent before"
                        + " the first verdict");
        var role = GaugeSnapshot.builder().name("keepvip_redis_role")
                .help("1 for the local Redis's role in its last check, 0 for the others");
        var checks = HistogramSnapshot.builder().name("keepvip_redis_check_duration_seconds")
                .help("Duration of the Redis check (PING and INFO)");
        var offset = GaugeSnapshot.builder().name("keepvip_redis_replication_offset_bytes")
                .help("Replication offset of the data the local Redis holds (master_repl_offset)");
        var lagBytes = GaugeSnapshot.builder().name("keepvip_redis_replication_lag_bytes")
                .help("A replica: bytes behind its master's last known offset; a master: bytes its slowest"
                        + " replica is behind");
        var lagSeconds = GaugeSnapshot.builder().name("keepvip_redis_replication_lag_seconds")
                .help("A replica: seconds without data from its master (master_last_io_seconds_ago, or the link"
                        + " down that long; up to repl-ping-replica-period when idle); a master: its slowest replica's");
        var wipe = CounterSnapshot.builder().name("keepvip_redis_wipe_guard_refusals")
                .help("Promotions or REPLICAOFs the wipe guard refused (empty, loading or restarted master)");
        var split = CounterSnapshot.builder().name("keepvip_redis_split_brains")
                .help("Split brains healed by a demote: writes of the losing master discarded by the resync");
        Map<RedisStats.Hook, CounterSnapshot.Builder> hookCounts = Map.of(
                RedisStats.Hook.PROMOTION, CounterSnapshot.builder().name("keepvip_redis_promotions")
                        .help("Promotions of the local Redis (REPLICAOF NO ONE, ROLE confirmed), by result"),
                RedisStats.Hook.DEMOTION, CounterSnapshot.builder().name("keepvip_redis_demotions")
                        .help("Demotions of the local Redis (REPLICAOF the new master), by result"),
                RedisStats.Hook.FENCE, CounterSnapshot.builder().name("keepvip_redis_fences")
                        .help("Fences of the local Redis (writes paused, clients dropped), by result"));
        Map<RedisStats.Hook, HistogramSnapshot.Builder> hookTimes = Map.of(
                RedisStats.Hook.PROMOTION, HistogramSnapshot.builder().name("keepvip_redis_promotion_duration_seconds")
                        .help("Duration of promotions, from the wipe guard's check to ROLE master"),
                RedisStats.Hook.DEMOTION, HistogramSnapshot.builder().name("keepvip_redis_demotion_duration_seconds")
                        .help("Duration of demotions, retries included"),
                RedisStats.Hook.FENCE, HistogramSnapshot.builder().name("keepvip_redis_fence_duration_seconds")
                        .help("Duration of fences"));
        for (Readings.Redis x : redis) {
            Labels l = Labels.of("redis", x.name());
            if (x.up() != null) {
                up.dataPoint(gauge(l, x.up() ? 1 : 0));
            }
            for (String r : REDIS_ROLES) {
                role.dataPoint(gauge(Labels.of("redis", x.name(), "role", r), r.equals(x.role()) ? 1 : 0));
            }
            RedisStats.Snapshot s = x.stats();
            checks.dataPoint(histogram(l, s.checks()));
            if (x.offset() != null) {
                offset.dataPoint(gauge(l, x.offset()));
            }
            if (x.lagBytes() != null) {
                lagBytes.dataPoint(gauge(l, x.lagBytes()));
            }
            if (x.lagSeconds() != null) {
                lagSeconds.dataPoint(gauge(l, x.lagSeconds()));
            }
            wipe.dataPoint(counter(l, s.wipeGuardRefusals()));
            split.dataPoint(counter(l, s.splitBrains()));
            for (RedisStats.Hook h : RedisStats.Hook.values()) {
                s.results().get(h).forEach((result, n) -> hookCounts.get(h).dataPoint(counter(
                        Labels.of("redis", x.name(), "result", result.label()), n)));
                hookTimes.get(h).dataPoint(histogram(l, s.durations().get(h)));
            }
        }
        out.metricSnapshot(up.build()).metricSnapshot(role.build()).metricSnapshot(checks.build())
                .metricSnapshot(offset.build()).metricSnapshot(lagBytes.build()).metricSnapshot(lagSeconds.build())
                .metricSnapshot(wipe.build()).metricSnapshot(split.build());
        for (RedisStats.Hook h : RedisStats.Hook.values()) {
            out.metricSnapshot(hookCounts.get(h).build()).metricSnapshot(hookTimes.get(h).build());
        }
    }

    private static void process(Readings r, MetricSnapshots.Builder out) {
        var logs = CounterSnapshot.builder().name("keepvip_log_lines_dropped")
                .help("Log lines dropped rather than waited for: a destination's queue was full, or syslog"
                        + " refused them");
        r.logLinesDropped().forEach((reason, n) -> logs.dataPoint(counter(Labels.of("reason", reason), n)));
        out.metricSnapshot(logs.build());
        var runs = CounterSnapshot.builder().name("keepvip_script_runs").help("Runs of a vrrp_script or notify script");
        var failures = CounterSnapshot.builder().name("keepvip_script_failures")
                .help("Runs that did not exit 0 (non-zero status, signal, failure to start), timeouts excluded");
        var timeouts = CounterSnapshot.builder().name("keepvip_script_timeouts")
                .help("Runs killed because they outlived their timeout");
        for (Readings.Script s : r.scripts()) {
            Labels l = Labels.of("script", s.name());
            runs.dataPoint(counter(l, s.runs()));
            failures.dataPoint(counter(l, s.failures()));
            timeouts.dataPoint(counter(l, s.timeouts()));
        }
        out.metricSnapshot(runs.build()).metricSnapshot(failures.build()).metricSnapshot(timeouts.build());
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
