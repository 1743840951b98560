package org.keepvip.redis;

import java.time.Duration;
import redis.clients.jedis.Jedis;

/**
 * {@link RedisProbe} over one long-lived {@link Jedis} connection: PING (timed), then INFO. The
 * connection is reopened after any failure, because a timed-out reply stream is out of step.
 * Thread-safe by serialising checks.
 *
 * <p>A kept connection may have been closed by Redis while idle ({@code timeout}, {@code CLIENT
 * KILL}) or by the death of the server it was opened to. When it ends (not times out) the check is
 * retried once on a new connection, so the verdict is about the server, not about our old socket: a
 * hook connection idle for hours must not refuse a promotion as "cannot be checked".
 */
final class JedisProbe implements RedisProbe {

    private final RedisEndpoint endpoint;
    private Jedis jedis;

    JedisProbe(RedisEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public synchronized RedisHealth check() {
        boolean reused = jedis != null;
        RedisHealth h = checkOnce();
        if (reused && h.info() == null && h.pingLatency() == null && endedWithoutTimeout) {
            h = checkOnce();
        }
        return h;
    }

    /** Set by {@link #checkOnce} when the connection ended (closed, reset) rather than timed out or answered an error. */
    private boolean endedWithoutTimeout;

    private RedisHealth checkOnce() {
        Duration latency = null;
        endedWithoutTimeout = false;
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
            endedWithoutTimeout = e instanceof redis.clients.jedis.exceptions.JedisConnectionException
                    && !Failures.timedOut(e);
            return new RedisHealth(endpoint, Failures.classify(e, endpoint), latency, null);
        }
    }

    /**
     * Runs {@code task} on the kept connection (opened if needed), between checks: a promotion
     * right after its check then costs no new connection. On any failure the connection is dropped
     * (its reply stream may be out of step) and the exception goes to the caller.
     */
    synchronized <T> T onConnection(java.util.function.Function<Jedis, T> task) {
        try {
            if (jedis == null) {
                jedis = RedisConnector.open(endpoint);
            }
            return task.apply(jedis);
        } catch (RuntimeException e) {
            drop();
            throw e;
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
