package org.keepvip.vrrp.state;

import java.util.Objects;

/**
 * A tracked object (script, interface, file, Redis check) as it bears on one instance.
 *
 * @param id      the name the agent uses in {@link Event.TrackerResult}
 * @param weight  -254..254; 0 means "failing puts the instance in FAULT"
 * @param reverse invert the effect: a positive weight is subtracted when OK, weight 0 faults when OK
 * @param resignsMaster a MASTER that is still MASTER after this tracker reports a failure (not OK)
 *                      resigns at once: a priority-0 advert, so the peer takes over after its skew
 *                      instead of a whole down timer (a Redis check: a master whose own Redis fails
 *                      serves nothing)
 */
public record TrackerSpec(String id, int weight, boolean reverse, boolean resignsMaster) {
    public TrackerSpec {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("tracker id is blank");
        }
        if (weight < -254 || weight > 254) {
            throw new IllegalArgumentException("tracker " + id + ": weight " + weight + " (expected: -254..254)");
        }
    }

    /** A tracker that affects priority or FAULT only. */
    public TrackerSpec(String id, int weight, boolean reverse) {
        this(id, weight, reverse, false);
    }

    /** This tracker, also making a MASTER resign when it fails. */
    public TrackerSpec resigningMaster() {
        return new TrackerSpec(id, weight, reverse, true);
    }

    /** A tracker whose failure means FAULT. */
    public static TrackerSpec faultOnFailure(String id) {
        return new TrackerSpec(id, 0, false);
    }
}
