package org.keepvip.agent.daemon;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's slow work (Redis hooks, netlink VIP changes, GARP bursts, notifies) in the order
 * the state machine asked for it, on its own thread, so adverts never wait for it. A failing step is
 * logged and the next one still runs: releasing a VIP must not be skipped because a fence failed.
 */
final class HookLane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HookLane.class);

    /** A step of the lane; may throw, which is logged. */
    interface Step {
        void run() throws Exception;
    }

    private final String instance;
    private final ExecutorService executor;

    HookLane(String instance) {
        this.instance = instance;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hooks-" + instance);
            t.setDaemon(true);
            return t;
        });
    }

    void submit(String what, Step step) {
        executor.execute(() -> {
            try {
                step.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.error("({}) {} failed: {}", instance, what, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        });
    }

    /**
     * Passes {@code rounds} empty steps through the lane and waits for them, so the hand-off from the
     * loop is compiled before the first takeover uses it.
     */
    void warmUp(int rounds) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(rounds);
        for (int i = 0; i < rounds; i++) {
            submit("warm-up", done::countDown);
        }
        done.await(5, TimeUnit.SECONDS);
    }

    /** Waits for every submitted step to finish, at most {@code millis}. */
    boolean drain(long millis) throws InterruptedException {
        executor.shutdown();
        return executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
