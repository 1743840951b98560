package org.keepvip.agent.latency;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Holds log lines back while a takeover adds its VIPs. Writing a line wakes a writer thread, and a
 * takeover's own lines ("Entering MASTER STATE") woke it at the worst moment: traced on a 2-vCPU host,
 * the writer spent ~0.3 ms formatting and writing on the CPU the VIP add, or the first process to see
 * the VIP, was waiting for. Lines logged during a hold keep their time and order and are queued for
 * writing when the last hold ends.
 *
 * <p>Holds overlap (several instances taking over at once) and are let go together. Whatever the
 * callers do, holding stops {@link #MAX_HOLD} after the first hold began: the next line logged, or
 * the event loop's next turn ({@link #expireOverdue()}), lets the held lines go, and an
 * {@link Hold#end()} that comes later is ignored. So a stuck or forgotten hold can delay lines but
 * never lose them or keep later holds from working. No timer: arming one would wake a thread in the
 * middle of the takeover this exists to keep quiet.
 */
public final class LogHold {
    /** Longest lines are held; a VIP add takes well under a millisecond. */
    static final Duration MAX_HOLD = Duration.ofMillis(50);

    /** One caller's hold; {@link #end()} it once the VIPs are in (extra calls do nothing). */
    public static final class Hold {
        private final long epoch;
        private boolean ended;

        private Hold(long epoch) {
            this.epoch = epoch;
        }

        public void end() {
            LogHold.end(this);
        }
    }

    /** A hold that holds nothing (warm-up, tests). */
    public static final Hold NONE = new Hold(-1);

    private static final List<Runnable> ON_RELEASE = new CopyOnWriteArrayList<>();
    private static volatile boolean active;
    private static volatile long sinceNanos;
    private static volatile long limitNanos = MAX_HOLD.toNanos();
    private static long epoch;
    private static int holders;

    private LogHold() {}

    /** Starts holding lines back. */
    public static Hold begin() {
        synchronized (LogHold.class) {
            if (holders == 0) {
                epoch++;
                sinceNanos = System.nanoTime();
                active = true;
            }
            holders++;
            return new Hold(epoch);
        }
    }

    /** Whether lines are being held now: a hold is on and has not outlived its limit. */
    public static boolean holding() {
        return active && !overdue();
    }

    /**
     * Ends the holds if they have outlived their limit, letting their lines go. The event loop calls
     * this on every turn; it costs a volatile read while nothing is held.
     */
    public static void expireOverdue() {
        if (!active) {
            return;
        }
        synchronized (LogHold.class) {
            if (holders == 0 || !overdue()) {
                return; // ended meanwhile, or a new hold began: it is not overdue
            }
            holders = 0;
            active = false;
        }
        release();
    }

    private static boolean overdue() {
        return System.nanoTime() - sinceNanos >= limitNanos;
    }

    /** Holds now open (status, tests). */
    public static int holders() {
        synchronized (LogHold.class) {
            return holders;
        }
    }

    private static void end(Hold hold) {
        synchronized (LogHold.class) {
            if (hold.ended || hold.epoch != epoch || holders == 0) {
                return; // NONE, twice, or after the limit let the lines go
            }
            hold.ended = true;
            if (--holders > 0) {
                return;
            }
            active = false;
        }
        release();
    }

    private static void release() {
        ON_RELEASE.forEach(Runnable::run);
    }

    /** Tests: a different limit (a slow test machine must not end a hold the test is looking at). */
    static void limit(Duration limit) {
        limitNanos = limit.toNanos();
    }

    public static void onRelease(Runnable flush) {
        ON_RELEASE.add(flush);
    }

    public static void removeOnRelease(Runnable flush) {
        ON_RELEASE.remove(flush);
    }
}
