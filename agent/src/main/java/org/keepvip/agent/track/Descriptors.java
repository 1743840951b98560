package org.keepvip.agent.track;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import org.keepvip.agent.unix.Libc;

/** The trackers' inotify, pidfd_open and poll constants and helpers; the calls are {@link Libc}'s. */
final class TrackLibc {
    static final int IN_NONBLOCK = 0x800;
    static final int IN_CLOEXEC = 0x80000;
    static final int IN_CLOSE_WRITE = 0x8;
    static final int IN_MOVED_FROM = 0x40;
    static final int IN_MOVED_TO = 0x80;
    static final int IN_DELETE = 0x200;
    static final int IN_Q_OVERFLOW = 0x4000;
    static final int IN_IGNORED = 0x8000;
    static final int IN_ISDIR = 0x40000000;
    static final short POLLIN = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    /** pidfd_open(2) on x86_64 and aarch64 (the unified syscall table since 5.3). */
    static final long SYS_PIDFD_OPEN = 434;

    private TrackLibc() {}

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
            if (e.getErrorCode() != EINTR) {
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
