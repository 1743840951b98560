package org.keepvip.agent.latency;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point of the latency machinery, called by the daemon at two moments of its start:
 * {@link #warmUp} before the event loop runs (the takeover path compiled, the JIT quiet), and
 * {@link #keepBackgroundThreadsOffTheLoop} once every thread it names exists. What each part of the
 * warm-up rehearses is supplied by the code that owns that path; the order, the passes and the wait
 * for the compiler are decided here.
 */
public final class TakeoverLatency {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /** Rounds of the IO warm-up: C1 compiles a method after ~200 calls. */
    public static final int IO_WARM_UP_ROUNDS = 1000;

    /** Longest the start-up waits for the JIT to go quiet, each time. */
    private static final Duration JIT_QUIET_MAX = Duration.ofSeconds(2);

    private TakeoverLatency() {}

    /** One part of the warm-up: runs a path of the takeover {@code rounds} times, with no effect outside. */
    @FunctionalInterface
    public interface WarmUp {
        void run(int rounds) throws InterruptedException;
    }

    /**
     * Runs the parts in order, then once more when the JIT has gone quiet (see {@link JitQuiet}),
     * and waits for the compiles that starts too, so they are done before the loop runs. After the
     * parts, each pass runs a takeover's log hold, so that the first hold runs compiled.
     */
    public static void warmUp(List<WarmUp> parts) {
        long started = System.nanoTime();
        try {
            for (int pass = 0; pass < 2; pass++) {
                for (WarmUp part : parts) {
                    part.run(IO_WARM_UP_ROUNDS);
                }
                if (!JitQuiet.await(JIT_QUIET_MAX)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("warm-up took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** The takeover's log hold, begun and ended: a part of the warm-up. */
    public static void warmUpLogHold(int rounds) {
        for (int i = 0; i < rounds; i++) {
            LogHold.begin().end();
        }
    }

    /** See {@link BackgroundThreads}: a takeover must not wait for a log writer or the JIT. */
    public static void keepBackgroundThreadsOffTheLoop() {
        try {
            List<String> moved = BackgroundThreads.move(ThreadNames.BACKGROUND, BackgroundThreads.Policy.BATCH);
            LOG.debug("threads that must not delay the VRRP loop, now in SCHED_BATCH: {}", moved);
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("cannot lower the scheduling policy of background threads, a takeover may wait for them: {}",
                    e.getMessage());
        }
    }
}
