package org.keepvip.agent.loop;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.keepvip.agent.sched.VrrpThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.latency.ThreadNames;

/**
 * One instance's slow work (Redis hooks, netlink VIP changes, GARP bursts, notifies) in the order
 * the state machine asked for it, off the event loop, so adverts never wait for it. A failing step
 * is logged and the next one still runs: releasing a VIP must not be skipped because a fence failed.
 *
 * <p>A lane runs on a single-thread executor, which keeps its steps in order. That executor is either
 * the lane's own ({@link #owned}: for an instance whose steps may block on a Redis server for their
 * timeouts) or one of a few that many lanes share ({@link #sharing}: steps that are quick local IO, so
 * a thousand instances need no thousand threads). See {@link LaneWorkers}.
 */
public final class HookLane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HookLane.class);

    /** A step of the lane; may throw, which is logged. */
    interface Step {
        void run() throws Exception;
    }

    /** A step with the name its failure is logged under. */
    record Work(String what, Step step) {
    }

    private final String instance;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private volatile boolean closed;

    private HookLane(String instance, ExecutorService executor, boolean ownsExecutor) {
        this.instance = instance;
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
    }

    /** A lane with a thread of its own, named {@code hooks-INSTANCE}. */
    static HookLane owned(String instance) {
        return owned(instance, VrrpThreads.NONE);
    }

    /** As {@link #owned(String)}, its thread tuned by {@code threads}. */
    static HookLane owned(String instance, VrrpThreads threads) {
        return new HookLane(instance, Executors.newSingleThreadExecutor(threads.factory(ThreadNames.HOOKS_PREFIX + instance)), true);
    }

    /** A lane on {@code executor}, which must be single-threaded and outlive the lane. */
    static HookLane sharing(String instance, ExecutorService executor) {
        return new HookLane(instance, executor, false);
    }

    void submit(String what, Step step) {
        execute(() -> run(what, step));
    }

    /**
     * Queues steps that run one after the other as a single hand-over: the lane thread is woken once
     * per batch of the state machine, not once per step. Each step still fails on its own.
     */
    void submitAll(List<Work> work) {
        execute(() -> {
            for (Work w : work) {
                if (!run(w.what(), w.step())) {
                    return;
                }
            }
        });
    }

    private void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("(" + instance + ") hook lane closed");
        }
        executor.execute(task);
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
        CountDownLatch done = new CountDownLatch(rounds);
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                submit("warm-up", done::countDown);
            } else {
                submitAll(List.of(new Work("warm-up", done::countDown)));
            }
        }
        done.await(5, TimeUnit.SECONDS);
    }

    /**
     * Takes no more work and waits, at most {@code millis}, until every step submitted so far has run.
     * A shared executor keeps running for the other lanes.
     */
    boolean drain(long millis) throws InterruptedException {
        if (ownsExecutor) {
            closed = true;
            executor.shutdown();
            return executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
        }
        CountDownLatch reached = new CountDownLatch(1);
        try {
            executor.execute(reached::countDown); // the executor is FIFO: behind every step of this lane
        } catch (RejectedExecutionException e) {
            return true; // the shared executor has stopped: nothing of ours is left to run
        }
        closed = true;
        return reached.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes no more work; what is queued still runs (the release of a removed instance), after which
     * an own thread ends.
     */
    void retire() {
        closed = true;
        if (ownsExecutor) {
            executor.shutdown();
        }
    }

    /** Stops at once: an own thread is interrupted; queued steps on a shared executor still run. */
    @Override
    public void close() {
        closed = true;
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }
}
