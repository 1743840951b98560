package org.keepvip.agent.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.keepvip.agent.sched.VrrpThreads;
import org.keepvip.agent.latency.ThreadNames;

/**
 * The threads behind the {@link HookLane}s. Instances without Redis share {@link #SHARED_THREADS}
 * threads, assigned round-robin: their steps are local IO (a netlink request, a few frames, a queued
 * notify) that takes tens of microseconds, so a few threads serve a thousand instances, and an
 * instance always lands on the same thread, which keeps its steps in order. An instance with Redis
 * hooks gets a thread of its own, since a promote or fence may wait for a hung server's timeout and
 * must not hold up another instance's VIP; there are as many of those as Redis servers on the host.
 */
public final class LaneWorkers implements AutoCloseable {
    /** Two: a takeover burst of many instances then uses both CPUs of a small host. */
    static final int SHARED_THREADS = 2;

    private final List<ExecutorService> shared = new ArrayList<>();
    /** One per shared thread: the VIP adds of its lanes go to the kernel together (see VipCombiner). */
    private final List<VipCombiner> combiners = new ArrayList<>();
    private int next;

    private final VrrpThreads threads;

    LaneWorkers() {
        this(VrrpThreads.NONE);
    }

    /** Lane threads that take {@code threads}' priority and CPU set (vrrp_rt_priority and the like). */
    public LaneWorkers(VrrpThreads threads) {
        this.threads = threads;
        for (int i = 1; i <= SHARED_THREADS; i++) {
            shared.add(Executors.newSingleThreadExecutor(threads.factory(ThreadNames.HOOKS_PREFIX + i)));
            combiners.add(new VipCombiner());
        }
    }

    /** The lane for an instance: its own thread when its steps may block on Redis, else a shared one. */
    public HookLane laneFor(String instance, boolean mayBlock) {
        if (mayBlock) {
            return HookLane.owned(instance, threads);
        }
        HookLane lane = HookLane.sharing(instance, shared.get(next), combiners.get(next));
        next = (next + 1) % shared.size();
        return lane;
    }

    /** Start-up only: compiles the hand-off into each shared thread (see {@link HookLane#warmUp}) and the VIP combining. */
    public void warmUp(int rounds) throws InterruptedException {
        VipCombiner.warmUp(rounds);
        for (ExecutorService e : shared) {
            HookLane.sharing("warm-up", e).warmUp(rounds);
        }
    }

    /** Lets queued steps finish for up to half a second, then stops the shared threads. */
    @Override
    public void close() {
        shared.forEach(ExecutorService::shutdown);
        for (ExecutorService e : shared) {
            try {
                if (!e.awaitTermination(500, TimeUnit.MILLISECONDS)) {
                    e.shutdownNow();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                e.shutdownNow();
            }
        }
    }
}
