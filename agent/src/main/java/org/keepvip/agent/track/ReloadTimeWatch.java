package org.keepvip.agent.track;

import com.sun.jna.LastErrorException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.keepvip.vrrp.config.ReloadTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code reload_time_file} / {@code reload_repeat}, as keepalived's reload monitor
 * (keepalived/core/reload_monitor.c): the first line of the file schedules a reload at that time
 * (see {@link ReloadTime}); writing the file (closing it, or renaming a file into place) reschedules,
 * removing it cancels. At the time the file is removed, unless {@code reload_repeat} and the line
 * has no date (then it fires again the next day, when the reload reads it anew), and the daemon
 * reloads as on SIGHUP. Several nodes given the same file reload at the same moment, so no backup
 * hears adverts from a master with another configuration. The directory is watched with inotify;
 * the daemon makes a new watch after each reload (the old one is closed first).
 */
public final class ReloadTimeWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    private static final int MASK = Inotify.IN_CLOSE_WRITE | Inotify.IN_DELETE | Inotify.IN_MOVED_FROM
            | Inotify.IN_MOVED_TO | Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF;
    private static final int POLL_MILLIS = 500;
    /** keepalived reads the line with fgets() into 21 bytes. */
    private static final int MAX_LINE = 20;
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Path file;
    private final boolean repeat;
    private final ScheduledExecutorService timer;
    private final Runnable reload;
    private final Supplier<Instant> clock;
    private final ZoneId zone;
    /** Null when the directory cannot be watched. */
    private Inotify inotify;
    private ScheduledFuture<?> pending;
    private long at;
    private boolean dateGiven;

    ReloadTimeWatch(Path file, boolean repeat, ScheduledExecutorService timer, Runnable reload,
                    Supplier<Instant> clock, ZoneId zone) {
        this.file = file;
        this.repeat = repeat;
        this.timer = timer;
        this.reload = reload;
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * Watches {@code path} (relative to /, keepalived's working directory) and reads it at once;
     * {@code reload} runs on {@code timer} when the time comes.
     */
    public static ReloadTimeWatch start(String path, boolean repeat, ScheduledExecutorService timer, Runnable reload) {
        ReloadTimeWatch w = new ReloadTimeWatch(Path.of("/").resolve(path), repeat, timer, reload, Instant::now,
                ZoneId.systemDefault());
        w.start();
        return w;
    }

    void start() {
        Path dir = file.getParent() == null ? Path.of("/") : file.getParent();
        try {
            inotify = Inotify.open(POLL_MILLIS);
            inotify.watch(dir, MASK);
        } catch (LastErrorException e) {
            LOG.info("Unable to monitor reload timer file directory {}- ignoring", dir); // keepalived's words
            if (inotify != null) {
                inotify.close();
                inotify = null;
            }
            return;
        }
        // The reader first: a reload the file schedules at once stops it (fire), and must stay stopped.
        inotify.start("reload-time", 8 * 1024, this::onEvent, e -> LOG.error(
                "reload_time_file monitor failed, {} is no longer watched: {}", file, e.toString()));
        readFile();
    }

    /** When a reload is scheduled (epoch seconds), or 0. */
    synchronized long scheduledAt() {
        return pending == null ? 0 : at;
    }

    private synchronized void readFile() {
        String line;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            line = r.readLine();
        } catch (NoSuchFileException e) {
            cancel(true);
            return;
        } catch (IOException e) {
            cancel(true);
            return;
        }
        if (line == null) {
            cancel(true);
            return;
        }
        if (line.length() > MAX_LINE) {
            line = line.substring(0, MAX_LINE);
        }
        ReloadTime.Result result = ReloadTime.parse(line, clock.get(), zone);
        if (result instanceof ReloadTime.Refused refused) {
            refused.log().lines().forEach(LOG::info);
            cancel(true);
            return;
        }
        ReloadTime.At next = (ReloadTime.At) result;
        if (pending != null && next.epochSecond() == at) {
            return;
        }
        long delayMillis = Math.max(0, next.epochSecond() * 1000 - clock.get().toEpochMilli());
        if (pending != null) {
            LOG.info("Reload time updated from {} to {}", shown(at), shown(next.epochSecond()));
            pending.cancel(false);
        } else {
            LOG.info("Scheduling reload for {}", shown(next.epochSecond()));
        }
        at = next.epochSecond();
        dateGiven = next.dateGiven();
        pending = timer.schedule(this::fire, delayMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void cancel(boolean log) {
        if (pending == null) {
            return;
        }
        pending.cancel(false);
        pending = null;
        if (log) {
            LOG.info("Cancelling reload scheduled for {}", shown(at));
        }
        at = 0;
    }

    private String shown(long epochSecond) {
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), zone).format(SHOWN);
    }

    /** keepalived's reload_timer_thread(): stop watching (the removal is ours), remove the file, reload. */
    private void fire() {
        boolean remove;
        synchronized (this) {
            if (pending == null) {
                return; // cancelled meanwhile
            }
            pending = null;
            remove = !repeat || dateGiven;
        }
        inotify.stop();
        if (remove) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.info("Cannot remove reload time file {}: {}", file, e.getMessage());
            }
        }
        reload.run();
    }

    /** One inotify event on the file's directory, on the reader's thread. */
    private void onEvent(Inotify.Event e) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if ((e.mask() & (Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF)) != 0) {
            cancel(true);
            LOG.info("Directory of reload timer file has disappeared. Monitoring stopped.");
            inotify.stop();
        } else if (e.name().equals(name)) {
            if ((e.mask() & (Inotify.IN_DELETE | Inotify.IN_MOVED_FROM)) != 0) {
                cancel(true);
            } else if ((e.mask() & (Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO)) != 0) {
                readFile();
            }
        }
    }

    @Override
    public void close() {
        Inotify w = inotify;
        if (w != null) {
            w.stop();
        }
        cancel(false);
        if (w != null) {
            w.close();
        }
    }
}
