package org.keepvip.agent.redis;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.keepvip.redis.RedisConnector;
import org.keepvip.redis.RedisEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;

/**
 * Notices the death of the local redis-server the moment it happens, instead of at the next
 * periodic check: one idle TCP connection to Redis whose blocking read returns end-of-stream (or a
 * reset) as soon as the kernel closes the dead process's sockets. Each loss runs {@code onLost}
 * (the owner's "check now"): a hint, not a verdict. Then one new TCP connection is tried, and when
 * {@link DefinitiveFailure} finds nothing listening on this host's port it runs {@code onGone}: the
 * one verdict the watch gives, which fails the check at once (the owner skips {@code fall}). Every
 * other loss leaves the check and its rise/fall counter the only source of truth.
 *
 * <p>Then it reconnects after a backoff: {@link #minBackoff} at first, doubled after every failed
 * connect and after every connection that lived less than {@link #maxBackoff}, up to
 * {@link #maxBackoff}; a connection that lived longer resets it. So a Redis with {@code timeout},
 * a {@code CLIENT KILL TYPE normal} or {@code maxclients} costs at most one extra check and one
 * connect per backoff period, never a busy loop.
 *
 * <p>The connection: plain TCP without credentials, with one inline {@code CLIENT SETNAME
 * keepvip-watch} so it shows in {@code CLIENT LIST}; when Redis requires AUTH the SETNAME is
 * refused ({@code -NOAUTH}) and the connection stays open, unnamed — nothing is ever sent with the
 * password, so nothing can log it. With TLS a plaintext connection is not a Redis client (Redis
 * drops it at the failed handshake, or the TLS-only port has no plaintext listener), so the watch
 * uses a Jedis connection with the check's TLS settings and credentials, named the same, and blocks
 * in a reply read with no timeout.
 *
 * <p>A hung (SIGSTOPped) Redis keeps its sockets open and gives no end-of-stream: the periodic
 * check's timeout covers that case, unchanged. One named daemon thread; {@link #close()} closes
 * the connection and interrupts the thread, it never waits for a timeout.
 */
final class RedisLivenessWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.redis");
    /** The client name; {@code ClientKiller} spares {@code keepvip-*} connections when fencing. */
    static final String CLIENT_NAME = "keepvip-watch";
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final RedisEndpoint endpoint;
    private final String name;
    private final Runnable onLost;
    /** Null: the watch only hints (tests of the hint alone). */
    private final Consumer<String> onGone;
    /** Resolved once: no name lookup on the path from a kill to the verdict. */
    private final InetSocketAddress address;
    private final long minBackoff;
    private final long maxBackoff;
    private final Thread thread;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong losses = new AtomicLong();
    private final AtomicLong gone = new AtomicLong();
    private volatile boolean closed;
    private volatile Closeable current;

    private RedisLivenessWatch(RedisEndpoint endpoint, String name, Runnable onLost, Consumer<String> onGone,
            Duration minBackoff, Duration maxBackoff) {
        this.endpoint = endpoint;
        this.name = name;
        this.onLost = onLost;
        this.onGone = onGone;
        this.address = new InetSocketAddress(endpoint.host(), endpoint.port());
        this.minBackoff = minBackoff.toMillis();
        this.maxBackoff = Math.max(this.minBackoff, maxBackoff.toMillis());
        this.thread = new Thread(this::run, "redis-watch-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching {@code endpoint} with the default backoff; {@code onLost} and then, for a
     * definitive loss, {@code onGone} (with the reason) run on the watch thread.
     */
    static RedisLivenessWatch start(RedisEndpoint endpoint, String name, Runnable onLost, Consumer<String> onGone) {
        return start(endpoint, name, onLost, onGone, MIN_BACKOFF, MAX_BACKOFF);
    }

    /** A watch that only hints: no reconnect attempt, no verdict. */
    static RedisLivenessWatch start(RedisEndpoint endpoint, String name, Runnable onLost, Duration minBackoff,
            Duration maxBackoff) {
        return start(endpoint, name, onLost, null, minBackoff, maxBackoff);
    }

    static RedisLivenessWatch start(RedisEndpoint endpoint, String name, Runnable onLost, Consumer<String> onGone,
            Duration minBackoff, Duration maxBackoff) {
        RedisLivenessWatch w = new RedisLivenessWatch(endpoint, name, onLost, onGone, minBackoff, maxBackoff);
        w.thread.start();
        return w;
    }

    /** Connections established so far (the first one included). */
    long connects() {
        return connects.get();
    }

    /** Connections lost so far, i.e. checks triggered. */
    long losses() {
        return losses.get();
    }

    /** Losses {@link DefinitiveFailure} found definitive, i.e. checks failed at once. */
    long definitive() {
        return gone.get();
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    private void run() {
        long delay = minBackoff;
        while (!closed) {
            long opened;
            Closeable link;
            try {
                link = open();
                current = link;
                if (closed) {
                    closeQuietly(link);
                    return;
                }
                opened = System.nanoTime();
                connects.incrementAndGet();
                LOG.debug("Redis_Watch({}): connected to {}", name, endpoint.address());
            } catch (IOException | RuntimeException e) {
                // Down, refusing or not ready: the periodic check already sees it, nothing to trigger.
                LOG.debug("Redis_Watch({}): cannot connect to {}: {}", name, endpoint.address(), e.toString());
                if (!sleep(delay)) {
                    return;
                }
                delay = Math.min(delay * 2, maxBackoff);
                continue;
            }
            String how = awaitEnd(link);
            if (closed) {
                closeQuietly(link);
                return;
            }
            losses.incrementAndGet();
            // The check first, closing and logging after: this is the latency-critical path.
            try {
                onLost.run();
            } catch (RuntimeException e) {
                LOG.error("Redis_Watch({}): check trigger failed: {}", name, e.toString());
            }
            DefinitiveFailure.Verdict verdict = null;
            if (onGone != null) {
                verdict = DefinitiveFailure.afterWatchLoss(address, endpoint.connectTimeout());
                if (verdict.definitive()) {
                    gone.incrementAndGet();
                    try {
                        onGone.accept(verdict.reason());
                    } catch (RuntimeException e) {
                        LOG.error("Redis_Watch({}): failing the check failed: {}", name, e.toString());
                    }
                }
            }
            closeQuietly(link);
            current = null;
            long livedMs = (System.nanoTime() - opened) / 1_000_000;
            if (livedMs >= maxBackoff) {
                delay = minBackoff;
            }
            String found = verdict == null ? "" : "; " + verdict.reason();
            if (delay == minBackoff) {
                LOG.info("Redis_Watch({}): connection to {} lost ({}), checking now{}", name, endpoint.address(), how,
                        found);
            } else {
                LOG.debug("Redis_Watch({}): connection to {} lost again after {} ms ({}), checking now{},"
                        + " reconnecting in {} ms", name, endpoint.address(), livedMs, how, found, delay);
            }
            if (!sleep(delay)) {
                return;
            }
            delay = Math.min(delay * 2, maxBackoff);
        }
    }

    /** Opens the idle connection (see the class comment for plain versus TLS). */
    private Closeable open() throws IOException {
        if (endpoint.tls() != null) {
            Jedis j = RedisConnector.open(endpoint);
            try {
                j.clientSetname(CLIENT_NAME);
                j.getConnection().setTimeoutInfinite();
                return new JedisLink(j);
            } catch (RuntimeException e) {
                j.close();
                throw e;
            }
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()),
                    (int) endpoint.connectTimeout().toMillis());
            s.setSoTimeout(0);
            s.setTcpNoDelay(true);
            s.getOutputStream().write(("CLIENT SETNAME " + CLIENT_NAME + "\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Blocks until the connection ends; returns how. Replies (+OK, -NOAUTH, -ERR max clients) are discarded. */
    private static String awaitEnd(Closeable link) {
        if (link instanceof JedisLink j) {
            try {
                Connection c = j.jedis.getConnection();
                while (true) {
                    c.getUnflushedObject();
                }
            } catch (RuntimeException e) {
                return e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        byte[] buf = new byte[512];
        try {
            InputStream in = ((Socket) link).getInputStream();
            while (in.read(buf) >= 0) {
                // discard
            }
            return "end of stream";
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops the thread: closes the connection (ending its read) and interrupts any backoff; does not wait. */
    @Override
    public void close() {
        closed = true;
        Closeable c = current;
        if (c != null) {
            closeQuietly(c);
        }
        thread.interrupt();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // closing
        }
    }

    /** The TLS case: a Jedis connection, closed from another thread by closing its socket. */
    private record JedisLink(Jedis jedis) implements Closeable {
        @Override
        public void close() {
            try {
                jedis.getConnection().forceDisconnect();
            } catch (IOException | RuntimeException e) {
                // closing
            }
            jedis.close();
        }
    }
}
