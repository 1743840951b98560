package org.keepvip.redis.sentinel;

import java.util.Optional;

/**
 * What one Sentinel last told us.
 *
 * @param reachable its subscription is up and it answered within {@code sentinel_timeout}
 * @param master    the master it names, empty when unreachable or when it does not know the master name
 * @param detail    for logs: why unreachable, or "names X"
 */
public record SentinelReport(boolean reachable, Optional<MasterAddress> master, String detail) {

    /** Not connected yet. */
    public static final SentinelReport UNKNOWN = new SentinelReport(false, Optional.empty(), "not connected yet");

    public static SentinelReport names(Optional<MasterAddress> master) {
        return new SentinelReport(true, master, master.map(m -> "names " + m).orElse("does not know the master name"));
    }

    public static SentinelReport unreachable(String why) {
        return new SentinelReport(false, Optional.empty(), why);
    }
}
