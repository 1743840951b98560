package org.keepvip.agent.track;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.vrrp.config.TrackFile;
import org.keepvip.vrrp.mapping.InstanceMapping;
import org.keepvip.vrrp.state.FileValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.keepvip.agent.latency.ThreadNames;

/**
 * The {@code track_file} trackers, as keepalived/trackers/track_file.c runs them: each file's
 * directory is watched with inotify for {@code IN_CLOSE_WRITE | IN_DELETE | IN_MOVE}, so a value
 * counts once its writer closed the file (never half written) or renamed it into place; a deleted
 * or moved-away file reads as 0. Each value reaches the event loop as {@code file:NAME}.
 *
 * <p>JNA inotify rather than java.nio's WatchService: the WatchService watches for IN_MODIFY, which
 * fires on every write(2), so {@code echo 5 > f} would be read empty (0) between its truncate and
 * its write, a spurious change that with weight 0 is a FAULT flap; and it has no IN_CLOSE_WRITE.
 */
public final class FileTrackers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    private static final int MASK = Inotify.IN_CLOSE_WRITE | Inotify.IN_DELETE | Inotify.IN_MOVED_FROM
            | Inotify.IN_MOVED_TO;
    /** How often the reader checks for close while nothing happens. */
    private static final int POLL_MILLIS = 200;

    private final List<TrackFile> files;
    private final Consumer<LoopEvent> loop;
    private final Map<String, Long> values = new ConcurrentHashMap<>();
    private final Map<Integer, Path> dirs = new HashMap<>();
    private final Map<Path, List<TrackFile>> byPath = new LinkedHashMap<>();
    /** Null when inotify could not be had: the values are then read once. */
    private Inotify inotify;

    /** {@code files}: the track_file blocks something tracks. */
    public FileTrackers(List<TrackFile> files, Consumer<LoopEvent> loop) {
        this.files = List.copyOf(files);
        this.loop = loop;
    }

    /**
     * Writes init_file values (not on a reload: keepalived never overwrites then), starts watching
     * and reports every file's current value. A file whose directory does not exist is left out
     * with an error, as keepalived does.
     */
    public void start(boolean initialise) {
        if (files.isEmpty()) {
            return;
        }
        try {
            inotify = Inotify.open(POLL_MILLIS);
        } catch (LastErrorException e) {
            LOG.error("Unable to monitor track files: inotify_init1 failed (errno {}) - track_file values are read once",
                    e.getErrorCode());
        }
        Map<Path, Integer> watched = new HashMap<>();
        for (TrackFile f : files) {
            Path path = Path.of(f.path()).toAbsolutePath().normalize();
            Path dir = path.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                LOG.error("Track file directory for {} does not exist - removing", f.name());
                continue;
            }
            if (initialise && f.initFile()) {
                initialise(f, path);
            }
            if (inotify != null && !watched.containsKey(dir)) {
                try {
                    int wd = inotify.watch(dir, MASK);
                    watched.put(dir, wd);
                    dirs.put(wd, dir);
                } catch (LastErrorException e) {
                    LOG.error("track_file {}: cannot watch {} (errno {}) - its value is read once", f.name(), dir,
                            e.getErrorCode());
                }
            }
            byPath.computeIfAbsent(path, k -> new ArrayList<>()).add(f);
        }
        byPath.forEach((path, fs) -> fs.forEach(f -> read(f, path, true)));
        if (inotify != null && !dirs.isEmpty()) {
            inotify.start(ThreadNames.TRACK_FILE, 16 * 1024, this::handle, e -> LOG.error(
                    "track_file monitor failed, track files are no longer watched: {}", e.toString()));
        }
    }

    /** Reports every file's latest value again (for instances a reload added). */
    public void republish() {
        values.forEach((name, v) -> loop.accept(new LoopEvent.TrackerValue(InstanceMapping.FILE + name, v)));
    }

    /** The latest value of each file, for status. */
    public Map<String, Long> values() {
        return Map.copyOf(values);
    }

    private static void initialise(TrackFile f, Path path) {
        boolean exists = Files.exists(path);
        if (exists && !f.overwrite()) {
            return;
        }
        if (exists && !Files.isRegularFile(path)) {
            LOG.error("Cannot initialise track file {} - it is not a regular file", f.name());
            return;
        }
        try {
            Files.writeString(path, f.initValue() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            LOG.error("Unable to initialise track file {} ({})", f.name(), e.getMessage());
        }
    }

    /** Reads the file as keepalived does (first 127 bytes, strtol base 0) and reports a change. */
    private void read(TrackFile f, Path path, boolean first) {
        String content;
        try (InputStream in = Files.newInputStream(path)) {
            content = new String(in.readNBytes(127), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            LOG.warn("track_file {}: {} does not exist - its value is 0", f.name(), path);
            report(f, 0, first);
            return;
        } catch (IOException e) {
            LOG.warn("track_file {}: cannot read {} ({}) - its value is 0", f.name(), path, e.getMessage());
            report(f, 0, first);
            return;
        }
        FileValue.Parsed parsed = FileValue.parse(content);
        if (parsed instanceof FileValue.Parsed.OutOfRange o) {
            LOG.warn("Invalid number {} read from {} - ignoring", o.text(), path);
            if (first) {
                report(f, 0, true);
            }
            return;
        }
        FileValue.Parsed.Number n = (FileValue.Parsed.Number) parsed;
        if (!n.digits() && !content.isBlank()) {
            LOG.warn("track_file {}: {} holds no number ('{}') - its value is 0", f.name(), path,
                    content.strip().lines().findFirst().orElse(""));
        }
        report(f, n.value(), first);
    }

    private void report(TrackFile f, long value, boolean first) {
        Long before = values.put(f.name(), value);
        if (first || before == null || before != value) {
            LOG.debug("track_file {} now {}", f.name(), value);
            loop.accept(new LoopEvent.TrackerValue(InstanceMapping.FILE + f.name(), value));
        }
    }

    /** One inotify event, on the reader's thread. */
    private void handle(Inotify.Event e) {
        int mask = e.mask();
        if ((mask & Inotify.IN_Q_OVERFLOW) != 0) {
            LOG.warn("track_file: inotify queue overflow - reading every track file again");
            byPath.forEach((path, fs) -> fs.forEach(f -> read(f, path, false)));
            return;
        }
        if ((mask & (Inotify.IN_ISDIR | Inotify.IN_IGNORED)) != 0) {
            return;
        }
        Path dir = dirs.get(e.wd());
        if (dir == null) {
            return;
        }
        Path path = dir.resolve(e.name());
        List<TrackFile> fs = byPath.get(path);
        if (fs == null) {
            return;
        }
        for (TrackFile f : fs) {
            if ((mask & (Inotify.IN_DELETE | Inotify.IN_MOVED_FROM)) != 0) {
                LOG.info("track_file {}: {} was removed - its value is 0", f.name(), path);
                report(f, 0, false);
            } else {
                read(f, path, false);
            }
        }
    }

    @Override
    public void close() {
        if (inotify != null) {
            inotify.close();
            inotify = null;
        }
    }
}
