package org.keepvip.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Keeps the dataset of a Redis that a resync is about to replace (the losing side of a split brain),
 * as an RDB file next to Redis' own: {@code BGSAVE} (forked, so Redis keeps serving; {@code
 * SCHEDULE} waits for a save already running), then, once {@code rdb_saves} says a save that began
 * after our request has finished, a hard link to the RDB under a name of its own. Redis replaces its
 * RDB by renaming a new file over it (a later save, or the resync's transfer), so the link keeps
 * this one. {@code dbfilename} cannot be pointed elsewhere for the save: Redis 7 protects it.
 *
 * <p>The file must be reachable from this process at Redis' {@code dir} (keepvip beside its Redis);
 * otherwise nothing is kept and the caller must not resync.
 */
public final class DatasetSnapshot {
    static final String PREFIX = "keepvip-diverged-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");
    private static final long POLL_MILLIS = 20;

    /** A kept snapshot, or why none was. */
    public sealed interface Outcome {
        /** The file holding the dataset and its key count at the save. */
        record Saved(Path file, long keys, Duration took) implements Outcome {
        }

        /** Nothing kept. */
        record NotSaved(String reason) implements Outcome {
        }
    }

    private DatasetSnapshot() {
    }

    /**
     * Saves the dataset of the Redis on {@code j} (its {@code keys} for the log) under {@code label}
     * (the loser's replication id, shortened), bounded by {@code timeout}; never throws.
     */
    public static Outcome save(Jedis j, String label, long keys, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try {
            Map<String, String> dir = j.configGet("dir");
            Map<String, String> name = j.configGet("dbfilename");
            Path rdb = Path.of(dir.get("dir")).resolve(name.get("dbfilename"));
            Map<String, String> before = persistence(j);
            long saves = Long.parseLong(before.getOrDefault("rdb_saves", "0"));
            // A save already running began before our request: ours is the one after it.
            long wanted = saves + ("1".equals(before.get("rdb_bgsave_in_progress")) ? 2 : 1);
            j.sendCommand(Protocol.Command.BGSAVE, "SCHEDULE");
            Map<String, String> now = before;
            while (Long.parseLong(now.getOrDefault("rdb_saves", "0")) < wanted
                    || "1".equals(now.get("rdb_bgsave_in_progress"))) {
                if (System.nanoTime() > deadline) {
                    return new Outcome.NotSaved("BGSAVE did not finish within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(POLL_MILLIS);
                now = persistence(j);
            }
            if (!"ok".equals(now.get("rdb_last_bgsave_status"))) {
                return new Outcome.NotSaved("BGSAVE failed (rdb_last_bgsave_status " + now.get("rdb_last_bgsave_status")
                        + "; see Redis' log)");
            }
            if (!Files.isRegularFile(rdb)) {
                return new Outcome.NotSaved("Redis saved " + rdb + " but this host cannot see it (keepvip must run"
                        + " beside its Redis to keep a snapshot)");
            }
            String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
            Path kept = rdb.resolveSibling(PREFIX + stamp + "-" + label + ".rdb");
            try {
                Files.createLink(kept, rdb);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(rdb, kept, StandardCopyOption.COPY_ATTRIBUTES); // a file system without hard links
            }
            return new Outcome.Saved(kept, keys, Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.NotSaved("interrupted");
        } catch (IOException | RuntimeException e) {
            return new Outcome.NotSaved(e.toString());
        }
    }

    private static Map<String, String> persistence(Jedis j) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String line : j.info("persistence").split("\r?\n")) {
            int c = line.indexOf(':');
            if (c > 0) {
                out.put(line.substring(0, c), line.substring(c + 1).trim());
            }
        }
        return out;
    }

    /** The files kept so far in {@code dir}, oldest first (for tests and operators' tools). */
    public static List<Path> kept(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX)).sorted().toList();
        }
    }
}
