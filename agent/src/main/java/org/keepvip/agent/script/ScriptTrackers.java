package org.keepvip.agent.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.keepvip.vrrp.config.VrrpScript;
import org.keepvip.vrrp.state.RiseFallCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.loop.LoopEvent;

/**
 * The {@code vrrp_script} trackers: each run's result goes through keepalived's rise/fall counter,
 * and only a change of status reaches the event loop as {@code script:NAME}.
 */
public final class ScriptTrackers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    private final List<VrrpScriptTracker> trackers = new ArrayList<>();
    private final Map<String, RiseFallCounter> counters = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastCode = new ConcurrentHashMap<>();

    public ScriptTrackers(List<VrrpScript> scripts, ScriptRunner runner, ScheduledExecutorService scheduler,
            Consumer<LoopEvent> loop) {
        for (VrrpScript s : scripts) {
            RiseFallCounter counter = new RiseFallCounter(s.rise(), s.fall(), s.initFail());
            counters.put(s.name(), counter);
            trackers.add(new VrrpScriptTracker(ScriptNotifier.command(s.name(), s.command()), s.interval(),
                    s.timeout(), runner, scheduler, run -> onRun(s.name(), counter, run, loop)));
        }
    }

    private void onRun(String name, RiseFallCounter counter, ScriptRun run, Consumer<LoopEvent> loop) {
        lastCode.put(name, run.result().code());
        RiseFallCounter.Change change;
        synchronized (counter) {
            change = counter.record(run.ok());
        }
        if (change == RiseFallCounter.Change.BECAME_OK) {
            LOG.info("VRRP_Script({}) succeeded", name);
            loop.accept(new LoopEvent.TrackerChanged("script:" + name, true));
        } else if (change == RiseFallCounter.Change.BECAME_FAILED) {
            LOG.info("VRRP_Script({}) failed ({})", name, run.result().describe());
            loop.accept(new LoopEvent.TrackerChanged("script:" + name, false));
        }
    }

    public void start() {
        trackers.forEach(VrrpScriptTracker::start);
    }

    /** OK, FAILED or UNKNOWN per script, for status. */
    public String status(String name) {
        RiseFallCounter c = counters.get(name);
        return c == null ? "UNKNOWN" : c.status().name();
    }

    public Integer lastCode(String name) {
        return lastCode.get(name);
    }

    @Override
    public void close() {
        trackers.forEach(VrrpScriptTracker::close);
    }
}
