package org.keepvip.vrrp.state;

import java.util.Objects;

/**
 * A tracked object (script, interface, file, Redis check) as it bears on one instance.
 *
 * @param id      the name the agent uses in {@link Event.TrackerResult}
 * @param weight  -254..254; 0 means "failing puts the instance in FAULT"
 * @param reverse invert the effect: a positive weight is subtracted when OK, weight 0 faults when OK
 */
public record TrackerSpec(String id, int weight, boolean reverse) {
    public TrackerSpec {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("tracker id is blank");
        }
        if (weight < -254 || weight > 254) {
            throw new IllegalArgumentException("tracker " + id + ": weight " + weight + " (expected: -254..254)");
        }
    }

    /** A tracker whose failure means FAULT. */
    public static TrackerSpec faultOnFailure(String id) {
        return new TrackerSpec(id, 0, false);
    }
}
