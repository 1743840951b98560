package org.keepvip.vrrp.config;

import java.time.Duration;

/**
 * keepvip's {@code redis_instance NAME { ... }}: a local Redis that VRRP instances track with
 * {@code track_redis { NAME [weight N] }}, and that keepvip promotes, fences and demotes.
 * This record only carries the configuration; the behaviour lives in redis-hooks.
 *
 * @param name              the block's name
 * @param host              Redis host (default 127.0.0.1)
 * @param port              Redis port (default 6379)
 * @param user              ACL user, or null for the default user
 * @param passwordFile      file whose first line is the password, or null
 * @param tls               TLS settings (disabled by default)
 * @param interval          check period (default 0.2 s)
 * @param timeout           connect/read timeout of one check (default 0.25 s)
 * @param rise              successes to become healthy (default 2)
 * @param fall              failures to become unhealthy (default 2)
 * @param weight            -253..253; 0: unhealthy puts trackers in FAULT (default 0)
 * @param promoteTimeout    how long entering MASTER waits for {@code ROLE} master (default 5 s)
 * @param maxLagBytes       replica lag in bytes beyond which it is penalised; 0 = no limit
 * @param maxLagSeconds     replica lag in seconds beyond which it is penalised; zero = no limit
 * @param lagPenalty        what a lagging replica gets
 * @param allowEmptyMaster  allow replicating from an empty, freshly restarted master (default off)
 * @param fence             pause writes and drop clients before releasing the VIP (default on)
 * @param peerPort          the peer's Redis port for REPLICAOF (default: {@code port})
 * @param minReplicas       pair mode: keepvip manages {@code min-replicas-to-write} / {@code min-replicas-max-lag}
 *                          on the master it serves (off by default)
 * @param sentinel          the Redis Sentinels that decide which Redis is master, or null (pair mode:
 *                          keepvip promotes and demotes Redis itself)
 * @param origin            where the block starts
 */
public record RedisInstance(String name, String host, int port, String user, String passwordFile, Tls tls,
                            Duration interval, Duration timeout, int rise, int fall, int weight,
                            Duration promoteTimeout, long maxLagBytes, Duration maxLagSeconds, LagPenalty lagPenalty,
                            boolean allowEmptyMaster, boolean fence, int peerPort, MinReplicas minReplicas,
                            Sentinel sentinel, Origin origin) {

    public RedisInstance {
        minReplicas = minReplicas == null ? MinReplicas.OFF : minReplicas;
    }

    /** Sentinel mode: Sentinel's majority names the master; keepvip never promotes or demotes Redis. */
    public boolean sentinelMode() {
        return sentinel != null;
    }

    /**
     * {@code sentinel { HOST:PORT ... }} and the {@code sentinel_*} keywords.
     *
     * @param addresses     the Sentinels, HOST:PORT as {@code {host, port}}; a majority of all of them must
     *                      agree before this node serves the VIP
     * @param masterName    {@code sentinel_master}: the name the Sentinels monitor the master under
     * @param user          {@code sentinel_user}, or null
     * @param passwordFile  {@code sentinel_password_file}, or null
     * @param tls           {@code sentinel_tls}: TLS to the Sentinels, with the block's tls_* files
     * @param timeout       {@code sentinel_timeout}: a Sentinel silent this long no longer counts
     * @param announceHost  {@code sentinel_announce_address} host, or null: this node's Redis as the Sentinels name
     *                      it (default: any address of this host, at the Redis port)
     * @param announcePort  its port (0 when not set)
     */
    public record Sentinel(java.util.List<HostPort> addresses, String masterName, String user, String passwordFile,
                           boolean tls, Duration timeout, String announceHost, int announcePort) {
        public Sentinel {
            addresses = java.util.List.copyOf(addresses);
        }

        /** How many Sentinels make a majority of those configured. */
        public int majority() {
            return addresses.size() / 2 + 1;
        }
    }

    /**
     * {@code min_replicas_to_write N} and {@code min_replicas_max_lag SECONDS}: while this node's
     * Redis is the VRRP master's, keepvip sets Redis' {@code min-replicas-to-write N} and
     * {@code min-replicas-max-lag SECONDS} whenever N replicas are attached within that lag, and
     * relaxes {@code min-replicas-to-write} to 0 only once it has decided the peer is gone.
     *
     * @param toWrite       N; 0 = not managed (the default: Redis' own settings are left alone)
     * @param maxLagSeconds the lag in whole seconds (Redis' unit) beyond which a replica does not count
     */
    public record MinReplicas(int toWrite, int maxLagSeconds) {
        public static final MinReplicas OFF = new MinReplicas(0, 10);

        public boolean managed() {
            return toWrite > 0;
        }
    }

    /** A host name or address literal and a port. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * TLS to Redis.
     *
     * @param enabled  tls on|off
     * @param caFile   tls_ca_file, or null for the system trust store
     * @param certFile tls_cert_file (client certificate), or null
     * @param keyFile  tls_key_file, or null
     */
    public record Tls(boolean enabled, String caFile, String certFile, String keyFile) {
        public static final Tls OFF = new Tls(false, null, null, null);
    }

    /**
     * {@code lag_penalty fault} or {@code lag_penalty WEIGHT}.
     *
     * @param fault  a lagging replica puts its trackers in FAULT
     * @param weight else this weight (negative) is applied while it lags
     */
    public record LagPenalty(boolean fault, int weight) {
        public static final LagPenalty FAULT = new LagPenalty(true, 0);
    }
}
