package org.keepvip.agent.latency;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logback's {@link AsyncAppender} that keeps lines logged during a {@link LogHold} aside and queues
 * them, in order, when the hold ends, so that the writer thread is not woken while a takeover runs.
 * Lines keep the time they were logged at. Stopping writes the held lines too.
 */
public class HoldableAsyncAppender extends AsyncAppender {
    /** More held lines than this and the hold is ignored: a takeover logs a handful. */
    static final int MAX_HELD = 256;

    /** Guards itself and {@link #stopping}. */
    private final Deque<ILoggingEvent> held = new ArrayDeque<>();
    private boolean stopping;
    private final Runnable release = this::releaseHeld;
    /** Lines dropped because a destination's queue was full, over all destinations (metrics). */
    private static final AtomicLong DROPPED = new AtomicLong();

    /** Lines any destination dropped on a full queue since start. */
    public static long dropped() {
        return DROPPED.get();
    }

    @Override
    public void start() {
        synchronized (held) {
            stopping = false;
        }
        super.start();
        LogHold.onRelease(release);
    }

    @Override
    public void stop() {
        LogHold.removeOnRelease(release);
        synchronized (held) {
            stopping = true; // from here on lines go straight to the queue, which stop() writes out
            queueHeld();
        }
        super.stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // Fix the thread name, MDC and message now, as the queue would; outside the lock, since it
        // calls the arguments' toString().
        boolean prepared = LogHold.holding() && prepare(event);
        synchronized (held) {
            if (!stopping && LogHold.holding() && held.size() < MAX_HELD) {
                if (!prepared) {
                    prepare(event); // a hold began just now
                }
                held.add(event);
                return;
            }
            queueHeld();
            queue(event);
        }
    }

    private boolean prepare(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        if (isIncludeCallerData()) {
            event.getCallerData();
        }
        return true;
    }

    /** Lines now held (for tests). */
    int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }

    private void releaseHeld() {
        synchronized (held) {
            queueHeld();
        }
    }

    private void queueHeld() {
        ILoggingEvent e;
        while ((e = held.poll()) != null) {
            queue(e);
        }
    }

    /** Queues a line; with neverBlock, Logback drops it silently on a full queue: this counts it. */
    private void queue(ILoggingEvent e) {
        if (getRemainingCapacity() == 0) {
            DROPPED.incrementAndGet();
        }
        super.append(e);
    }
}
