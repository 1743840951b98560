package org.keepvip.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;

/**
 * The master logs with {@code -g FILE} to a 256 KiB tmpfs mounted in a mount namespace of its own
 * (gone with the process). While it reloads its configuration every 250 ms (a few log lines each),
 * its adverts are captured on the backup twice: with room on the file system, then with it filled
 * to the last block (every write ENOSPC). The p99 gap with the disk full stays within
 * {@link #P99_SLACK_MS} of the first stretch; b takes over no more often than a gap of its down timer
 * occurred (which a loaded shared machine, not the disk, can cause); the daemon stays MASTER and
 * answers {@code status}, and printed no stack trace.
 */
class LogDestinationFullE2ETest {
    static final String VIP = "192.0.2.234";
    static final int ADVERT_MS = 50;
    static final int ADVERTS = 160;
    /** Half an advert interval: the machine is shared (2 vCPUs, other suites at once). */
    static final double P99_SLACK_MS = 25;

    @BeforeAll
    static void prerequisites() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("tcpdump", "unshare", "nsenter", "mount");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aFullLogFileSystemLeavesAdvertTimingAlone() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Path dir = Files.createDirectories(lab.tempDir().resolve("logfs"));
            Path logFile = dir.resolve("keepvip.log");
            // unshare and sh exec: the pid the lab knows is the JVM's, whose mount namespace holds the tmpfs.
            List<String> inOwnMountNs = List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "mount -t tmpfs -o size=256k kvlogfull \"$0\" && shift && exec \"$@\"", dir.toString(), "sh");
            PlainPair p = new PlainPair(lab, VIP, 84, ADVERT_MS, inOwnMountNs, List.of("-g", logFile.toString()));
            String pid = Long.toString(p.ka.pid());
            assertThat(Files.exists(logFile)).as("the log is not in the lab's directory but on the tmpfs").isFalse();

            long before = p.takeoversByB();
            double[] room = underReloads(lab, p, "room", () -> { });
            long inRoom = p.takeoversByB() - before;
            before = p.takeoversByB();
            double[] full = underReloads(lab, p, "full", () -> {
                CommandResult fill = lab.exec(p.a, "nsenter", "-t", pid, "-m", "dd", "if=/dev/zero",
                        "of=" + dir.resolve("filler"), "bs=4k");
                assertThat(fill.stderr()).as("dd filled the tmpfs").contains("No space left on device");
                CommandResult df = lab.exec(p.a, "nsenter", "-t", pid, "-m", "df", "--output=avail", "-B1",
                        dir.toString());
                System.out.println("[log-full] tmpfs after filling: " + df.stdout().replace('\n', ' '));
            });
            long inFull = p.takeoversByB() - before;

            System.out.println("[log-full] room: " + AdvertCapture.summary(room) + "; b took over " + inRoom + "x");
            System.out.println("[log-full] full: " + AdvertCapture.summary(full) + "; b took over " + inFull + "x");
            assertThat(AdvertCapture.percentile(full, 99)).as("p99 gap with the log disk full (ms)")
                    .isLessThan(AdvertCapture.percentile(room, 99) + P99_SLACK_MS);
            // A takeover needs a gap of b's down timer in what b received (a loaded machine can make one).
            assertThat(inFull).as("b's takeovers with the disk full, at most its long gaps")
                    .isLessThanOrEqualTo(java.util.Arrays.stream(full).filter(g -> g >= p.masterDownMs() - 10).count());
            Await.until(Duration.ofSeconds(5), "a MASTER", () -> "MASTER".equals(PlainPair.state(p.socketA)));
            assertThat(p.ka.isAlive()).isTrue();
            String console = p.ka.output();
            System.out.println("[log-full] what the daemon printed on its console: "
                    + console.lines().limit(5).toList());
            assertThat(console).doesNotContain("\tat ").doesNotContain("Exception in thread");
        }
    }

    /** Captures {@link #ADVERTS} of a's adverts on b while a reloads every 250 ms. */
    private static double[] underReloads(Lab lab, PlainPair p, String phase, Runnable first) throws Exception {
        AdvertCapture capture = AdvertCapture.start(lab, p.b, p.a, "capture-" + phase, ADVERTS);
        first.run();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reloads = new AtomicInteger();
        CompletableFuture<Void> hup = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                p.ka.signal("HUP");
                reloads.incrementAndGet();
                LockSupport.parkNanos(Duration.ofMillis(250).toNanos()); // the load's pace
            }
        });
        try {
            return capture.awaitGaps(Duration.ofSeconds(60));
        } finally {
            done.set(true);
            hup.get(10, TimeUnit.SECONDS);
            System.out.println("[log-full] " + phase + ": " + reloads.get() + " reloads during the capture");
        }
    }
}
