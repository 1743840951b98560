package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hook lanes on a thread of their own or sharing one: each lane keeps its order, a failing step does
 * not stop the next, drain waits for the lane's own earlier steps without stopping a shared thread,
 * a retired or drained lane takes no more work, close interrupts only an own thread; and
 * {@link LaneWorkers} hands out the two shared threads round-robin and an own thread on request.
 */
class HookLaneTest {
    private static final long WAIT_SECONDS = 5;

    private final ExecutorService shared = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hooks-test");
        t.setDaemon(true);
        return t;
    });
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        shared.shutdownNow();
    }

    @Test
    void lanesSharingAThreadEachKeepTheirOrderAndInterleave() throws Exception {
        HookLane a = HookLane.sharing("A", shared);
        HookLane b = HookLane.sharing("B", shared);
        List<String> ran = new CopyOnWriteArrayList<>();
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String ai = "A" + i;
            String bi = "B" + i;
            if (i % 5 == 0) {
                String ai2 = "A" + i + "'";
                a.submitAll(List.of(new HookLane.Work("w", () -> ran.add(ai)), new HookLane.Work("w", () -> ran.add(ai2))));
                submitted.add(ai);
                submitted.add(ai2);
            } else {
                a.submit("w", () -> ran.add(ai));
                submitted.add(ai);
            }
            b.submit("w", () -> ran.add(bi));
            submitted.add(bi);
        }
        assertThat(a.drain(TimeUnit.SECONDS.toMillis(WAIT_SECONDS))).isTrue();
        assertThat(b.drain(TimeUnit.SECONDS.toMillis(WAIT_SECONDS))).isTrue();

        assertThat(ran.stream().filter(s -> s.startsWith("A")).toList()).as("A's own order")
                .containsExactlyElementsOf(submitted.stream().filter(s -> s.startsWith("A")).toList());
        assertThat(ran.stream().filter(s -> s.startsWith("B")).toList()).as("B's own order")
                .containsExactlyElementsOf(submitted.stream().filter(s -> s.startsWith("B")).toList());
        // One thread, first come first served: B's first step does not wait for all of A's.
        assertThat(ran).as("the two lanes interleave as submitted").containsExactlyElementsOf(submitted);
    }

    @Test
    void aFailingStepDoesNotStopTheNextOneAloneOrInABatch() throws Exception {
        for (HookLane lane : List.of(HookLane.sharing("S", shared), owned("O"))) {
            List<String> ran = new CopyOnWriteArrayList<>();
            lane.submit("fence", () -> {
                throw new java.io.IOException("connection refused");
            });
            lane.submit("after", () -> ran.add("after single failure"));
            lane.submitAll(List.of(
                    new HookLane.Work("fence", () -> {
                        throw new IllegalStateException("bug in a hook");
                    }),
                    new HookLane.Work("removing VIPs", () -> ran.add("rest of the batch"))));
            lane.submit("after", () -> ran.add("next batch"));

            assertThat(lane.drain(TimeUnit.SECONDS.toMillis(WAIT_SECONDS))).isTrue();
            assertThat(ran).as("steps after failures on %s", lane)
                    .containsExactly("after single failure", "rest of the batch", "next batch");
        }
    }

    @Test
    void drainOnASharedLaneWaitsForThatLanesStepsAndLeavesTheThreadToTheOthers() throws Exception {
        HookLane a = HookLane.sharing("A", shared);
        HookLane b = HookLane.sharing("B", shared);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        a.submit("slow", () -> {
            release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            ran.add("a1");
        });
        a.submit("quick", () -> ran.add("a2"));
        assertThat(a.drain(20)).as("drain does not return while the lane's first step is held").isFalse();

        release.countDown();

        assertThat(a.drain(TimeUnit.SECONDS.toMillis(WAIT_SECONDS))).isTrue();
        assertThat(ran).as("what had run when drain returned").containsExactly("a1", "a2");
        CountDownLatch bRan = new CountDownLatch(1);
        b.submit("other lane", bRan::countDown);
        assertThat(bRan.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the shared thread still serves B").isTrue();
        assertThat(shared.isShutdown()).isFalse();
        assertThatThrownBy(() -> a.submit("late", () -> ran.add("late"))).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aRetiredLaneRejectsWorkButFinishesWhatWasQueued() throws Exception {
        HookLane sharedLane = HookLane.sharing("S", shared);
        HookLane ownLane = owned("O");
        for (HookLane lane : List.of(sharedLane, ownLane)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch released = new CountDownLatch(1);
            lane.submit("slow", () -> release.await(WAIT_SECONDS, TimeUnit.SECONDS));
            lane.submit("release of the removed instance", released::countDown);

            lane.retire();
            assertThatThrownBy(() -> lane.submit("late", () -> { })).isInstanceOf(RejectedExecutionException.class);
            assertThatThrownBy(() -> lane.submitAll(List.of(new HookLane.Work("late", () -> { }))))
                    .isInstanceOf(RejectedExecutionException.class);
            release.countDown();
            assertThat(released.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("queued work on %s still runs", lane).isTrue();
        }
    }

    @Test
    void aRetiredOwnLaneEndsItsThread() throws Exception {
        HookLane lane = owned("O");
        AtomicReference<Thread> thread = new AtomicReference<>();
        lane.submit("record", () -> thread.set(Thread.currentThread()));
        lane.retire();
        assertThat(lane.drain(TimeUnit.SECONDS.toMillis(WAIT_SECONDS))).isTrue();

        assertThat(thread.get().getName()).isEqualTo("hooks-O");
        thread.get().join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(thread.get().isAlive()).as("a removed instance's thread does not live on").isFalse();
    }

    @Test
    void aDrainedLaneRejectsWork() throws Exception {
        for (HookLane lane : List.of(HookLane.sharing("S", shared), owned("O"))) {
            lane.submit("step", () -> { });
            assertThat(lane.drain(TimeUnit.SECONDS.toMillis(WAIT_SECONDS))).isTrue();
            assertThatThrownBy(() -> lane.submit("late", () -> { })).as("after drain on %s", lane)
                    .isInstanceOf(RejectedExecutionException.class);
        }
    }

    @Test
    void closeInterruptsAnOwnThreadAndStopsTheBatch() throws Exception {
        HookLane lane = owned("O");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<Thread> thread = new AtomicReference<>();
        AtomicBoolean restRan = new AtomicBoolean();
        lane.submitAll(List.of(
                new HookLane.Work("promote", () -> {
                    thread.set(Thread.currentThread());
                    started.countDown();
                    try {
                        new CountDownLatch(1).await(); // a Redis server that never answers
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                }),
                new HookLane.Work("rest", () -> restRan.set(true))));
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        lane.close();

        assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the hung step was interrupted").isTrue();
        thread.get().join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(thread.get().isAlive()).isFalse();
        assertThat(restRan).as("an interrupted batch stops").isFalse();
        assertThatThrownBy(() -> lane.submit("late", () -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void closeOnASharedLaneInterruptsNothingAndLetsQueuedStepsRun() throws Exception {
        HookLane a = HookLane.sharing("A", shared);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch queuedRan = new CountDownLatch(1);
        a.submit("slow", () -> {
            try {
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        a.submit("queued", queuedRan::countDown);

        a.close();
        release.countDown();

        assertThat(queuedRan.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).as("another lane's thread is not interrupted").isFalse();
        assertThat(shared.isShutdown()).isFalse();
        assertThatThrownBy(() -> a.submit("late", () -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void laneWorkersSpreadSharedLanesRoundRobinAndGiveRedisLanesTheirOwnThread() throws Exception {
        LaneWorkers workers = new LaneWorkers();
        toClose.add(workers);
        List<String> threads = new ArrayList<>();
        for (int i = 0; i < 2 * LaneWorkers.SHARED_THREADS + 1; i++) {
            threads.add(threadOf(workers.laneFor("VI_" + i, false)));
        }
        HookLane redisLane = workers.laneFor("VI_redis", true);
        toClose.add(redisLane);

        assertThat(threads).containsExactly("hooks-1", "hooks-2", "hooks-1", "hooks-2", "hooks-1");
        assertThat(threadOf(redisLane)).isEqualTo("hooks-VI_redis");
        assertThat(threadOf(workers.laneFor("VI_next", false)))
                .as("an own thread does not take a turn of the round-robin").isEqualTo("hooks-2");
    }

    @Test
    void laneWorkersLetQueuedStepsFinishOnClose() throws Exception {
        LaneWorkers workers = new LaneWorkers();
        HookLane lane = workers.laneFor("VI_1", false);
        AtomicBoolean ran = new AtomicBoolean();
        lane.submit("notify STOP", () -> ran.set(true));

        workers.close();

        assertThat(ran).as("close waited for the queued step").isTrue();
        assertThat(lane.drain(10)).as("nothing left once the shared threads have stopped").isTrue();
    }

    private HookLane owned(String name) {
        HookLane lane = HookLane.owned(name);
        toClose.add(lane);
        return lane;
    }

    private static String threadOf(HookLane lane) throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        lane.submit("where", () -> name.complete(Thread.currentThread().getName()));
        return name.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
