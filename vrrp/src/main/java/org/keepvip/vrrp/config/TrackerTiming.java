package org.keepvip.vrrp.config;

import java.time.Duration;

/**
 * The {@code interval}, {@code timeout}, {@code rise} and {@code fall} keywords of a block whose
 * check runs on a timer through keepalived's rise/fall counter ({@code vrrp_track_host},
 * {@code redis_instance}): read the same way and within the same limits wherever they appear.
 * Starts at the block's defaults; {@link #read} takes one statement.
 */
final class TrackerTiming {
    static final Duration MIN_TIME = Duration.ofMillis(10);
    static final Duration MAX_TIME = Duration.ofSeconds(3600);
    static final int MAX_COUNT = 1000;

    Duration interval;
    /** Null until given, where the block derives its default from the interval. */
    Duration timeout;
    Origin timeoutOrigin;
    int rise;
    int fall;

    TrackerTiming(Duration interval, Duration timeout, int rise, int fall, Origin blockOrigin) {
        this.interval = interval;
        this.timeout = timeout;
        this.timeoutOrigin = blockOrigin;
        this.rise = rise;
        this.fall = fall;
    }

    /** Reads {@code s} if it is one of the four keywords (a bad value is a finding, the default stays); false otherwise. */
    boolean read(Args a, Stmt s) {
        switch (s.keyword()) {
            case "interval" -> {
                Duration v = a.seconds(s, MIN_TIME, MAX_TIME);
                if (v != null) {
                    interval = v;
                }
            }
            case "timeout" -> {
                Duration v = a.seconds(s, MIN_TIME, MAX_TIME);
                if (v != null) {
                    timeout = v;
                    timeoutOrigin = s.origin;
                }
            }
            case "rise" -> {
                Integer v = a.integer(s, 1, MAX_COUNT);
                if (v != null) {
                    rise = v;
                }
            }
            case "fall" -> {
                Integer v = a.integer(s, 1, MAX_COUNT);
                if (v != null) {
                    fall = v;
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
