package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.agent.unix.Libc;

/**
 * {@link EventLoop#replaceSocket}: the caller (a link made again) does not wait for the loop, and
 * the future it gets completes once the loop polls the new descriptor instead of the old, so the
 * old may be closed from then on. The descriptors are eventfds: readable when written to, as a
 * capture is when a frame waits.
 */
class EventLoopReplaceSocketTest {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;

    /** A capture stand-in: drain consumes the eventfd's count, as reading the frames would. */
    private static final class Socket implements PacketPort.Polled, AutoCloseable {
        final int fd = Libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        final AtomicInteger drains = new AtomicInteger();
        final Semaphore drained = new Semaphore(0);
        private final Memory counter = new Memory(8);

        void frameArrives() {
            counter.setLong(0, 1);
            Libc.write(fd, counter, new NativeLong(8));
        }

        @Override
        public int fd() {
            return fd;
        }

        @Override
        public int drain(int max) {
            try {
                Libc.read(fd, counter, new NativeLong(8));
            } catch (com.sun.jna.LastErrorException e) {
                return 0; // EAGAIN: nothing waited
            }
            drains.incrementAndGet();
            drained.release();
            return 1;
        }

        @Override
        public String ifname() {
            return "eth0";
        }

        @Override
        public void close() {
            Libc.close(fd);
        }
    }

    @Test
    void theCallerDoesNotWaitAndTheFutureCompletesOnceTheLoopReadsTheNewSocket() throws Exception {
        assumeTrue(LoopReadSockets.available(), "no eventfd/ppoll through JNA here");
        try (Socket old = new Socket(); Socket fresh = new Socket()) {
            EventLoop loop = new EventLoop();
            loop.readSockets(List.of(old));
            // The loop is not running yet, as a loop busy elsewhere: the call must return at once.
            long before = System.nanoTime();
            CompletableFuture<Void> taken = loop.replaceSocket(fresh);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).as("ms in replaceSocket")
                    .isLessThan(1000);
            assertThat(taken).as("not taken before the loop ran").isNotDone();

            Thread thread = new Thread(loop, "vrrp-test");
            thread.start();
            try {
                taken.get(5, TimeUnit.SECONDS);
                // Taken: a frame on the new socket is read; one on the old is not (the loop polls the
                // new descriptor in its place), so closing the old from now on is safe.
                old.frameArrives();
                fresh.frameArrives();
                assertThat(fresh.drained.tryAcquire(5, TimeUnit.SECONDS)).as("the loop reads the new socket").isTrue();
                fresh.frameArrives();
                assertThat(fresh.drained.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
                assertThat(old.drains.get()).as("reads of the old socket after it was replaced").isZero();
            } finally {
                loop.post(new LoopEvent.Stop());
                thread.join(5000);
            }
            assertThat(loop.isStopped()).isTrue();
        }
    }
}
