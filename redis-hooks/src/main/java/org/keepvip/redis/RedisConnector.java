package org.keepvip.redis;

import javax.net.ssl.SSLParameters;
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
        DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) endpoint.connectTimeout().toMillis())
                .socketTimeoutMillis((int) endpoint.readTimeout().toMillis())
                // One round trip less per connect, and nothing to fail on old servers.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .clientName("keepvip");
        if (endpoint.user() != null) {
            cfg.user(endpoint.user());
        }
        if (endpoint.password() != null) {
            cfg.password(endpoint.password());
        }
        TlsSettings tls = endpoint.tls();
        if (tls != null) {
            cfg.ssl(true).sslSocketFactory(tls.socketFactory());
            if (tls.verifyHostname()) {
                SSLParameters params = new SSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                cfg.sslParameters(params);
            }
        }
        return new Jedis(new HostAndPort(endpoint.host(), endpoint.port()), cfg.build());
    }
}
