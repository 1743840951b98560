package org.keepvip.vrrp.state;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The latest result of each tracker of one instance, and what they add up to (vrrp_track.c). */
final class TrackerSet {

    private final Map<String, TrackerSpec> specs = new LinkedHashMap<>();
    /** null = no result yet: contributes nothing; a weight-0 tracker without result holds the instance in INIT. */
    private final Map<String, Boolean> results = new LinkedHashMap<>();
    private final boolean owner;

    TrackerSet(List<TrackerSpec> trackers, boolean owner) {
        this.owner = owner;
        for (TrackerSpec t : trackers) {
            specs.put(t.id(), t);
            results.put(t.id(), null);
        }
    }

    /** id -> latest result (null = none yet), in configuration order. */
    Map<String, Boolean> results() {
        return new LinkedHashMap<>(results);
    }

    /** Every tracker's spec and last result, for a {@link Decision}. */
    List<Decision.Tracker> snapshot() {
        List<Decision.Tracker> out = new java.util.ArrayList<>(specs.size());
        for (TrackerSpec t : specs.values()) {
            out.add(new Decision.Tracker(t.id(), t.weight(), t.reverse(), results.get(t.id())));
        }
        return out;
    }

    boolean knows(String id) {
        return specs.containsKey(id);
    }

    void update(String id, boolean ok) {
        results.put(id, ok);
    }

    /**
     * Σ contributions with m = -1 for reverse: weight > 0 adds w·m while OK; weight < 0 adds w·m
     * while failed. An owner ignores weights.
     */
    int contribution() {
        if (owner) {
            return 0;
        }
        int sum = 0;
        for (TrackerSpec t : specs.values()) {
            Boolean ok = results.get(t.id());
            if (ok == null || t.weight() == 0) {
                continue;
            }
            int m = t.reverse() ? -1 : 1;
            if (t.weight() > 0 && ok) {
                sum += t.weight() * m;
            } else if (t.weight() < 0 && !ok) {
                sum += t.weight() * m;
            }
        }
        return sum;
    }

    /** A weight-0 tracker that has not reported yet. */
    boolean faultTrackerPending() {
        return specs.values().stream().anyMatch(t -> t.weight() == 0 && results.get(t.id()) == null);
    }

    /** The first weight-0 tracker in its fault condition (failed, or OK when reversed). */
    Optional<String> faultingTracker() {
        for (TrackerSpec t : specs.values()) {
            Boolean ok = results.get(t.id());
            if (t.weight() == 0 && ok != null && ok == t.reverse()) {
                return Optional.of(t.id());
            }
        }
        return Optional.empty();
    }
}
