package org.keepvip.agent.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reload_time_file on a real directory with inotify, as keepalived's reload_monitor.c behaves. */
class ReloadTimeWatchTest {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path dir;
    ScheduledExecutorService timer;

    @BeforeEach
    void timer() {
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** A time {@code seconds} from now, UTC, as the file's line. */
    static String inSeconds(int seconds, DateTimeFormatter f) {
        return LocalDateTime.ofInstant(Instant.now().plusSeconds(seconds), ZoneOffset.UTC).format(f) + "Z";
    }

    ReloadTimeWatch watch(Path file, boolean repeat, CountDownLatch reloaded) {
        ReloadTimeWatch w = new ReloadTimeWatch(file, repeat, timer, reloaded::countDown, Instant::now, ZoneOffset.UTC);
        w.start();
        return w;
    }

    /** Waits until the watch has scheduled something other than {@code not} (or nothing, for 0). */
    static long awaitScheduled(ReloadTimeWatch w, long not) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            long at = w.scheduledAt();
            if (at != not) {
                return at;
            }
            Thread.sleep(10); // polling a getter: the watch has no event of its own to await
        }
        return w.scheduledAt();
    }

    @Test
    void aTimeWrittenLaterSchedulesTheReloadAndTheFileIsRemoved() throws Exception {
        Path file = dir.resolve("reload.time");
        CountDownLatch reloaded = new CountDownLatch(1);
        try (ReloadTimeWatch w = watch(file, false, reloaded)) {
            assertThat(w.scheduledAt()).as("no file, nothing scheduled").isZero();
            Files.writeString(file, inSeconds(2, TIME) + "\n");
            assertThat(awaitScheduled(w, 0)).isPositive();
            assertThat(reloaded.await(5, TimeUnit.SECONDS)).as("reloaded at the time").isTrue();
            assertThat(file).as("removed: the reload is done").doesNotExist();
        }
    }

    @Test
    void withRepeatATimeAloneStaysForTomorrowButADateGoes() throws Exception {
        Path file = dir.resolve("reload.time");
        Files.writeString(file, inSeconds(2, TIME));
        CountDownLatch reloaded = new CountDownLatch(1);
        try (ReloadTimeWatch w = watch(file, true, reloaded)) {
            assertThat(w.scheduledAt()).as("read at start").isPositive();
            assertThat(reloaded.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(file).exists();
        }
        Files.writeString(file, inSeconds(2, DATE_TIME));
        CountDownLatch again = new CountDownLatch(1);
        try (ReloadTimeWatch w = watch(file, true, again)) {
            assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(file).as("a dated reload is done for good").doesNotExist();
        }
    }

    @Test
    void rewritingMovesTheTimeAndRemovingCancels() throws Exception {
        Path file = dir.resolve("reload.time");
        Files.writeString(file, inSeconds(3600, DATE_TIME));
        CountDownLatch reloaded = new CountDownLatch(1);
        try (ReloadTimeWatch w = watch(file, false, reloaded)) {
            long first = w.scheduledAt();
            assertThat(first).isPositive();
            // Written elsewhere and renamed into place, as an update tool would.
            Path tmp = dir.resolve("reload.tmp");
            Files.writeString(tmp, inSeconds(7200, DATE_TIME));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long second = awaitScheduled(w, first);
            assertThat(second - first).isEqualTo(3600);
            Files.delete(file);
            assertThat(awaitScheduled(w, second)).as("cancelled").isZero();
            Files.writeString(file, "not a time");
            Thread.sleep(200); // nothing to await: a refused line schedules nothing
            assertThat(w.scheduledAt()).isZero();
            assertThat(reloaded.getCount()).isEqualTo(1);
        }
    }
}
