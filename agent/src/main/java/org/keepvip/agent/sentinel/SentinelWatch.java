package org.keepvip.agent.sentinel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.keepvip.redis.Failures;
import org.keepvip.redis.RedisConnector;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.sentinel.MasterAddress;
import org.keepvip.redis.sentinel.SentinelQuorum;
import org.keepvip.redis.sentinel.SentinelReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Listens to every Sentinel: one thread per Sentinel holds a subscription to {@code +switch-master}
 * and, each time it is (re)established, asks {@code SENTINEL get-master-addr-by-name} on a second,
 * short connection, from inside the subscription's confirmation, so no switch falls between the
 * answer and the subscription. A switch is learnt when Sentinel publishes it; nothing polls for it.
 *
 * <p>Liveness is the one thing timed: a PING on each subscription every quarter of
 * {@code timeout}; a Sentinel that has sent nothing (pong or message) for {@code timeout} counts as
 * unreachable and its connection is closed and made again. A refused or reset connection counts at
 * once. Every change of the {@link SentinelQuorum.Verdict} goes to the listener, in order, on the
 * thread that caused it.
 */
public final class SentinelWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.sentinel");
    private static final String CHANNEL = "+switch-master";
    private static final long FIRST_RETRY_MILLIS = 100;

    private final String masterName;
    private final long timeoutNanos;
    private final SentinelQuorum quorum;
    private final Consumer<SentinelQuorum.Verdict> listener;
    private final List<Link> links = new ArrayList<>();
    private final ScheduledExecutorService pinger;
    private SentinelQuorum.Verdict last;
    private volatile boolean closed;
    private final long startedAt = System.nanoTime();
    /**
     * No verdict goes out before every Sentinel has answered or failed once, or {@code timeout} has
     * passed: otherwise the first Sentinel to connect would be "1 of 3 reachable", and the named
     * master would pass through FAULT (and its notify) at every start.
     */
    private boolean starting = true;

    private SentinelWatch(List<RedisEndpoint> sentinels, String masterName, Duration timeout,
            Consumer<SentinelQuorum.Verdict> listener) {
        this.masterName = Objects.requireNonNull(masterName, "masterName");
        this.timeoutNanos = timeout.toNanos();
        this.quorum = new SentinelQuorum(sentinels.stream().map(RedisEndpoint::address).toList());
        this.listener = listener;
        for (int i = 0; i < sentinels.size(); i++) {
            // The timeouts bound the connect, the AUTH and the query; the subscription itself has none.
            links.add(new Link(i, sentinels.get(i).withTimeouts(timeout, timeout)));
        }
        this.pinger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sentinel-ping");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts watching. {@code listener} gets the verdict after each change (the first once a
     * Sentinel has answered or failed).
     */
    public static SentinelWatch start(List<RedisEndpoint> sentinels, String masterName, Duration timeout,
            Consumer<SentinelQuorum.Verdict> listener) {
        SentinelWatch w = new SentinelWatch(sentinels, masterName, timeout, listener);
        for (Link l : w.links) {
            Thread t = new Thread(l, "sentinel-watch-" + l.index);
            t.setDaemon(true);
            l.thread = t;
            t.start();
        }
        long tick = Math.max(10, timeout.toMillis() / 4);
        w.pinger.scheduleWithFixedDelay(w::pingAll, tick, tick, TimeUnit.MILLISECONDS);
        return w;
    }

    /** The current verdict. */
    public SentinelQuorum.Verdict verdict() {
        return quorum.verdict();
    }

    private void report(Link link, SentinelReport r) {
        if (closed) {
            return;
        }
        synchronized (this) {
            SentinelReport before = link.report;
            link.report = r;
            if (before.reachable() && !r.reachable()) {
                LOG.warn("Sentinel {} lost: {}", link.endpoint.address(), r.detail());
            } else if (!before.reachable() && r.reachable()) {
                LOG.info("Sentinel {} connected: {}", link.endpoint.address(), r.detail());
            } else if (!before.master().equals(r.master())) {
                LOG.info("Sentinel {} {}", link.endpoint.address(), r.detail());
            }
            SentinelQuorum.Verdict v = quorum.update(link.index, r);
            deliver(v);
        }
    }

    /** Hands {@code v} to the listener if it changed and the start is over; under the watch's lock. */
    private void deliver(SentinelQuorum.Verdict v) {
        if (starting) {
            boolean allHeard = links.stream().allMatch(l -> l.report != SentinelReport.UNKNOWN);
            if (!allHeard && System.nanoTime() - startedAt < timeoutNanos) {
                return;
            }
            starting = false;
        }
        if (!v.equals(last)) {
            last = v;
            listener.accept(v);
        }
    }

    private void pingAll() {
        long now = System.nanoTime();
        synchronized (this) {
            if (starting && !closed && now - startedAt >= timeoutNanos) {
                deliver(quorum.verdict()); // some Sentinel has not answered at all within the timeout
            }
        }
        for (Link l : links) {
            Sub s = l.sub;
            if (s == null || !s.isSubscribed()) {
                continue;
            }
            if (now - l.lastHeard > timeoutNanos) {
                report(l, SentinelReport.unreachable("no answer for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                        + " ms (sentinel_timeout)"));
                l.disconnect();
                continue;
            }
            try {
                s.ping();
            } catch (RuntimeException e) {
                l.disconnect(); // the subscription's thread reports why
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        pinger.shutdownNow();
        for (Link l : links) {
            l.disconnect();
            if (l.thread != null) {
                l.thread.interrupt();
            }
        }
    }

    /** One Sentinel: its subscription's thread. */
    private final class Link implements Runnable {
        final int index;
        final RedisEndpoint endpoint;
        Thread thread;
        volatile Jedis connection;
        volatile Sub sub;
        volatile long lastHeard;
        /** Guarded by the watch. */
        SentinelReport report = SentinelReport.UNKNOWN;

        Link(int index, RedisEndpoint endpoint) {
            this.index = index;
            this.endpoint = endpoint;
        }

        @Override
        public void run() {
            long retry = FIRST_RETRY_MILLIS;
            while (!closed) {
                boolean subscribed = false;
                String why;
                try (Jedis j = RedisConnector.open(endpoint, false)) {
                    connection = j;
                    Sub s = new Sub(this);
                    sub = s;
                    j.subscribe(s, CHANNEL); // returns only when the connection ends
                    subscribed = s.confirmed;
                    why = "connection closed";
                } catch (RuntimeException e) {
                    subscribed = sub != null && sub.confirmed;
                    why = Failures.describe(e);
                } finally {
                    connection = null;
                    sub = null;
                }
                if (closed) {
                    return;
                }
                report(this, SentinelReport.unreachable(why));
                retry = subscribed ? FIRST_RETRY_MILLIS : Math.min(retry * 2, Math.max(FIRST_RETRY_MILLIS,
                        TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
                try {
                    Thread.sleep(subscribed ? FIRST_RETRY_MILLIS : retry);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void disconnect() {
            Jedis j = connection;
            if (j != null) {
                try {
                    j.disconnect();
                } catch (RuntimeException ignored) {
                    // already closed
                }
            }
        }
    }

    /** The subscription's callbacks, on its Link's thread. */
    private final class Sub extends JedisPubSub {
        private final Link link;
        volatile boolean confirmed;

        Sub(Link link) {
            this.link = link;
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            link.lastHeard = System.nanoTime();
            // Asked after the subscription holds: a switch from now on arrives as a message after this answer.
            try (Jedis q = RedisConnector.open(link.endpoint, false)) {
                SentinelReport r = SentinelReport.names(MasterAddress.fromReply(q.sentinelGetMasterAddrByName(masterName)));
                confirmed = true;
                link.lastHeard = System.nanoTime();
                report(link, r);
            }
        }

        @Override
        public void onMessage(String channel, String message) {
            link.lastHeard = System.nanoTime();
            MasterAddress.fromSwitchMessage(message, masterName).ifPresent(m -> {
                LOG.info("Sentinel {} +switch-master {}", link.endpoint.address(), message);
                report(link, SentinelReport.names(Optional.of(m)));
            });
        }

        @Override
        public void onPong(String pattern) {
            link.lastHeard = System.nanoTime();
        }
    }
}
