package org.keepvip.agent.metrics;

import java.util.List;
import java.util.Map;

/**
 * What one scrape reads from the daemon: plain values copied from thread-safe state (atomics, and
 * views the event loop publishes when they change), never a request to the loop, so a scrape costs
 * the loop nothing. Absent values are null.
 */
public record Readings(List<Instance> instances, List<Redis> redis, List<Interface> interfaces,
        Map<String, Long> logLinesDropped, List<Script> scripts, long staticRoutingErrors, List<Host> hosts) {
    /** Without vrrp_track_host trackers. */
    public Readings(List<Instance> instances, List<Redis> redis, List<Interface> interfaces,
            Map<String, Long> logLinesDropped, List<Script> scripts, long staticRoutingErrors) {
        this(instances, redis, interfaces, logLinesDropped, scripts, staticRoutingErrors, List.of());
    }

    /** Without static_* failures. */
    public Readings(List<Instance> instances, List<Redis> redis, List<Interface> interfaces,
            Map<String, Long> logLinesDropped, List<Script> scripts) {
        this(instances, redis, interfaces, logLinesDropped, scripts, 0);
    }

    /**
     * One VRRP instance.
     *
     * @param counters   the instance's event counters by name ({@code advert_sent}, {@code drop_ttl}, ...)
     * @param trackers   each tracker's last result, null before the first
     * @param takeovers  takeover durations by trigger and step
     */
    public record Instance(String name, int vrid, String ifname, String state, int basePriority,
            int effectivePriority, String master, int masterPriority, int vips, int vipsHeld,
            Map<String, Long> counters, Map<Transition, Long> transitions, Map<String, Boolean> trackers,
            Map<TakeoverStep, LatencyHistogram.Snapshot> takeovers) {}

    /**
     * A state change of an instance and its cause, as counted. equals and hashCode are written out: a
     * record's generated ones go through method handles, whose classes cost the daemon memory (it is
     * a map key counted at every state change).
     */
    public record Transition(String from, String to, TransitionCause cause) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Transition t && cause == t.cause && from.equals(t.from) && to.equals(t.to);
        }

        @Override
        public int hashCode() {
            return (from.hashCode() * 31 + to.hashCode()) * 31 + cause.ordinal();
        }
    }

    /**
     * A step of a takeover, timed from its trigger.
     *
     * @param trigger {@code master_down_timer} or {@code priority_zero_advert}
     * @param step    {@code vip_added} or {@code announced} (the first GARP/NA burst sent)
     */
    public record TakeoverStep(String trigger, String step) {
        @Override
        public boolean equals(Object o) { // written out, as Transition's
            return o instanceof TakeoverStep t && trigger.equals(t.trigger) && step.equals(t.step);
        }

        @Override
        public int hashCode() {
            return trigger.hashCode() * 31 + step.hashCode();
        }
    }

    /**
     * One {@code redis_instance}.
     *
     * @param up        the check's rise/fall verdict: true OK, false FAILED, null not yet known
     * @param role      master, replica or unknown
     * @param offset    the replication offset of the data it holds, null if unknown
     * @param lagBytes  a replica: bytes behind its master's last known offset; a master: bytes its slowest
     *                  replica is behind; null if unknown
     * @param lagSeconds a replica: seconds since its master was last heard (or since the link went down);
     *                  a master: its slowest replica's; null if unknown
     */
    public record Redis(String name, String endpoint, Boolean up, String role, Long offset, Long lagBytes,
            Long lagSeconds, RedisStats.Snapshot stats) {}

    /** Frames dropped on an interface before any instance saw them, by cause. */
    public record Interface(String name, Map<String, Long> drops) {}

    /**
     * One vrrp_track_host since start.
     *
     * @param up           the rise/fall verdict, null before the first
     * @param lastRttNanos the last answered probe's round trip, -1 before the first
     */
    public record Host(String name, String address, Boolean up, long sent, long answered, long lost, long late,
            long lastRttNanos) {}

    /** Runs of one script (vrrp_script or notify) since start. */
    public record Script(String name, long runs, long failures, long timeouts) {}
}
