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

    /** A step with the name its failure is logged under. */
    record Work(String what, Step step) {
    }

    void submit(String what, Step step) {
        executor.execute(() -> run(what, step));
    }

    /**
     * Queues steps that run one after the other as a single hand-over: the lane thread is woken once
     * per batch of the state machine, not once per step. Each step still fails on its own.
     */
    void submitAll(java.util.List<Work> work) {
        executor.execute(() -> {
            for (Work w : work) {
                if (!run(w.what(), w.step())) {
                    return;
                }
            }
        });
    }

    /** Runs one step; false when the lane was interrupted (closing), so the batch stops. */
    private boolean run(String what, Step step) {
        try {
            step.run();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.error("({}) {} failed: {}", instance, what, e.getMessage() == null ? e.toString() : e.getMessage());
            return true;
        }
    }

    /**
     * Passes {@code rounds} empty steps through the lane, one at a time and as batches, and waits for
     * them, so the hand-off from the loop is compiled before the first takeover uses it.
     */
    void warmUp(int rounds) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(rounds);
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                submit("warm-up", done::countDown);
            } else {
                submitAll(java.util.List.of(new Work("warm-up", done::countDown)));
            }
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
