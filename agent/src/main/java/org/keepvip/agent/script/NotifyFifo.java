package org.keepvip.agent.script;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import org.keepvip.agent.unix.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived's notify FIFO (keepalived/vrrp/vrrp_notify.c, send_instance_notifies): the one ordered channel of state changes.
 *
 * <p>Created with mkfifo (mode 0644, chowned to the configured user) when absent, or opened when
 * it exists, is a FIFO and is owned by us or by the configured user; anything else is refused.
 * Opened O_RDWR|O_NONBLOCK, so the open never waits for a reader and a write never blocks: with no
 * reader, or a reader too slow, a full pipe loses the event (counted, logged). Each line is
 * shorter than PIPE_BUF, so it is written whole or not at all.
 */
public final class NotifyFifo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotifyFifo.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    private final Path path;
    private final boolean created;
    private final AtomicLong lost = new AtomicLong();
    private int fd;
    private RunningScript reader;

    private NotifyFifo(Path path, int fd, boolean created) {
        this.path = path;
        this.fd = fd;
        this.created = created;
    }

    /**
     * Creates or opens the FIFO at {@code path}.
     *
     * @param owner the configured FIFO user (keepalived's {@code notify_fifo PATH USER GROUP}); a
     *     created FIFO is chowned to it, an existing one may be owned by it
     * @throws IOException if the path exists and is not a FIFO owned by us or {@code owner}, or
     *     cannot be created or opened
     */
    public static NotifyFifo open(Path path, Optional<RunAs> owner) throws IOException {
        String p = path.toString();
        boolean created = false;
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Libc.mkfifo(p, 0644);
                created = true;
            } catch (LastErrorException e) {
                throw new IOException("Unable to create notify FIFO " + p + ": errno " + e.getErrorCode());
            }
            if (owner.isPresent()) {
                try {
                    Libc.chown(p, owner.get().uid(), owner.get().gid());
                } catch (LastErrorException e) {
                    Files.deleteIfExists(path);
                    throw new IOException("Unable to set owner of notify FIFO " + p + ": errno " + e.getErrorCode());
                }
            }
        } else {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            if (((Integer) a.get("mode") & S_IFMT) != S_IFIFO) {
                throw new IOException("notify FIFO " + p + " exists and is not a FIFO");
            }
            int uid = (Integer) a.get("uid");
            if (uid != Libc.geteuid() && (owner.isEmpty() || owner.get().uid() != uid)) {
                throw new IOException("notify FIFO " + p + " is owned by uid " + uid + ", not by us or the FIFO user");
            }
        }
        try {
            int fd = Libc.open(p, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            return new NotifyFifo(path, fd, created);
        } catch (LastErrorException e) {
            if (created) {
                Files.deleteIfExists(path);
            }
            throw new IOException("Unable to open notify FIFO " + p + ": errno " + e.getErrorCode());
        }
    }

    public Path path() {
        return path;
    }

    /** Events lost because the pipe was full (or a write failed). */
    public long lostEvents() {
        return lost.get();
    }

    /** The line keepalived writes, e.g. {@code INSTANCE "VI_1" MASTER 100}, without newline. */
    public static String line(NotifyTarget target, String event, int priority) {
        return target.kind() + " \"" + target.name() + "\" " + event + " " + target.reportedPriority(priority);
    }

    /** Writes one event line; false if it was lost. Never blocks. */
    public boolean write(NotifyTarget target, String event, int priority) {
        return writeLine(line(target, event, priority));
    }

    /** Writes {@code line} plus a newline; false if it was lost. Never blocks. */
    public synchronized boolean writeLine(String line) {
        if (fd < 0) {
            return false;
        }
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            long n = Libc.write(fd, b, new NativeLong(b.length)).longValue();
            if (n == b.length) {
                return true;
            }
            log.warn("notify FIFO {}: short write ({} of {} bytes)", path, n, b.length);
        } catch (LastErrorException e) {
            long count = lost.incrementAndGet();
            if (e.getErrorCode() == Libc.EAGAIN) {
                log.warn("notify FIFO {} is full - event lost ({} lost so far): {}", path, count, line);
            } else {
                log.warn("Write to notify FIFO {} failed: errno {} ({} lost so far)", path, e.getErrorCode(), count);
            }
            return false;
        }
        lost.incrementAndGet();
        return false;
    }

    /**
     * Starts {@code notify_fifo_script} once, with the FIFO path as its last argument; it gets
     * SIGTERM when this FIFO is closed.
     */
    public synchronized RunningScript startScript(ScriptRunner runner, ScriptCommand script) throws IOException {
        if (reader != null) {
            throw new IllegalStateException("notify FIFO script already started");
        }
        reader = runner.spawn(script.withArgs(List.of(path.toString())));
        return reader;
    }

    /**
     * Stops the FIFO script (SIGTERM, SIGKILL after the grace), closes the FIFO, and removes it if
     * we created it, as keepalived does at shutdown and reload.
     */
    @Override
    public synchronized void close() {
        if (reader != null) {
            try {
                reader.terminate(ScriptRunner.KILL_GRACE).get(ScriptRunner.KILL_GRACE.toMillis() + 1500,
                        TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("notify FIFO script did not stop: {}", e.toString());
            }
            reader = null;
        }
        if (fd >= 0) {
            try {
                Libc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing useful to do
            }
            fd = -1;
        }
        if (created) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("Unable to remove notify FIFO {}: {}", path, e.getMessage());
            }
        }
    }
}
