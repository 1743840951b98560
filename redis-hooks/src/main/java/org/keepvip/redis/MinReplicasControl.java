package org.keepvip.redis;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;

/**
 * Reads and sets a Redis' {@code min-replicas-to-write} and {@code min-replicas-max-lag} (CONFIG
 * GET / CONFIG SET; nothing is written to redis.conf, so a restarted Redis comes back with the
 * operator's values). One short connection per call; never throws for Redis failures.
 */
public final class MinReplicasControl {

    /** The two settings, as Redis holds them. */
    public record Setting(int toWrite, int maxLagSeconds) {
        @Override
        public String toString() {
            return "min-replicas-to-write " + toWrite + ", min-replicas-max-lag " + maxLagSeconds;
        }
    }

    private final RedisEndpoint endpoint;

    public MinReplicasControl(RedisEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** The current settings, or empty (with the reason logged by the caller) when Redis cannot be asked. */
    public Optional<Setting> read() {
        try (Jedis j = RedisConnector.open(endpoint)) {
            Map<String, String> m = j.configGet("min-replicas-*");
            return Optional.of(new Setting(Integer.parseInt(m.getOrDefault("min-replicas-to-write", "0")),
                    Integer.parseInt(m.getOrDefault("min-replicas-max-lag", "10"))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** CONFIG SET of both settings in one command (Redis 7 applies them together). */
    public HookResult apply(Setting s) {
        try (Jedis j = RedisConnector.open(endpoint)) {
            j.configSet(Map.of("min-replicas-to-write", Integer.toString(s.toWrite()),
                    "min-replicas-max-lag", Integer.toString(s.maxLagSeconds())));
            return new HookResult.Done("Redis " + endpoint.address() + ": " + s, List.of());
        } catch (RuntimeException e) {
            return new HookResult.Failed("CONFIG SET " + s + " on Redis " + endpoint.address() + " failed: "
                    + Failures.classify(e, endpoint).reason());
        }
    }
}
