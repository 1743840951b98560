package org.keepvip.agent.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.keepvip.vrrp.state.Action;
import org.keepvip.vrrp.state.Decision;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.vrrp.state.VrrpState;

/**
 * One state change in the making: the machine's {@link Decision}, then the time each step took as the
 * loop (advert) and the hook lane (promote, VIPs, GARP/NA, fence, notify) carry it out. Opened on the
 * loop with nothing but references and one clock read; steps are added by the lane; the record and its
 * text are built on the {@link DecisionLog}'s thread once the transition's notify has run.
 */
public final class TransitionTrace implements DecisionLog.Pending {
    private final String instance;
    private final List<TrackerSpec> trackers;
    private final Action.StateChanged change;
    private final long at;
    private volatile long advertSent;
    /** Made by the first step, on the lane: the loop allocates nothing but the trace itself. */
    private List<Timed> steps;
    private boolean published;

    private record Timed(String name, long start, long end, String error) {}

    /**
     * @param trackers the instance's trackers (its {@code redis_instance} is read from them off the loop)
     * @param opened   when the loop handled the change (used when the change carries no decision)
     */
    public TransitionTrace(String instance, List<TrackerSpec> trackers, Action.StateChanged change, long opened) {
        this.instance = instance;
        this.trackers = trackers;
        this.change = change;
        this.at = change.why() == null ? opened : change.why().at();
    }

    /** The loop sent the transition's advert (called on the loop, right after it). */
    public void advertSent(long nanoTime) {
        advertSent = nanoTime;
    }

    /** A step ended; {@code error} null when it succeeded. Called on the hook lane. */
    public synchronized void step(String name, long start, long end, String error) {
        if (steps == null) {
            steps = new ArrayList<>(6);
        }
        steps.add(new Timed(name, start, end, error));
    }

    /** Hands the trace to {@code log} once; later calls do nothing. */
    public void publishTo(DecisionLog log) {
        synchronized (this) {
            if (published) {
                return;
            }
            published = true;
        }
        log.publish(this);
    }

    @Override
    public synchronized EventRecord toRecord(long seq, DecisionLog.WallClock wall) {
        Decision d = change.why();
        List<EventRecord.Step> out = new ArrayList<>();
        long last = at;
        if (advertSent != 0 && change.to() != VrrpState.STOP) {
            out.add(new EventRecord.Step("advert", Millis.of(advertSent - at), Millis.of(advertSent - at), null));
            last = Math.max(last, advertSent);
        }
        for (Timed t : steps == null ? List.<Timed>of() : steps) {
            out.add(new EventRecord.Step(t.name(), Millis.of(t.end() - t.start()), Millis.of(t.end() - at), t.error()));
            last = Math.max(last, t.end());
        }
        Double total = out.isEmpty() ? null : Millis.of(last - at);
        String cause = d == null ? "unknown" : d.cause().name().toLowerCase(Locale.ROOT);
        String what = change.from() + " -> " + change.to();
        Map<String, Object> inputs = inputs(d);
        String text = "(" + instance + ") " + what + " because " + cause + ": " + Explain.why(d, change.reason())
                + Explain.priorities(d) + Explain.steps(out, total);
        return new EventRecord(seq, wall.at(at).toString(), "transition", instance, redis(), what, cause, inputs,
                out, total, text);
    }

    /** The {@code redis_instance} the instance tracks (tracker {@code redis:NAME}), null when none. */
    private String redis() {
        for (TrackerSpec t : trackers) {
            if (t.id().startsWith("redis:")) {
                return t.id().substring("redis:".length());
            }
        }
        return null;
    }

    private Map<String, Object> inputs(Decision d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reason", change.reason());
        if (d == null) {
            return m;
        }
        m.put("ownPriority", d.ownPriority());
        m.put("basePriority", d.basePriority());
        if (d.peer() != null) {
            m.put("peer", d.peer().getHostAddress());
        }
        if (d.peerPriority() >= 0) {
            m.put("peerPriority", d.peerPriority());
        }
        if (d.timerNanos() > 0) {
            m.put("timerMs", Millis.of(d.timerNanos()));
        }
        if (d.trigger() != null) {
            m.put("trigger", d.trigger());
        }
        if (!d.trackers().isEmpty()) {
            List<Map<String, Object>> ts = new ArrayList<>();
            for (Decision.Tracker t : d.trackers()) {
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("id", t.id());
                tm.put("weight", t.weight());
                tm.put("reverse", t.reverse());
                tm.put("state", Explain.trackerState(t));
                ts.add(tm);
            }
            m.put("trackers", ts);
        }
        return m;
    }
}
