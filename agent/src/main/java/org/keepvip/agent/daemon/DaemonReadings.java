package org.keepvip.agent.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.keepvip.agent.log.LogOutput;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.InstanceMetrics;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.agent.metrics.MetricsSource;
import org.keepvip.agent.metrics.Readings;
import org.keepvip.agent.packet.CauseCounters;
import org.keepvip.agent.packet.DropReason;
import org.keepvip.agent.redis.RedisWiring;
import org.keepvip.agent.script.ScriptRunner;
import org.keepvip.vrrp.state.VrrpState;

/**
 * The daemon's values for a metrics scrape, read on the exporter's thread from what is safe to read
 * there: the instances the loop last published ({@link EventLoop#instancesForReaders()}, each with its
 * {@link InstanceMetrics} view and atomic counters), the Redis wirings' volatile state, the interfaces'
 * drop counters, the script runner's and the log's counters. Unlike {@code keepvip status}, which
 * runs on the loop, it never posts to the loop.
 */
final class DaemonReadings implements MetricsSource {
    private final EventLoop loop;
    private final Supplier<Map<String, RedisWiring>> redis;
    private final Map<String, CauseCounters<DropReason>> frameDrops;
    private final Supplier<ScriptRunner> scripts;
    private final LongSupplier staticRoutingErrors;
    private final Supplier<List<Readings.Host>> hosts;

    DaemonReadings(EventLoop loop, Supplier<Map<String, RedisWiring>> redis,
            Map<String, CauseCounters<DropReason>> frameDrops, Supplier<ScriptRunner> scripts) {
        this(loop, redis, frameDrops, scripts, () -> 0, List::of);
    }

    DaemonReadings(EventLoop loop, Supplier<Map<String, RedisWiring>> redis,
            Map<String, CauseCounters<DropReason>> frameDrops, Supplier<ScriptRunner> scripts,
            LongSupplier staticRoutingErrors, Supplier<List<Readings.Host>> hosts) {
        this.hosts = hosts;
        this.loop = loop;
        this.redis = redis;
        this.frameDrops = frameDrops;
        this.scripts = scripts;
        this.staticRoutingErrors = staticRoutingErrors;
    }

    @Override
    public Readings read() {
        List<Readings.Instance> instances = new ArrayList<>();
        for (InstanceRuntime r : loop.instancesForReaders()) {
            instances.add(instance(r));
        }
        List<Readings.Redis> redisReadings = new ArrayList<>();
        new TreeMap<>(redis.get()).values().forEach(w -> redisReadings.add(w.reading()));
        List<Readings.Interface> interfaces = new ArrayList<>();
        StatusBuilder.dropsByInterface(loop, frameDrops)
                .forEach((name, drops) -> interfaces.add(new Readings.Interface(name, drops)));
        List<Readings.Script> scriptReadings = new ArrayList<>();
        ScriptRunner runner = scripts.get();
        if (runner != null) {
            runner.outcomes().forEach((name, c) -> scriptReadings.add(new Readings.Script(name, c[0], c[1], c[2])));
        }
        return new Readings(instances, redisReadings, interfaces, LogOutput.droppedLines(), scriptReadings,
                staticRoutingErrors.getAsLong(), hosts.get());
    }

    private static Readings.Instance instance(InstanceRuntime r) {
        InstanceRuntime.Wire w = r.wire();
        InstanceMetrics m = r.metrics();
        InstanceMetrics.View v = m.view();
        int vips = r.vips().size();
        if (v == null) { // not started yet: INIT with its configuration
            var c = r.machine().config();
            return new Readings.Instance(r.name(), w.vrid(), w.ifname(), VrrpState.INIT.name(), c.priority(),
                    c.priority(), null, 0, vips, 0, r.counters(), m.transitionCounts(), Map.of(),
                    m.takeoverSnapshots());
        }
        return new Readings.Instance(r.name(), w.vrid(), w.ifname(), v.state().name(), v.config().priority(),
                v.effectivePriority(), v.master() == null ? null : v.master().getHostAddress(), v.masterPriority(),
                vips, v.vipsSet() ? vips : 0, r.counters(), m.transitionCounts(), m.trackers(),
                m.takeoverSnapshots());
    }
}
