package org.keepvip.agent.latency;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Waits, at start-up, until the JIT compiler has gone quiet. HotSpot raises its compile thresholds
 * while its queue is long, as it is while the daemon starts; code the warm-up ran ~1000 times then
 * still crossed a threshold only at the 3rd to 6th takeover, and its compile took a CPU right when
 * the takeover needed it (traced: 0.2–1.8 ms of C1 work within 2 ms of most takeovers). Repeating
 * the warm-up once the queue is empty compiles that code before the loop starts.
 */
public final class JitQuiet {
    private static final Duration POLL = Duration.ofMillis(10);
    /** Polls in a row without new compile time that count as quiet. */
    private static final int QUIET_POLLS = 3;

    private JitQuiet() {}

    /**
     * Returns once no compile time has been added for {@code QUIET_POLLS} polls, or after {@code max};
     * false if the JVM does not report compile time, or on timeout.
     */
    public static boolean await(Duration max) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return false;
        }
        long deadline = System.nanoTime() + max.toNanos();
        long last = jit.getTotalCompilationTime();
        int quiet = 0;
        while (System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL.toMillis());
            long now = jit.getTotalCompilationTime();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
            if (quiet >= QUIET_POLLS) {
                return true;
            }
        }
        return false;
    }
}
