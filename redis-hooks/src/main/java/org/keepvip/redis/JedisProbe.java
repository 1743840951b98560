package org.keepvip.redis;

import java.time.Duration;
import redis.clients.jedis.Jedis;

/**
 * {@link RedisProbe} over one long-lived {@link Jedis} connection: PING (timed), then INFO. The
 * connection is reopened after any failure, because a timed-out reply stream is out of step.
 * Thread-safe by serialising checks.
 */
final class JedisProbe implements RedisProbe {

    private final RedisEndpoint endpoint;
    private Jedis jedis;

    JedisProbe(RedisEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public synchronized RedisHealth check() {
        Duration latency = null;
        try {
            if (jedis == null) {
                jedis = RedisConnector.open(endpoint);
            }
            try {
                long t0 = System.nanoTime();
                jedis.ping();
                latency = Duration.ofNanos(System.nanoTime() - t0);
            } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                if (!String.valueOf(e.getMessage()).startsWith("LOADING")) {
                    throw e;
                }
                // PING is refused while loading; INFO still answers and tells us how far it is.
            }
            RedisInfo info = RedisInfo.parse(jedis.info());
            return new RedisHealth(endpoint, judge(info, endpoint), latency, info);
        } catch (RuntimeException e) {
            drop();
            return new RedisHealth(endpoint, Failures.classify(e, endpoint), latency, null);
        }
    }

    /** Verdict for a server that answered INFO. */
    static Verdict judge(RedisInfo info, RedisEndpoint endpoint) {
        String where = "Redis " + endpoint.address();
        if (info.loading()) {
            return new Verdict.NotReady(where + " is loading its dataset");
        }
        if ("err".equals(info.aofLastWriteStatus())) {
            return new Verdict.Failed(where + " AOF write failing (aof_last_write_status:err)");
        }
        if ("err".equals(info.rdbLastBgsaveStatus())) {
            return new Verdict.Failed(where + " last RDB save failed (rdb_last_bgsave_status:err)");
        }
        return new Verdict.Ok();
    }

    @Override
    public synchronized void close() {
        drop();
    }

    private void drop() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // The socket is being abandoned anyway.
            }
            jedis = null;
        }
    }
}
