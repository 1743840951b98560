package org.keepvip.agent.loop;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** The shared thread's VIP add combiner; null for an own thread (its steps may wait on Redis). */
    private final VipCombiner combiner;
    /** Tasks of this lane handed over and not yet finished (see {@link #idle()}). */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    private HookLane(String instance, ExecutorService executor, boolean ownsExecutor, VipCombiner combiner) {
        this.instance = instance;
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
        this.combiner = combiner;
    }

    /** A lane with a thread of its own, named {@code hooks-INSTANCE}. */
    static HookLane owned(String instance) {
        return owned(instance, VrrpThreads.NONE);
    }

    /** As {@link #owned(String)}, its thread tuned by {@code threads}. */
    static HookLane owned(String instance, VrrpThreads threads) {
        return new HookLane(instance, Executors.newSingleThreadExecutor(threads.factory(ThreadNames.HOOKS_PREFIX + instance)), true, null);
    }

    /** A lane on {@code executor}, which must be single-threaded and outlive the lane. */
    static HookLane sharing(String instance, ExecutorService executor) {
        return sharing(instance, executor, null);
    }

    /** As {@link #sharing(String, ExecutorService)}, its VIP adds combined through {@code combiner} (one per executor). */
    static HookLane sharing(String instance, ExecutorService executor, VipCombiner combiner) {
        return new HookLane(instance, executor, false, combiner);
    }

    /** Where this lane's VIP adds may be combined with other lanes' on the same thread; null: not at all. */
    VipCombiner combiner() {
        return combiner;
    }

    /** Whether nothing of this lane is queued or running (read on the loop, which alone hands work over). */
    boolean idle() {
        return inFlight.get() == 0;
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
        inFlight.incrementAndGet();
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
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
