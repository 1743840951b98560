package org.keepvip.agent.track;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.keepvip.agent.unix.Libc;

/**
 * An inotify descriptor and the thread that reads its events, shared by {@code track_file}
 * ({@link FileTrackers}) and {@code reload_time_file} ({@link ReloadTimeWatch}). The reader waits in
 * poll(2) for at most a poll period at a time, so that {@link #stop()} and {@link #close()} are
 * noticed without a signal.
 */
final class Inotify implements AutoCloseable {
    static final int IN_CLOSE_WRITE = 0x8;
    static final int IN_MOVED_FROM = 0x40;
    static final int IN_MOVED_TO = 0x80;
    static final int IN_DELETE = 0x200;
    static final int IN_DELETE_SELF = 0x400;
    static final int IN_MOVE_SELF = 0x800;
    static final int IN_Q_OVERFLOW = 0x4000;
    static final int IN_IGNORED = 0x8000;
    static final int IN_ISDIR = 0x40000000;
    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    /** {@code struct inotify_event} before its name. */
    private static final int EVENT_HEADER = 16;

    /** One event: the watch it came from, what happened, and the name in the watched directory ("" for the directory). */
    record Event(int wd, int mask, String name) {}

    private final int fd;
    private final int pollMillis;
    private Thread reader;
    private volatile boolean running;

    private Inotify(int fd, int pollMillis) {
        this.fd = fd;
        this.pollMillis = pollMillis;
    }

    /** A new non-blocking descriptor; {@code pollMillis}: how long the reader waits before checking for a stop. */
    static Inotify open(int pollMillis) throws LastErrorException {
        return new Inotify(Libc.inotify_init1(IN_CLOEXEC | IN_NONBLOCK), pollMillis);
    }

    /** Watches {@code dir} for the events in {@code mask}; returns the watch descriptor. */
    int watch(Path dir, int mask) throws LastErrorException {
        return Libc.inotify_add_watch(fd, dir.toString(), mask);
    }

    /**
     * Reads events on a daemon thread named {@code threadName}, {@code bufferBytes} at a time, and
     * hands each to {@code events} until {@link #stop()}; a failure of the reader goes to
     * {@code failed} (unless stopped meanwhile) and ends it.
     */
    void start(String threadName, int bufferBytes, Consumer<Event> events, Consumer<RuntimeException> failed) {
        running = true;
        reader = new Thread(() -> run(bufferBytes, events, failed), threadName);
        reader.setDaemon(true);
        reader.start();
    }

    /** The reader stops after the event it is handling; events still buffered are not handed on. */
    void stop() {
        running = false;
    }

    private void run(int bufferBytes, Consumer<Event> events, Consumer<RuntimeException> failed) {
        Memory buf = new Memory(bufferBytes);
        int[] fds = {fd};
        while (running) {
            try {
                if (!Descriptors.pollIn(fds, pollMillis)[0]) {
                    continue;
                }
                long n;
                try {
                    n = Libc.read(fd, buf, new NativeLong(buf.size())).longValue();
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Libc.EAGAIN || e.getErrorCode() == Libc.EINTR) {
                        continue;
                    }
                    throw e;
                }
                long off = 0;
                while (off + EVENT_HEADER <= n && running) {
                    int len = buf.getInt(off + 12);
                    String name = len == 0 ? "" : buf.getString(off + EVENT_HEADER, StandardCharsets.ISO_8859_1.name());
                    events.accept(new Event(buf.getInt(off), buf.getInt(off + 4), name));
                    off += EVENT_HEADER + len;
                }
            } catch (RuntimeException e) {
                if (running) {
                    failed.accept(e);
                }
                return;
            }
        }
    }

    /** Stops the reader, waits for it (unless called on it), and closes the descriptor. */
    @Override
    public void close() {
        running = false;
        Thread t = reader;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2L * pollMillis + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Descriptors.closeQuietly(fd);
    }
}
