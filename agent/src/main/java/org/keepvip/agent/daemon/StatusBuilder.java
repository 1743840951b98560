package org.keepvip.agent.daemon;

import java.net.Inet6Address;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.agent.packet.CauseCounters;
import org.keepvip.agent.packet.DropReason;
import org.keepvip.agent.redis.LagJudge;
import org.keepvip.agent.redis.RedisWiring;
import org.keepvip.agent.script.ScriptTrackers;
import org.keepvip.vrrp.mapping.InstanceMapping;
import org.keepvip.vrrp.state.InstanceStatus;

/** Builds {@code keepvip status} snapshots from the loop's instances; call on the loop thread. */
final class StatusBuilder {
    private final String version;
    private final String startedAt = Instant.now().toString();
    private final String configFile;

    StatusBuilder(String version, String configFile) {
        this.version = version;
        this.configFile = configFile;
    }

    /** {@code frameDrops}: each interface's drops by the frame checks, before the loop saw them. */
    StatusSnapshot build(EventLoop loop, ScriptTrackers scripts, Map<String, RedisWiring> redis, long fifoLost,
            Map<String, CauseCounters<DropReason>> frameDrops) {
        List<StatusSnapshot.Instance> out = new ArrayList<>();
        for (InstanceRuntime r : loop.instances().values()) {
            InstanceStatus st = r.machine().status();
            Map<String, Long> c = r.counters();
            Map<String, Long> drops = new TreeMap<>();
            c.forEach((k, v) -> {
                if (k.startsWith("drop_")) {
                    drops.put(k.substring(5), v);
                }
            });
            var stats = new StatusSnapshot.Stats(c.getOrDefault("advert_rcvd", 0L), c.getOrDefault("advert_sent", 0L),
                    c.getOrDefault("become_master", 0L), c.getOrDefault("release_master", 0L),
                    c.getOrDefault("pri_zero_rcvd", 0L), c.getOrDefault("pri_zero_sent", 0L), drops,
                    c.getOrDefault("refused_syn", 0L), c.getOrDefault("refuse_rate_limited", 0L));
            List<String> vips = r.vips().stream().map(v -> v.address().getHostAddress() + "/" + v.prefixLength()).toList();
            List<StatusSnapshot.Script> scriptStates = new ArrayList<>();
            r.machine().config().trackers().stream().filter(t -> t.id().startsWith(InstanceMapping.SCRIPT)).forEach(t -> {
                String name = t.id().substring(InstanceMapping.SCRIPT.length());
                scriptStates.add(new StatusSnapshot.Script(name, scripts == null ? "UNKNOWN" : scripts.status(name),
                        scripts == null ? null : scripts.lastCode(name), t.weight()));
            });
            out.add(new StatusSnapshot.Instance(st.name(), st.state().name(), st.vrid(), r.wire().version(),
                    r.wire().source() instanceof Inet6Address ? "inet6" : "inet", r.wire().ifname(),
                    st.basePriority(), st.effectivePriority(), r.wire().advertIntervalCentis() * 10L, vips,
                    st.vipsSet() ? vips : List.of(), st.master().map(a -> a.getHostAddress()).orElse(null),
                    st.masterPriority(), redisStatus(r, redis), scriptStates, stats));
        }
        return snapshot(out, fifoLost, interfaces(loop, frameDrops));
    }

    /** One entry per interface with packet IO: its frame drops and the loop's drops before matching. */
    private static List<StatusSnapshot.Interface> interfaces(EventLoop loop,
            Map<String, CauseCounters<DropReason>> frameDrops) {
        List<StatusSnapshot.Interface> out = new ArrayList<>();
        dropsByInterface(loop, frameDrops).forEach((name, drops) -> out.add(new StatusSnapshot.Interface(name, drops)));
        return out;
    }

    /**
     * Each interface's drops by cause, sorted by name: the frame checks' and the loop's
     * ({@code unknown_vrid}, {@code loop_overrun}), for status and for metrics.
     */
    static Map<String, Map<String, Long>> dropsByInterface(EventLoop loop,
            Map<String, CauseCounters<DropReason>> frameDrops) {
        Map<String, Map<String, Long>> byInterface = new TreeMap<>();
        frameDrops.forEach((ifname, counters) -> {
            Map<String, Long> m = byInterface.computeIfAbsent(ifname, k -> new TreeMap<>());
            counters.snapshot().forEach((cause, n) -> m.put(cause.name().toLowerCase(Locale.ROOT), n));
        });
        loop.interfaceDrops().forEach((key, n) -> {
            int colon = key.lastIndexOf(':');
            byInterface.computeIfAbsent(key.substring(0, colon), k -> new TreeMap<>()).put(key.substring(colon + 1), n);
        });
        return byInterface;
    }

    private static StatusSnapshot.Redis redisStatus(InstanceRuntime r, Map<String, RedisWiring> redis) {
        String tracker = r.machine().config().trackers().stream().map(t -> t.id())
                .filter(id -> id.startsWith("redis:")).findFirst().orElse(null);
        RedisWiring w = tracker == null ? null : redis.get(tracker.substring("redis:".length()));
        if (w == null) {
            return null;
        }
        var health = w.lastHealth();
        String detail = health.map(h -> h.verdict().ok() ? h.summary() : h.verdict().reason()).orElse(null);
        // H2 (ARCHITECTURE.md, "Redis hazards"): the last split brain's divergence stays visible in status, not only in the log.
        String split = w.lastDivergence().map(d -> "last split brain: " + d)
                .or(() -> w.sentinelStatus().map(d -> "sentinel: " + d)).orElse(null);
        LagJudge.Verdict lag = w.lagVerdict();
        long[] watch = w.watchCounts();
        return new StatusSnapshot.Redis(w.endpoint().address(),
                health.map(h -> h.role().name().toLowerCase(Locale.ROOT)).orElse("unknown"),
                w.checkStatus().name().toLowerCase(Locale.ROOT),
                split == null ? detail : detail == null ? split : detail + "; " + split, lag.word(), lag.reason(),
                watch[0], watch[1], watch[2], w.minReplicasStatus().orElse(null), w.savedDataset().orElse(null));
    }

    private StatusSnapshot snapshot(List<StatusSnapshot.Instance> out, long fifoLost,
            List<StatusSnapshot.Interface> interfaces) {
        return new StatusSnapshot(version, ProcessHandle.current().pid(), startedAt, Instant.now().toString(),
                configFile, out, fifoLost, interfaces);
    }
}
