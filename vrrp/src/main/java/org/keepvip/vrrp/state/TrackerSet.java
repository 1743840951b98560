package org.keepvip.vrrp.state;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The latest reading of each tracker of one instance, and what they add up to (vrrp_track.c). */
final class TrackerSet {

    private final Map<String, TrackerSpec> specs = new LinkedHashMap<>();
    /** null = no reading yet: contributes nothing; a weight-0 tracker without one holds the instance in INIT. */
    private final Map<String, TrackerReading> readings = new LinkedHashMap<>();
    private final boolean owner;

    TrackerSet(List<TrackerSpec> trackers, boolean owner) {
        this.owner = owner;
        for (TrackerSpec t : trackers) {
            specs.put(t.id(), t);
            readings.put(t.id(), null);
        }
    }

    /** id -> latest reading (null = none yet), in configuration order. */
    Map<String, TrackerReading> readings() {
        return new LinkedHashMap<>(readings);
    }

    /** Every tracker's spec and last result, for a {@link Decision}. */
    List<Decision.Tracker> snapshot() {
        List<Decision.Tracker> out = new java.util.ArrayList<>(specs.size());
        for (TrackerSpec t : specs.values()) {
            out.add(new Decision.Tracker(t.id(), t.weight(), t.reverse(), up(t, readings.get(t.id()))));
        }
        return out;
    }

    /**
     * Each tracker as up (true), down (false) or not reported yet (null), in configuration order:
     * a status as it is, a file value down when it is in its fault condition.
     */
    Map<String, Boolean> results() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        specs.values().forEach(t -> out.put(t.id(), up(t, readings.get(t.id()))));
        return out;
    }

    private static Boolean up(TrackerSpec t, TrackerReading r) {
        if (r instanceof TrackerReading.Value v) {
            return FileValue.status(v.value(), t.weight(), t.reverse()) != FileValue.FAULT;
        }
        return r instanceof TrackerReading.Status s ? s.ok() : null;
    }

    boolean knows(String id) {
        return specs.containsKey(id);
    }

    /** Whether {@code reading} of {@code id} is a failure that makes a MASTER resign. */
    boolean resignsMasterOn(String id, TrackerReading reading) {
        return specs.get(id).resignsMaster() && reading instanceof TrackerReading.Status s && !s.ok();
    }

    void update(String id, TrackerReading reading) {
        readings.put(id, reading);
    }

    /**
     * Σ contributions with m = -1 for reverse: a status tracker with weight > 0 adds w·m while OK,
     * one with weight < 0 adds w·m while failed; a value tracker adds its {@link FileValue#status}
     * unless that is FAULT. An owner ignores weights.
     */
    int contribution() {
        if (owner) {
            return 0;
        }
        int sum = 0;
        for (TrackerSpec t : specs.values()) {
            TrackerReading r = readings.get(t.id());
            if (r == null || t.weight() == 0) {
                continue;
            }
            if (r instanceof TrackerReading.Value v) {
                int s = FileValue.status(v.value(), t.weight(), t.reverse());
                sum += s == FileValue.FAULT ? 0 : s;
                continue;
            }
            boolean ok = ((TrackerReading.Status) r).ok();
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
        return specs.values().stream().anyMatch(t -> t.weight() == 0 && readings.get(t.id()) == null);
    }

    /**
     * The first tracker in its fault condition: a weight-0 status tracker failed (or OK when
     * reversed), or a value tracker whose status is FAULT (any weight; with weight 0, a non-zero value).
     */
    Optional<String> faultingTracker() {
        for (TrackerSpec t : specs.values()) {
            TrackerReading r = readings.get(t.id());
            if (r instanceof TrackerReading.Value v) {
                if (FileValue.status(v.value(), t.weight(), t.reverse()) == FileValue.FAULT) {
                    return Optional.of(t.id());
                }
            } else if (r instanceof TrackerReading.Status s && t.weight() == 0 && s.ok() == t.reverse()) {
                return Optional.of(t.id());
            }
        }
        return Optional.empty();
    }
}
