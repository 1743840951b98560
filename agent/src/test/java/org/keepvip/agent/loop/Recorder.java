package org.keepvip.agent.loop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The port calls a test's fakes made, in order, from whichever thread made them; a test can wait
 * for one to happen instead of sleeping.
 */
public final class Recorder {
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<String> fresh = new LinkedBlockingQueue<>();

    void record(String what) {
        seen.add(what);
        fresh.add(what);
    }

    /** Everything recorded so far, in order (a snapshot). */
    List<String> seen() {
        return List.copyOf(seen);
    }

    /** Waits up to 10 s for a call, recorded after the last wait, that starts with {@code prefix}. */
    void await(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String e = fresh.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e != null && e.startsWith(prefix)) {
                return;
            }
        }
        throw new AssertionError("timed out waiting for '" + prefix + "'; seen: " + seen);
    }
}
