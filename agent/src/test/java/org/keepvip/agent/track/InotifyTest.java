package org.keepvip.agent.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared inotify reader on a real directory. */
class InotifyTest {
    private static final int MASK = Inotify.IN_CLOSE_WRITE | Inotify.IN_DELETE | Inotify.IN_MOVED_FROM
            | Inotify.IN_MOVED_TO;

    @TempDir
    Path dir;
    private final BlockingQueue<Inotify.Event> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<RuntimeException> failures = new LinkedBlockingQueue<>();

    private Inotify.Event next() throws InterruptedException {
        Inotify.Event e = events.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("an inotify event within 5 s").isNotNull();
        return e;
    }

    @Test
    void handsOnEachEventWithItsWatchMaskAndName() throws Exception {
        try (Inotify in = Inotify.open(50)) {
            int wd = in.watch(dir, MASK);
            in.start("inotify-test", 4096, events::add, failures::add);

            Files.writeString(dir.resolve("a-file-with-a-long-name"), "1");
            Inotify.Event written = next();
            assertThat(written.wd()).isEqualTo(wd);
            assertThat(written.name()).isEqualTo("a-file-with-a-long-name");
            assertThat(written.mask() & Inotify.IN_CLOSE_WRITE).isNotZero();

            Path tmp = dir.resolve("tmp");
            Files.writeString(tmp, "2");
            assertThat(next().name()).isEqualTo("tmp"); // its close-write
            Files.move(tmp, dir.resolve("b"), StandardCopyOption.ATOMIC_MOVE);
            Inotify.Event from = next();
            Inotify.Event to = next();
            assertThat(from.name()).isEqualTo("tmp");
            assertThat(from.mask() & Inotify.IN_MOVED_FROM).isNotZero();
            assertThat(to.name()).isEqualTo("b");
            assertThat(to.mask() & Inotify.IN_MOVED_TO).isNotZero();

            Files.delete(dir.resolve("b"));
            Inotify.Event deleted = next();
            assertThat(deleted.name()).isEqualTo("b");
            assertThat(deleted.mask() & Inotify.IN_DELETE).isNotZero();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aFailingHandlerIsReportedAndEndsTheReader() throws Exception {
        try (Inotify in = Inotify.open(50)) {
            in.watch(dir, MASK);
            in.start("inotify-test", 4096, e -> {
                events.add(e);
                throw new IllegalStateException("the handler failed");
            }, failures::add);
            Files.writeString(dir.resolve("x"), "1");
            assertThat(next().name()).isEqualTo("x");
            RuntimeException failure = failures.poll(5, TimeUnit.SECONDS);
            assertThat(failure).as("the handler's failure is reported").hasMessage("the handler failed");
            Files.writeString(dir.resolve("y"), "1"); // the reader has ended: no event for it
        }
        assertThat(events).isEmpty();
    }
}
