package org.keepvip.agent.latency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.latency.BackgroundThreads.Policy;

/** Real threads of this JVM, real sched_setscheduler; no privilege needed. */
class BackgroundThreadsTest {
    /** Names of at most 15 characters, unique per run, so the kernel keeps them whole. */
    private final String tag = String.format("kvbg%04d", System.nanoTime() % 10_000);
    private final CountDownLatch finish = new CountDownLatch(1);

    @AfterEach
    void letThreadsEnd() {
        finish.countDown();
    }

    @Test
    void movesTheNamedThreadsOnlyAndWhatTheyStartInheritsIt() throws Exception {
        Thread background = parked(tag + "-bg");
        Thread foreground = parked(tag + "-fg");

        Thread idle = parked(tag + "-id");

        assertThat(BackgroundThreads.move(List.of(tag + "-bg"), Policy.BATCH)).containsExactly(tag + "-bg");
        assertThat(BackgroundThreads.move(List.of(tag + "-id"), Policy.IDLE)).containsExactly(tag + "-id");

        assertThat(BackgroundThreads.policyOf(tid(tag + "-bg"))).hasValue(Policy.BATCH);
        assertThat(BackgroundThreads.policyOf(tid(tag + "-id"))).hasValue(Policy.IDLE);
        assertThat(BackgroundThreads.policyOf(tid(tag + "-fg"))).hasValue(Policy.OTHER);

        // A thread a background thread starts later (the JIT adds compiler threads on demand, the
        // control socket a thread per client) inherits its policy.
        AtomicReference<Policy> childPolicy = new AtomicReference<>();
        CountDownLatch measured = new CountDownLatch(1);
        Thread starter = new Thread(() -> {
            try {
                BackgroundThreads.move(List.of(tag + "-st"), Policy.IDLE);
                parked(tag + "-ch");
                childPolicy.set(BackgroundThreads.policyOf(tid(tag + "-ch")).orElse(null));
            } catch (Exception e) {
                childPolicy.set(null);
            } finally {
                measured.countDown();
            }
        }, tag + "-st");
        starter.start();
        assertThat(measured.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(childPolicy.get()).isEqualTo(Policy.IDLE);

        assertThat(background.isAlive()).isTrue();
        assertThat(idle.isAlive()).isTrue();
        assertThat(foreground.isAlive()).isTrue();
    }

    @Test
    void aPrefixLongerThanTheKernelKeepsStillMatches() throws Exception {
        parked(tag + "-resolver"); // the kernel lists it cut to 15 characters
        String full = tag + "-resolver-thread";

        assertThat(BackgroundThreads.move(List.of(full), Policy.BATCH)).hasSize(1);
        assertThat(BackgroundThreads.policyOf(tid(full.substring(0, 15)))).hasValue(Policy.BATCH);
    }

    @Test
    void noMatchingThreadMovesNothing() throws Exception {
        parked(tag + "-x");
        assertThat(BackgroundThreads.move(List.of(tag + "-none"), Policy.IDLE)).isEmpty();
        assertThat(BackgroundThreads.policyOf(tid(tag + "-x"))).hasValue(Policy.OTHER);
    }

    @Test
    void aThreadThatIsGoneHasNoPolicy() throws Exception {
        // Above /proc/sys/kernel/pid_max's ceiling (2^22), so no thread can have it.
        assertThat(BackgroundThreads.policyOf(4_194_304 + 1)).isEmpty();
    }

    @Test
    void tasksIncludeThisThreadUnderItsName() throws Exception {
        String name = tag + "-me";
        String old = Thread.currentThread().getName();
        Thread.currentThread().setName(name);
        try {
            assertThat(BackgroundThreads.tasks()).extracting(BackgroundThreads.Task::name).contains(name);
        } finally {
            Thread.currentThread().setName(old);
        }
    }

    /** Starts a thread that waits until the test ends; returns once the kernel lists it by name. */
    private Thread parked(String name) throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            running.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        return t;
    }

    private static Integer tid(String name) throws Exception {
        return BackgroundThreads.tasks().stream().filter(t -> t.name().equals(name)).map(BackgroundThreads.Task::tid)
                .findFirst().orElseThrow(() -> new AssertionError("no thread named " + name));
    }
}
