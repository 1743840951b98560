package org.keepvip.agent.log;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds log lines back while a takeover adds its VIPs. Writing a line wakes a writer thread, and a
 * takeover's own lines ("Entering MASTER STATE") woke it at the worst moment: traced on a 2-vCPU host,
 * the writer spent ~0.3 ms formatting and writing on the CPU the VIP add, or the first process to see
 * the VIP, was waiting for. Lines logged during a hold keep their time and order and are queued for
 * writing when the last hold ends.
 *
 * <p>A hold that is not ended within {@link #MAX_HOLD_MILLIS} stops holding, so a stuck caller can
 * delay lines but never lose them.
 */
public final class LogHold {
    /** Longest a hold defers lines; a VIP add takes well under a millisecond. */
    static final long MAX_HOLD_MILLIS = 50;

    private static final AtomicInteger HOLDERS = new AtomicInteger();
    private static final AtomicLong SINCE_NANOS = new AtomicLong();
    private static final List<Runnable> ON_RELEASE = new CopyOnWriteArrayList<>();

    private LogHold() {}

    /** Starts holding lines back; pair with {@link #end()} in a finally. */
    public static void begin() {
        if (HOLDERS.getAndIncrement() == 0) {
            SINCE_NANOS.set(System.nanoTime());
        }
    }

    /** Ends one hold; the last one releases the held lines to their writers. */
    public static void end() {
        int left = HOLDERS.decrementAndGet();
        if (left < 0) {
            HOLDERS.compareAndSet(left, 0);
            return;
        }
        if (left == 0) {
            ON_RELEASE.forEach(Runnable::run);
        }
    }

    /** Whether lines should be held now: a hold is on and has not outlived {@link #MAX_HOLD_MILLIS}. */
    public static boolean holding() {
        return HOLDERS.get() > 0
                && System.nanoTime() - SINCE_NANOS.get() < TimeUnit.MILLISECONDS.toNanos(MAX_HOLD_MILLIS);
    }

    static void onRelease(Runnable flush) {
        ON_RELEASE.add(flush);
    }

    static void removeOnRelease(Runnable flush) {
        ON_RELEASE.remove(flush);
    }
}
