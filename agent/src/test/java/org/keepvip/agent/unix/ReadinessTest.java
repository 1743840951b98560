package org.keepvip.agent.unix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The loop's wait on descriptors, on real ones: AF_UNIX datagram sockets made readable by a send,
 * and the eventfd behind {@link Readiness#wake()}. Timing is only bounded from below where the
 * kernel guarantees it (a timeout never returns early); nothing waits on a sleep.
 */
class ReadinessTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aDescriptorWithDataIsReadableAndAnIdleOneIsNot() throws Exception {
        String path = "@kvt-readiness-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        int quiet = UnixDatagram.open();
        int rx = UnixDatagram.open();
        int tx = UnixDatagram.open();
        try (Readiness r = Readiness.open(new int[] {quiet, rx})) {
            UnixDatagram.bind(rx, path);
            UnixDatagram.connect(tx, path);
            UnixDatagram.send(tx, new byte[] {1}, 1);

            r.await(SECOND);
            assertThat(r.readable(0)).isFalse();
            assertThat(r.readable(1)).isTrue();

            UnixDatagram.receive(rx, new byte[8]);
            long t0 = System.nanoTime();
            r.await(20_000_000L);
            assertThat(System.nanoTime() - t0).as("nothing to read: the timeout ran out").isGreaterThanOrEqualTo(20_000_000L);
            assertThat(r.readable(1)).isFalse();
        } finally {
            UnixDatagram.closeQuietly(quiet);
            UnixDatagram.closeQuietly(rx);
            UnixDatagram.closeQuietly(tx);
        }
    }

    @Test
    void aWakeFromAnotherThreadEndsTheWaitAndIsConsumedByIt() throws Exception {
        try (Readiness r = Readiness.open(new int[0])) {
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waker = new Thread(() -> {
                try {
                    waiting.await();
                } catch (InterruptedException e) {
                    return;
                }
                r.wake();
            });
            waker.start();
            long t0 = System.nanoTime();
            waiting.countDown();
            r.await(30 * SECOND);
            assertThat(System.nanoTime() - t0).as("woken, not timed out").isLessThan(10 * SECOND);
            waker.join();

            long t1 = System.nanoTime();
            r.await(20_000_000L);
            assertThat(System.nanoTime() - t1).as("the wake was consumed: this wait times out")
                    .isGreaterThanOrEqualTo(20_000_000L);
        }
    }

    @Test
    void anIgnoredDescriptorDoesNotEndAWait() throws Exception {
        String path = "@kvt-readiness-ign-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        int rx = UnixDatagram.open();
        int tx = UnixDatagram.open();
        try (Readiness r = Readiness.open(new int[] {rx})) {
            UnixDatagram.bind(rx, path);
            UnixDatagram.connect(tx, path);
            UnixDatagram.send(tx, new byte[] {1}, 1);
            r.ignore(0, true);
            long t0 = System.nanoTime();
            r.await(20_000_000L);
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(20_000_000L);
            assertThat(r.readable(0)).isFalse();
            r.ignore(0, false);
            r.await(SECOND);
            assertThat(r.readable(0)).isTrue();
        } finally {
            UnixDatagram.closeQuietly(rx);
            UnixDatagram.closeQuietly(tx);
        }
    }
}
