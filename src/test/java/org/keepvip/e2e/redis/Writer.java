package org.keepvip.e2e.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The client of the scenarios: writes {@code SET w:N N} through the VIP from the client namespace,
 * one at a time, and records every write Redis acknowledged (with when), so a test can count the
 * acknowledged writes the surviving master lacks. Errors (timeouts, resets, READONLY) make it
 * reconnect; an unacknowledged write is not recorded.
 */
final class Writer implements AutoCloseable {
    /**
     * One acknowledged write: its number, System.nanoTime() when sent and when acknowledged, and the
     * server that acknowledged it (its {@code run_id}; null unless the writer identifies servers).
     */
    record Ack(long n, long sentNanos, long atNanos, String server) {}

    /** The client's connect timeout; scripts/bench-redis-failover can set it to show its share of the figure. */
    static final int CONNECT_TIMEOUT_MS = Integer.getInteger("keepvip.bench.connectTimeoutMs", 200);
    static final int READ_TIMEOUT_MS = 500;

    private final java.util.function.Supplier<HostAndPort> target;
    private final String prefix;
    /** Time between the starts of two writes; 0: each write as soon as the last one ended. */
    private final long paceNanos;
    /** Asks a new connection which server it reached; null: not asked (no extra round trip). */
    private final java.util.function.Function<Jedis, String> identify;
    private final List<Ack> acks = new ArrayList<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong readonly = new AtomicLong();
    private volatile boolean running = true;
    private final Future<?> task;

    Writer(ExecutorService clientNamespace, String vip, int port) {
        this(clientNamespace, () -> new HostAndPort(vip, port));
    }

    /** A writer that asks {@code target} where to connect on every (re)connect (e.g. Sentinel). */
    Writer(ExecutorService clientNamespace, java.util.function.Supplier<HostAndPort> target) {
        this(clientNamespace, target, "w:");
    }

    /** A writer of keys {@code PREFIX N} (another writer's keys never collide with the client's {@code w:N}). */
    Writer(ExecutorService namespace, java.util.function.Supplier<HostAndPort> target, String prefix) {
        this(namespace, target, prefix, null);
    }

    /**
     * A writer of at most {@code perSecond} writes a second (the load's pace, for a long run whose
     * dataset must not outgrow the host: every write is a new key).
     */
    static Writer paced(ExecutorService namespace, String vip, int port, int perSecond) {
        return new Writer(namespace, () -> new HostAndPort(vip, port), "w:", null, 1_000_000_000L / perSecond);
    }

    /**
     * A writer that, on every (re)connect, asks the server its {@code run_id} and records it with each
     * write acknowledged on that connection: through a VIP or a proxy, a connection stays with one server.
     */
    static Writer identifying(ExecutorService namespace, java.util.function.Supplier<HostAndPort> target,
            String prefix, int writesPerSecond) {
        return new Writer(namespace, target, prefix, Writer::runId, 1_000_000_000L / writesPerSecond);
    }

    private Writer(ExecutorService namespace, java.util.function.Supplier<HostAndPort> target, String prefix,
            java.util.function.Function<Jedis, String> identify) {
        this(namespace, target, prefix, identify, 0);
    }

    private Writer(ExecutorService namespace, java.util.function.Supplier<HostAndPort> target, String prefix,
            java.util.function.Function<Jedis, String> identify, long paceNanos) {
        this.target = target;
        this.prefix = prefix;
        this.identify = identify;
        this.paceNanos = paceNanos;
        this.task = namespace.submit(this::loop);
    }

    /** The key of write {@code n}. */
    String key(long n) {
        return prefix + n;
    }

    private void loop() {
        long n = 0;
        Jedis j = null;
        String server = null;
        long next = System.nanoTime();
        while (running) {
            try {
                if (j == null) {
                    j = connect();
                    if (identify != null) {
                        server = identify.apply(j);
                    }
                }
                if (paceNanos > 0) {
                    // A steady rate, not a catch-up burst after a stall: a late write moves the schedule.
                    long now = System.nanoTime();
                    next = next - now > 0 ? next : now;
                    java.util.concurrent.locks.LockSupport.parkNanos(next - now);
                    next += paceNanos;
                }
                n++;
                long sent = System.nanoTime();
                String reply = j.set(prefix + n, Long.toString(n));
                if ("OK".equals(reply)) {
                    synchronized (acks) {
                        acks.add(new Ack(n, sent, System.nanoTime(), server));
                    }
                }
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                if (e instanceof JedisDataException && String.valueOf(e.getMessage()).startsWith("READONLY")) {
                    readonly.incrementAndGet();
                }
                if (j != null) {
                    try {
                        j.close();
                    } catch (RuntimeException ignored) {
                        // broken connection
                    }
                    j = null;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
        }
        if (j != null) {
            j.close();
        }
    }

    /** The {@code run_id} in {@code INFO server}: it names one redis-server process. */
    static String runId(Jedis j) {
        for (String line : j.info("server").split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).strip();
            }
        }
        throw new IllegalStateException("INFO server without run_id");
    }

    private Jedis connect() {
        return new Jedis(target.get(), DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(CONNECT_TIMEOUT_MS).socketTimeoutMillis(READ_TIMEOUT_MS).build());
    }

    /** Acknowledged writes so far. */
    List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    long ackCount() {
        synchronized (acks) {
            return acks.size();
        }
    }

    /** Acknowledgement time of the first write sent after {@code nanos}, if any. */
    java.util.OptionalLong firstAckAfter(long nanos) {
        synchronized (acks) {
            for (int i = acks.size() - 1; i >= 0; i--) {
                if (acks.get(i).sentNanos() <= nanos) {
                    return i + 1 < acks.size() ? java.util.OptionalLong.of(acks.get(i + 1).atNanos())
                            : java.util.OptionalLong.empty();
                }
            }
            return acks.isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(acks.get(0).atNanos());
        }
    }

    long errors() {
        return errors.get();
    }

    /** Writes answered READONLY (a client reached a replica). */
    long readonlyReplies() {
        return readonly.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            task.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            task.cancel(true);
        }
    }
}
