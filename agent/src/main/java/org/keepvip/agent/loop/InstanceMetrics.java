package org.keepvip.agent.loop;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.keepvip.agent.metrics.LatencyHistogram;
import org.keepvip.agent.metrics.Readings;
import org.keepvip.agent.metrics.TransitionCause;
import org.keepvip.vrrp.state.Action;
import org.keepvip.vrrp.state.Decision;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;

/**
 * What a scrape reads of one instance besides its counters: the machine's state as the loop last
 * published it, state changes by cause, and takeover durations. The loop writes (cheaply: a few
 * comparisons per event, an allocation only when something changed); any thread reads.
 */
public final class InstanceMetrics {
    private static final long NONE = Long.MIN_VALUE;

    /** The machine's values a scrape shows; replaced, never changed, by the loop. */
    public record View(VrrpState state, int effectivePriority, boolean vipsSet, InetAddress master, int masterPriority,
            InstanceConfig config) {}

    private volatile View view;
    private volatile Map<String, Boolean> trackers = Map.of();
    private final Map<Readings.Transition, AtomicLong> transitions = new ConcurrentHashMap<>();
    private final Map<Readings.TakeoverStep, LatencyHistogram> takeovers = new ConcurrentHashMap<>();

    // Loop thread only.
    /** When the last accepted advert, if it had priority 0, arrived (loop clock); else NONE. */
    private long priorityZeroAt = NONE;
    /** The deadline of the down timer the loop is firing now; NONE otherwise. */
    private long takeoverDueAt = NONE;
    /** The takeover under way: from its MASTER transition until its GARP/NA burst is handed to the lane. */
    private Takeover takeover;

    /** After every event (loop thread): publishes the machine's values if any changed. */
    void publish(VrrpInstance m) {
        View v = view;
        InetAddress master = m.masterAddress();
        if (v == null || v.state() != m.state() || v.effectivePriority() != m.effectivePriority()
                || v.vipsSet() != m.vipsSet() || v.masterPriority() != m.masterPriority() || v.config() != m.config()
                || !Objects.equals(v.master(), master)) {
            if (v == null || v.config() != m.config()) {
                trackers = m.trackerResults();
            }
            view = new View(m.state(), m.effectivePriority(), m.vipsSet(), master, m.masterPriority(), m.config());
        }
    }

    /** A tracker result reached the machine (loop thread). */
    void trackersChanged(VrrpInstance m) {
        trackers = m.trackerResults();
    }

    public View view() {
        return view;
    }

    public Map<String, Boolean> trackers() {
        return trackers;
    }

    /** An advert was accepted (loop thread). */
    void advertAccepted(int priority, long at) {
        priorityZeroAt = priority == 0 ? at : NONE;
    }

    /** The loop fires this instance's down timer, due at {@code deadline}. */
    void takeoverDue(long deadline) {
        takeoverDueAt = deadline;
    }

    /** A state change leaves the machine (loop thread): counted, and a takeover starts its clock. */
    void transition(Action.StateChanged c) {
        TransitionCause cause = TransitionCause.of(c.why(), c.to());
        transitions.computeIfAbsent(new Readings.Transition(c.from().name(), c.to().name(), cause),
                k -> new AtomicLong()).incrementAndGet();
        takeover = null;
        if (c.to() == VrrpState.MASTER) {
            if (cause == TransitionCause.PRIORITY_ZERO_ADVERT && priorityZeroAt != NONE) {
                takeover = new Takeover(cause.label(), priorityZeroAt);
            } else if (cause == TransitionCause.MASTER_DOWN_TIMER && takeoverDueAt != NONE) {
                takeover = new Takeover(cause.label(), takeoverDueAt);
            }
        }
        takeoverDueAt = NONE;
        priorityZeroAt = NONE;
    }

    /** The takeover the VIP add being handed to the lane belongs to, or null (loop thread). */
    Takeover takeoverForVipAdd() {
        return takeover;
    }

    /** The takeover whose GARP/NA burst is being handed to the lane, or null; it ends here (loop thread). */
    Takeover takeoverForAnnounce() {
        Takeover t = takeover;
        takeover = null;
        return t;
    }

    /** One takeover: its trigger and when it fired, on the loop's clock ({@code System.nanoTime()}). */
    final class Takeover {
        private final String trigger;
        private final long startedAt;

        Takeover(String trigger, long startedAt) {
            this.trigger = trigger;
            this.startedAt = startedAt;
        }

        /** The lane added the VIPs. */
        void vipsAdded() {
            step("vip_added");
        }

        /** The lane sent the first GARP/NA burst. */
        void announced() {
            step("announced");
        }

        private void step(String step) {
            takeovers.computeIfAbsent(new Readings.TakeoverStep(trigger, step), k -> new LatencyHistogram())
                    .observeNanos(System.nanoTime() - startedAt);
        }
    }

    /**
     * Start-up only: runs the bookkeeping of a takeover {@code rounds} times on a throwaway instance,
     * so that the first real one does not load these classes (the lane records the VIP add between
     * the add and the GARP/NA burst).
     */
    static void warmUp(int rounds) {
        InstanceMetrics m = new InstanceMetrics();
        for (int i = 0; i < rounds; i++) {
            long now = System.nanoTime();
            m.takeoverDue(now);
            m.transition(new Action.StateChanged(VrrpState.BACKUP, VrrpState.MASTER, "master down timer expired",
                    "(warm-up) Entering MASTER STATE", new Decision(
                            Decision.Cause.MASTER_DOWN_TIMER, now, 100, 100, null, -1, 0, null,
                            List.of())));
            m.takeoverForVipAdd().vipsAdded();
            m.takeoverForAnnounce().announced();
        }
    }

    public Map<Readings.Transition, Long> transitionCounts() {
        Map<Readings.Transition, Long> out = new LinkedHashMap<>();
        transitions.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public Map<Readings.TakeoverStep, LatencyHistogram.Snapshot> takeoverSnapshots() {
        Map<Readings.TakeoverStep, LatencyHistogram.Snapshot> out = new LinkedHashMap<>();
        takeovers.forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }
}
