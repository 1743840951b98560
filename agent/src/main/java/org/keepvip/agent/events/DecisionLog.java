package org.keepvip.agent.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.latency.ThreadNames;

/**
 * Where transitions and Redis actions are reported. The loop and the hook lanes only hand over the
 * raw facts ({@link Pending}: a queue offer, never a wait); this log's own thread turns them into
 * {@link EventRecord}s, writes each as one line to logger {@code keepvip.events} and keeps it in the
 * {@link EventRing}. When the queue is full (a burst the thread cannot keep up with) a fact is
 * dropped and counted, never waited for.
 */
public final class DecisionLog implements AutoCloseable {
    /** The thread's name; the daemon moves it to SCHED_BATCH with its other background threads. */
    public static final String THREAD = ThreadNames.DECISION_LOG;
    /** Records kept for {@code keepvip events}. */
    public static final int RING_CAPACITY = 1000;
    private static final int QUEUE_CAPACITY = 4096;
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.events");

    private static volatile DecisionLog global;

    /** A fact waiting to become a record, on the log's thread. */
    public interface Pending {
        /** The record, numbered {@code seq}; {@code wall} turns a {@code System.nanoTime()} value into a time. */
        EventRecord toRecord(long seq, WallClock wall);
    }

    /** Monotonic to wall-clock time, read once per record on the log's thread. */
    public interface WallClock {
        Instant at(long nanoTime);
    }

    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final EventRing ring;
    private final AtomicLong lost = new AtomicLong();
    private final Thread worker;
    private long seq;
    private volatile boolean closed;

    public DecisionLog(EventRing ring) {
        this.ring = ring;
        this.worker = new Thread(this::work, THREAD);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** The process's log: the daemon's instances and Redis hooks report here. */
    public static DecisionLog global() {
        DecisionLog g = global;
        if (g == null) {
            synchronized (DecisionLog.class) {
                g = global;
                if (g == null) {
                    g = new DecisionLog(new EventRing(RING_CAPACITY));
                    global = g;
                }
            }
        }
        return g;
    }

    public EventRing ring() {
        return ring;
    }

    /** Facts dropped because the queue was full. */
    public long lost() {
        return lost.get();
    }

    /** Hands a fact over; never blocks. */
    public void publish(Pending p) {
        if (!queue.offer(p)) {
            lost.incrementAndGet();
        }
    }

    private void work() {
        WallClock wall = nanos -> {
            long ago = System.nanoTime() - nanos;
            return Instant.now().minusNanos(ago);
        };
        List<Pending> batch = new ArrayList<>();
        while (!closed) {
            try {
                takeBurst(batch);
            } catch (InterruptedException e) {
                return;
            }
            for (Pending p : batch) {
                try {
                    EventRecord r = p.toRecord(++seq, wall);
                    LOG.info("{}", r.text());
                    ring.add(r);
                } catch (RuntimeException e) {
                    LOG.warn("decision record not built: {}", e.toString());
                }
            }
            batch.clear();
        }
    }

    /** How long publishing must pause before the held facts become records. */
    static final long QUIET_MILLIS = 20;
    /** The longest a fact is held while publishing goes on. */
    static final long MAX_HOLD_NANOS = 2_000_000_000L;

    /**
     * Waits for a fact, then keeps taking them until none came for {@link #QUIET_MILLIS}: a mass
     * failover (a thousand instances taking over, or releasing, at once) needs every CPU for its
     * takeovers, so their records are built once it is over, not in between. A record's times are
     * those of its decision and steps either way.
     */
    private void takeBurst(List<Pending> batch) throws InterruptedException {
        batch.add(queue.take());
        long since = System.nanoTime();
        while (System.nanoTime() - since < MAX_HOLD_NANOS) {
            Pending next = queue.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }
}
