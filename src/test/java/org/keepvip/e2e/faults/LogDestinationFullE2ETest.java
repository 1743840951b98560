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
import org.keepvip.e2e.lab.LabProcess;

/**
 * A log destination that cannot take more leaves the master's adverts alone. While the master
 * reloads its configuration every 250 ms (a few log lines each), its adverts are captured on the
 * backup twice, first with the destination working, then with it full or stalled:
 * <ul>
 *   <li>{@code -g FILE} on a 256 KiB tmpfs mounted in a mount namespace of its own (gone with the
 *       process), then filled to the last block (every write ENOSPC);
 *   <li>{@code --log-syslog} to a syslog socket whose receiver is then stopped (SIGSTOP), as a hung
 *       syslog daemon would be: its socket queue fills and every further send would block.
 * </ul>
 * The p99 gap with the destination full stays within {@link #P99_SLACK_MS} of the first stretch; b
 * takes over no more often than a gap of its down timer occurred (which a loaded shared machine, not
 * the destination, can cause); the daemon stays MASTER and answers {@code status}, and printed no
 * stack trace.
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

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aStoppedSyslogDaemonLeavesAdvertTimingAlone() throws Exception {
        LabAssumptions.assumeBinaries("python3", "curl");
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Path socket = lab.tempDir().resolve("syslog.sock");
            Path received = lab.tempDir().resolve("syslog.received");
            // The syslog daemon: reads the socket and appends each record to a file, unbuffered.
            LabProcess syslogd = lab.start(lab.node("a"), "syslogd", "python3", "-c", """
                    import socket, sys
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                    s.bind(sys.argv[1])
                    with open(sys.argv[2], 'ab', buffering=0) as f:
                        while True:
                            f.write(s.recv(65536) + b'\\n')
                    """, socket.toString(), received.toString());
            Await.until(Duration.ofSeconds(10), "the syslog socket bound", () -> Files.exists(socket));
            String metrics = lab.node("a").ipv4() + ":9650";
            PlainPair p = new PlainPair(lab, VIP, 85, ADVERT_MS, List.of(),
                    List.of("--log-syslog", "--syslog-socket", socket.toString(), "--metrics-listen", metrics));
            Await.until(Duration.ofSeconds(10), "a's MASTER line at the syslog daemon",
                    () -> read(received).contains("(VI_F) Entering MASTER STATE"));

            long before = p.takeoversByB();
            double[] reading = underReloads(lab, p, "syslog reading", () -> { });
            long inReading = p.takeoversByB() - before;
            before = p.takeoversByB();
            double[] stopped = underReloads(lab, p, "syslog stopped", () -> syslogd.signal("STOP"));
            long inStopped = p.takeoversByB() - before;
            long dropped = syslogDrops(lab, p, metrics);

            System.out.println("[log-syslog] reading: " + AdvertCapture.summary(reading) + "; b took over "
                    + inReading + "x");
            System.out.println("[log-syslog] stopped: " + AdvertCapture.summary(stopped) + "; b took over "
                    + inStopped + "x; " + dropped + " records dropped at the full socket");
            assertThat(dropped).as("records dropped while the syslog daemon was stopped (its queue did fill)")
                    .isPositive();
            assertThat(AdvertCapture.percentile(stopped, 99)).as("p99 gap with syslog stopped (ms)")
                    .isLessThan(AdvertCapture.percentile(reading, 99) + P99_SLACK_MS);
            assertThat(inStopped).as("b's takeovers with syslog stopped, at most its long gaps")
                    .isLessThanOrEqualTo(java.util.Arrays.stream(stopped)
                            .filter(g -> g >= p.masterDownMs() - 10).count());
            Await.until(Duration.ofSeconds(5), "a MASTER", () -> "MASTER".equals(PlainPair.state(p.socketA)));

            // The daemon resumes sending once the syslog daemon reads again.
            syslogd.signal("CONT");
            long size = Files.size(received);
            Await.until(Duration.ofSeconds(10), "records at the syslog daemon again", () -> {
                p.ka.signal("HUP");
                return read(received).substring((int) size).contains("Reloaded configuration");
            });
            assertThat(p.ka.isAlive()).isTrue();
            assertThat(p.ka.output()).doesNotContain("\tat ").doesNotContain("Exception in thread");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** a's count of log records the syslog socket refused, from its metrics. */
    private static long syslogDrops(Lab lab, PlainPair p, String metrics) {
        CommandResult scrape = lab.exec(p.a, "curl", "-sf", "http://" + metrics + "/metrics");
        assertThat(scrape.exitCode()).as("scrape of a's metrics: " + scrape.stderr()).isZero();
        return scrape.stdout().lines()
                .filter(l -> l.startsWith("keepvip_log_lines_dropped_total{") && l.contains("reason=\"syslog\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no syslog drop counter in:\n" + scrape.stdout()));
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
