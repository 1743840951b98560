package org.keepvip.vrrp.state;

/**
 * The latest thing a tracker reported: a boolean status (scripts, interfaces, processes, Redis) or
 * an integer value (track_file), which the instance weighs in its own way.
 */
sealed interface TrackerReading {

    /** OK or failed, after the tracker's own hysteresis. */
    record Status(boolean ok) implements TrackerReading {}

    /** The integer a track_file holds. */
    record Value(long value) implements TrackerReading {}
}
