package org.keepvip.agent.unix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.IOException;

/**
 * One thread's wait for several file descriptors to become readable, or for another thread's
 * {@link #wake()}, with a nanosecond timeout: {@code ppoll(2)} over a fixed set of descriptors plus
 * an {@code eventfd(2)}. It lets the VRRP loop read its capture sockets itself, rather than take
 * each received advert from a reader thread (two context switches per advert instead of one, some
 * 20,000 a second on a backup of 1,000 instances).
 *
 * <p>{@link #await} and {@link #readable} belong to one thread; {@link #wake} may be called from any.
 * The native blocks are allocated once: a wait allocates nothing.
 */
public final class Readiness implements AutoCloseable {
    private static final short POLLIN = 0x1;
    private static final int POLLFD_SIZE = 8; // int fd; short events; short revents
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EINTR = 4;

    private final int count;
    private final int[] fds;
    private final int eventFd;
    private final Memory pollFds;
    private final Memory timeout = new Memory(16); // struct timespec: two C longs on LP64
    private final Memory counter = new Memory(8);
    private final Memory one = new Memory(8);
    private boolean closed;

    private Readiness(int[] fds, int eventFd) {
        this.count = fds.length;
        this.fds = fds.clone();
        this.eventFd = eventFd;
        this.pollFds = new Memory((long) (count + 1) * POLLFD_SIZE);
        one.setLong(0, 1);
        for (int i = 0; i <= count; i++) {
            pollFds.setInt((long) i * POLLFD_SIZE, i < count ? fds[i] : eventFd);
            pollFds.setShort((long) i * POLLFD_SIZE + 4, POLLIN);
        }
    }

    /** Watches {@code fds} (in that order: {@link #readable(int)} takes an index into them). */
    public static Readiness open(int[] fds) throws IOException {
        if (Native.LONG_SIZE != 8) {
            throw new IOException("Readiness needs a 64-bit C long");
        }
        try {
            return new Readiness(fds, Libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            throw new IOException("eventfd: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until a watched descriptor is readable, {@link #wake()} was called, or {@code nanos}
     * passed (negative: no limit). A wake is consumed here. Returns without waiting if any of those
     * already holds.
     */
    public void await(long nanos) throws IOException {
        Pointer tmo = null;
        if (nanos >= 0) {
            timeout.setLong(0, nanos / 1_000_000_000L);
            timeout.setLong(8, nanos % 1_000_000_000L);
            tmo = timeout;
        }
        try {
            Libc.ppoll(pollFds, new NativeLong(count + 1), tmo, null);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINTR) {
                throw new IOException("ppoll: " + e.getMessage(), e);
            }
            clearReady();
            return;
        }
        if (revents(count) != 0) {
            try {
                Libc.read(eventFd, counter, new NativeLong(8)); // resets the eventfd's count to zero
            } catch (LastErrorException e) {
                // EAGAIN: another wait consumed it already; nothing else can happen to an eventfd
            }
        }
    }

    /** After {@link #await}: whether descriptor {@code index} had something (data, an error, a hang-up). */
    public boolean readable(int index) {
        return revents(index) != 0;
    }

    /** Leaves descriptor {@code index} out of the next waits ({@code false}: includes it again). */
    public void ignore(int index, boolean ignored) {
        pollFds.setInt((long) index * POLLFD_SIZE, ignored ? -1 : fds[index]);
        pollFds.setShort((long) index * POLLFD_SIZE + 6, (short) 0);
    }

    /** Watches {@code fd} instead of descriptor {@code index} (an interface's new capture). Waiting thread only. */
    public void replace(int index, int fd) {
        fds[index] = fd;
        pollFds.setInt((long) index * POLLFD_SIZE, fd);
        pollFds.setShort((long) index * POLLFD_SIZE + 6, (short) 0);
    }

    /**
     * Makes the waiting (or next) {@link #await} return. Any thread; locked against {@link #close()},
     * so a late wake never writes to a descriptor number reused meanwhile.
     */
    public synchronized void wake() {
        if (closed) {
            return;
        }
        try {
            Libc.write(eventFd, one, new NativeLong(8));
        } catch (LastErrorException e) {
            // EAGAIN: the counter is already at its maximum, so the waiter wakes anyway
        }
    }

    private int revents(int index) {
        return pollFds.getShort((long) index * POLLFD_SIZE + 6);
    }

    private void clearReady() {
        for (int i = 0; i <= count; i++) {
            pollFds.setShort((long) i * POLLFD_SIZE + 6, (short) 0);
        }
    }

    /** Closes the eventfd; the watched descriptors belong to their owners. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                Libc.close(eventFd);
            } catch (LastErrorException ignored) {
                // gone either way
            }
        }
    }

}
