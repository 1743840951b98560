package org.keepvip.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One health-check snapshot of a Redis server.
 *
 * @param endpoint    the server checked (address only matters; the password is never printed)
 * @param verdict     OK / FAILED / NOT_READY / CONFIG_FAULT with a reason
 * @param pingLatency round-trip time of PING, or null when PING did not succeed
 * @param info        parsed INFO, or null when the server could not be asked
 */
public record RedisHealth(RedisEndpoint endpoint, Verdict verdict, Duration pingLatency, RedisInfo info) {

    public RedisHealth {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(verdict, "verdict");
    }

    /** A snapshot for a server that could not be asked at all. */
    public static RedisHealth unreachable(RedisEndpoint endpoint, Verdict verdict) {
        return new RedisHealth(endpoint, verdict, null, null);
    }

    /** The server answered PING (or at least INFO, while loading). */
    public boolean reachable() {
        return info != null || pingLatency != null;
    }

    public Optional<RedisInfo> infoIfKnown() {
        return Optional.ofNullable(info);
    }

    public RedisInfo.Role role() {
        return info == null ? RedisInfo.Role.UNKNOWN : info.role();
    }

    public boolean isMaster() {
        return role() == RedisInfo.Role.MASTER;
    }

    public boolean loading() {
        return info != null && info.loading();
    }

    /** Total keys, or -1 when unknown. */
    public long keys() {
        return info == null ? -1 : info.keys();
    }

    /** One line for logs and status. */
    public String summary() {
        StringBuilder b = new StringBuilder(verdict.ok() ? "Redis " + endpoint.address() + " OK" : verdict.reason());
        if (info != null) {
            b.append(", role ").append(info.role().name().toLowerCase(java.util.Locale.ROOT));
            if (info.role() == RedisInfo.Role.REPLICA) {
                b.append(" of ").append(info.masterHost()).append(':').append(info.masterPort())
                        .append(" link ").append(info.masterLinkUp() ? "up" : "down");
            }
            b.append(", offset ").append(info.dataOffset()).append(", keys ").append(info.keys());
        }
        if (pingLatency != null) {
            b.append(", ping ").append(pingLatency.toNanos() / 1000).append(" us");
        }
        return b.toString();
    }
}
