package org.keepvip.redis;

/**
 * Health check of one Redis server. Implementations must return within the endpoint's timeouts
 * and never throw: every failure is a {@link Verdict} in the returned snapshot.
 */
public interface RedisProbe extends AutoCloseable {

    /** Runs one check now. */
    RedisHealth check();

    /** Releases the connection, if any. */
    @Override
    void close();

    /** The Jedis-backed probe for {@code endpoint}. */
    static RedisProbe of(RedisEndpoint endpoint) {
        return new JedisProbe(endpoint);
    }
}
