package org.keepvip.agent.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.TrackFile;

/** track_file watching on a real directory with inotify. */
class FileTrackersTest {
    @TempDir
    Path dir;
    private final BlockingQueue<LoopEvent> events = new LinkedBlockingQueue<>();

    private TrackFile file(String name, boolean init, long initValue, boolean overwrite) {
        return new TrackFile(name, dir.resolve(name).toString(), 1, false, init, initValue, overwrite,
                new Origin("test", 1));
    }

    private LoopEvent next() throws InterruptedException {
        LoopEvent e = events.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("a tracker event within 5 s").isNotNull();
        return e;
    }

    private static LoopEvent value(String name, long v) {
        return new LoopEvent.TrackerValue("file:" + name, v);
    }

    @Test
    void reportsTheValueAtStartAndEachCompletedWriteAndRemoval() throws Exception {
        Files.writeString(dir.resolve("f"), "12\n");
        try (FileTrackers t = new FileTrackers(List.of(file("f", false, 0, false)), events::add)) {
            t.start(true);
            assertThat(next()).isEqualTo(value("f", 12));
            Files.writeString(dir.resolve("f"), "-3\n");
            assertThat(next()).isEqualTo(value("f", -3));
            Path tmp = dir.resolve(".f.tmp");
            Files.writeString(tmp, "0x10");
            Files.move(tmp, dir.resolve("f"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertThat(next()).isEqualTo(value("f", 16));
            Files.delete(dir.resolve("f"));
            assertThat(next()).isEqualTo(value("f", 0));
            Files.writeString(dir.resolve("f"), "not a number");
            Files.writeString(dir.resolve("f"), "99999999999"); // out of range: ignored, no event
            Files.writeString(dir.resolve("f"), "7");
            assertThat(next()).isEqualTo(value("f", 7)); // "not a number" read as 0, unchanged: no event
            assertThat(t.values()).containsEntry("f", 7L);
            assertThat(events).isEmpty();
        }
    }

    @Test
    void missingFileReadsZeroAndInitFileWritesOnlyWhenAsked() throws Exception {
        Files.writeString(dir.resolve("kept"), "5\n");
        Files.writeString(dir.resolve("over"), "5\n");
        List<TrackFile> files = List.of(file("missing", false, 0, false), file("created", true, -2, false),
                file("kept", true, 9, false), file("over", true, 9, true));
        try (FileTrackers t = new FileTrackers(files, events::add)) {
            t.start(true);
            assertThat(List.of(next(), next(), next(), next())).containsExactlyInAnyOrder(
                    value("missing", 0), value("created", -2), value("kept", 5), value("over", 9));
            assertThat(Files.readString(dir.resolve("created"))).isEqualTo("-2\n");
            Files.writeString(dir.resolve("missing"), "4");
            assertThat(next()).isEqualTo(value("missing", 4));
        }
    }

    @Test
    void aReloadDoesNotInitialiseAndAMissingDirectoryIsLeftOut() throws Exception {
        TrackFile nowhere = new TrackFile("nowhere", dir.resolve("no/such/dir/f").toString(), 1, false, false, 0,
                false, new Origin("test", 1));
        try (FileTrackers t = new FileTrackers(List.of(file("created", true, 3, false), nowhere), events::add)) {
            t.start(false);
            assertThat(next()).isEqualTo(value("created", 0));
            assertThat(Files.exists(dir.resolve("created"))).isFalse();
            assertThat(events).isEmpty();
        }
    }
}
