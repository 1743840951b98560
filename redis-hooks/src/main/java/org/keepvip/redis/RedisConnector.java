package org.keepvip.redis;

import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Opens plain {@link Jedis} connections. No pool: each hook owns one connection on its worker
 * thread, and a connection that timed out is discarded (its reply stream is out of step).
 */
public final class RedisConnector {

    private RedisConnector() {
    }

    /**
     * Connects and authenticates. Throws Jedis's exceptions unchanged; callers map them with
     * {@link Failures}.
     */
    public static Jedis open(RedisEndpoint endpoint) {
        return open(endpoint, true);
    }

    /**
     * As {@link #open(RedisEndpoint)}; without {@code named} no {@code CLIENT SETNAME} is sent (a Redis
     * Sentinel before 6.2 does not know {@code CLIENT}).
     */
    public static Jedis open(RedisEndpoint endpoint, boolean named) {
        DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) endpoint.connectTimeout().toMillis())
                .socketTimeoutMillis((int) endpoint.readTimeout().toMillis())
                // One round trip less per connect, and nothing to fail on old servers.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (named) {
            cfg.clientName(ClientKiller.OWN_NAME);
        }
        if (endpoint.user() != null) {
            cfg.user(endpoint.user());
        }
        if (endpoint.password() != null) {
            cfg.password(endpoint.password());
        }
        if (endpoint.tls() != null) {
            cfg.sslOptions(endpoint.tls().sslOptions());
        }
        return new Jedis(new HostAndPort(endpoint.host(), endpoint.port()), cfg.build());
    }
}
