package org.keepvip.agent.track;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import org.keepvip.agent.unix.Libc;

/** What the trackers do with their descriptors: wait for them (poll), open pidfds, close them; the calls are {@link Libc}'s. */
final class Descriptors {
    static final short POLLIN = 1;
    /** pidfd_open(2) on x86_64 and aarch64 (the unified syscall table since 5.3). */
    static final long SYS_PIDFD_OPEN = 434;

    private Descriptors() {}

    /** A pidfd for {@code pid}, or -1 when the process is gone or the kernel has no pidfd_open. */
    static int pidfdOpen(int pid) {
        try {
            return Libc.syscall(new NativeLong(SYS_PIDFD_OPEN), pid, 0).intValue();
        } catch (LastErrorException e) {
            return -1;
        }
    }

    /** Waits until one of {@code fds} is readable or {@code timeoutMillis} passes; marks the readable ones. */
    static boolean[] pollIn(int[] fds, int timeoutMillis) {
        boolean[] ready = new boolean[fds.length];
        Memory m = new Memory(8L * Math.max(1, fds.length));
        for (int i = 0; i < fds.length; i++) {
            m.setInt(8L * i, fds[i]);
            m.setShort(8L * i + 4, POLLIN);
            m.setShort(8L * i + 6, (short) 0);
        }
        try {
            int n = Libc.poll(m, new NativeLong(fds.length), timeoutMillis);
            for (int i = 0; n > 0 && i < fds.length; i++) {
                ready[i] = m.getShort(8L * i + 6) != 0;
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Libc.EINTR) {
                throw e;
            }
        }
        return ready;
    }

    static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // the descriptor is gone either way
        }
    }
}
