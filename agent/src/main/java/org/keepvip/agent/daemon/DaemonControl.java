package org.keepvip.agent.daemon;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.keepvip.agent.control.ControlHandler;
import org.keepvip.agent.control.ControlResponse;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.agent.packet.CauseCounters;
import org.keepvip.agent.packet.DropReason;
import org.keepvip.agent.redis.RedisWiring;
import org.keepvip.agent.redis.SwitchoverDriver;
import org.keepvip.agent.script.NotifyFifo;
import org.keepvip.agent.script.ScriptTrackers;
import org.keepvip.vrrp.config.KeepalivedConfig;

/**
 * The daemon's answers on the control socket (and to the dump signals): status read on the loop,
 * reload through the {@link Reloader}, switchover through the {@link SwitchoverDriver}.
 */
final class DaemonControl implements ControlHandler {
    /** What a status reads besides the loop's instances; the suppliers follow a reload. */
    record Sources(StatusBuilder builder, Supplier<KeepalivedConfig> config, Supplier<ScriptTrackers> scripts,
            Trackers trackers, Map<String, RedisWiring> redis, Optional<NotifyFifo> fifo,
            Map<String, CauseCounters<DropReason>> frameDrops) {}

    private final EventLoop loop;
    private final Sources sources;
    private final Reloader reloader;

    DaemonControl(EventLoop loop, Sources sources, Reloader reloader) {
        this.loop = loop;
        this.sources = sources;
        this.reloader = reloader;
    }

    @Override
    public StatusSnapshot status() {
        CompletableFuture<StatusSnapshot> f = new CompletableFuture<>();
        long lost = sources.fifo().map(NotifyFifo::lostEvents).orElse(0L);
        List<StatusSnapshot.Tracker> trackers = sources.trackers().status(sources.config().get());
        loop.post(new LoopEvent.OnLoop(() -> f.complete(sources.builder()
                .build(loop, sources.scripts().get(), sources.redis(), lost, sources.frameDrops())
                .withTrackers(trackers))));
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the event loop did not answer: " + e);
        }
    }

    @Override
    public ControlResponse reload() {
        return reloader.reload();
    }

    @Override
    public ControlResponse switchover(String instance, String to) {
        return new SwitchoverDriver(loop, sources::redis).run(instance, to);
    }
}
