package org.keepvip.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.keepvip.agent.control.ControlClient;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;

/**
 * Wall-clock steps of ±1 h cause no transition. {@code date -s} would step the whole machine's
 * CLOCK_REALTIME (namespaces do not isolate it, and a time namespace offsets only MONOTONIC and
 * BOOTTIME), disturbing every other test running at the same time; so each daemon runs with
 * {@code wallclock_offset.c} preloaded, a shim this test compiles, whose offset file it rewrites:
 * CLOCK_REALTIME (and gettimeofday, time) step for that process only, every other clock goes
 * straight to libc, as an NTP step or an operator's {@code date -s} looks from inside the process.
 * (libfaketime does the same but slows this JVM's start about tenfold, past the daemon's netlink
 * timeouts on a loaded machine.) What it proves: the daemon's advert timers and down timers do not
 * read the wall clock; the status's {@code generatedAt} shows the stepped time, so the step reached
 * the JVM. What it does not: the kernel's own reaction to a machine-wide step (pcap time stamps,
 * timers of other processes), which a process-local clock cannot show.
 */
class ClockStepE2ETest {
    static final String VIP = "192.0.2.235";
    static final int ADVERT_MS = 50;
    static final int ADVERTS = 60;
    static Path shimDir;
    static Path shim;

    @BeforeAll
    static void prerequisites() throws Exception {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("tcpdump", "gcc");
        shimDir = Files.createTempDirectory("kvclockshim");
        shim = shimDir.resolve("wallclock_offset.so");
        Path source = Path.of(ClockStepE2ETest.class.getResource("/wallclock_offset.c").toURI());
        Process cc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-o", shim.toString(), source.toString(),
                "-ldl").redirectErrorStream(true).start();
        String out = new String(cc.getInputStream().readAllBytes());
        assertThat(cc.waitFor()).as("gcc: " + out).isZero();
    }

    @AfterAll
    static void removeShim() throws Exception {
        if (shimDir != null) {
            Files.deleteIfExists(shim);
            Files.deleteIfExists(shimDir);
        }
    }

    private static List<String> stepped(Path offsetFile) {
        return List.of("env", "LD_PRELOAD=" + shim, "WALLCLOCK_OFFSET_FILE=" + offsetFile);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void wallClockStepsOfAnHourEitherWayCauseNoTransition() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Path offsetA = lab.writeFile("offset-a", "0\n");
            Path offsetB = lab.writeFile("offset-b", "0\n");
            PlainPair p = new PlainPair(lab, VIP, 85, ADVERT_MS, stepped(offsetA), List.of(), stepped(offsetB));
            long takeoversB = p.takeoversByB();
            long takeoversA = p.takeoversByA();
            for (String[] step : new String[][] {{"a", "3600"}, {"a", "-3600"}, {"a", "0"}, {"b", "3600"},
                    {"b", "-3600"}, {"b", "0"}}) {
                Path file = step[0].equals("a") ? offsetA : offsetB;
                Path socket = step[0].equals("a") ? p.socketA : p.socketB;
                Files.writeString(file, step[1] + "\n");
                long want = Long.parseLong(step[1]);
                // The step reached the daemon: its own clock, in status, is off by the hour.
                Await.until(Duration.ofSeconds(5), step[0] + "'s wall clock at " + step[1], () -> {
                    long skew = skewSeconds(socket);
                    return Math.abs(skew - want) < 60;
                });
                double[] gaps = AdvertCapture.start(lab, p.b, p.a, "capture-" + step[0] + step[1], ADVERTS)
                        .awaitGaps(Duration.ofSeconds(30));
                System.out.printf("[clock-step] %s at %s: %s%n", step[0], step[1], AdvertCapture.summary(gaps));
                assertThat(AdvertCapture.max(gaps)).as("longest gap after stepping " + step[0] + " " + step[1])
                        .isLessThan(p.masterDownMs());
                assertThat(PlainPair.state(p.socketA)).isEqualTo("MASTER");
                assertThat(PlainPair.state(p.socketB)).isEqualTo("BACKUP");
            }
            assertThat(p.takeoversByB()).as("b never took over").isEqualTo(takeoversB);
            assertThat(p.takeoversByA()).as("a never left MASTER").isEqualTo(takeoversA);
            assertThat(p.ka.output() + p.kb.output()).doesNotContain("Exception");
        }
    }

    /** The daemon's wall clock minus ours, in seconds, from its status's generatedAt. */
    private static long skewSeconds(Path socket) {
        try {
            String at = new ControlClient(socket, Duration.ofSeconds(3)).status().generatedAt();
            return Duration.between(Instant.now(), Instant.parse(at)).toSeconds();
        } catch (Exception e) {
            return Long.MIN_VALUE;
        }
    }
}
