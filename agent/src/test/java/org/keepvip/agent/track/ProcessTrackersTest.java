package org.keepvip.agent.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.TrackProcess;

/**
 * Process trackers against real processes: a {@code sleep} with an argument no other process has,
 * through the kernel's process events and through the pidfd and /proc fallback.
 */
class ProcessTrackersTest {
    private final BlockingQueue<LoopEvent> events = new LinkedBlockingQueue<>();
    private final String marker = "7" + ThreadLocalRandom.current().nextInt(100_000, 999_999) + "."
            + ProcessHandle.current().pid();

    private TrackProcess tracker(int quorum) {
        return new TrackProcess("sleeper", "sleep", List.of(marker), TrackProcess.ParamMatch.EXACT, true, 0, false,
                quorum, TrackProcess.UNLIMITED, Duration.ZERO, Duration.ZERO, new Origin("test", 1));
    }

    private LoopEvent.TrackerChanged next() throws InterruptedException {
        LoopEvent e = events.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("a tracker event within 5 s").isInstanceOf(LoopEvent.TrackerChanged.class);
        return (LoopEvent.TrackerChanged) e;
    }

    @ParameterizedTest(name = "process events: {0}")
    @ValueSource(booleans = {true, false})
    void quorumFollowsARealProcessAndItsDeath(boolean processEvents) throws Exception {
        try (ProcessTrackers t = new ProcessTrackers(List.of(tracker(1)), events::add, processEvents)) {
            t.start();
            assertThat(next()).isEqualTo(new LoopEvent.TrackerChanged("process:sleeper", false));
            Process p = new ProcessBuilder("sleep", marker).start();
            try {
                assertThat(next()).isEqualTo(new LoopEvent.TrackerChanged("process:sleeper", true));
                assertThat(t.status()).containsEntry("sleeper", new ProcessTrackers.Status(1, true));
                long killed = System.nanoTime();
                p.destroyForcibly();
                assertThat(next()).isEqualTo(new LoopEvent.TrackerChanged("process:sleeper", false));
                long ms = (System.nanoTime() - killed) / 1_000_000;
                System.out.printf("process events %s: death counted after %d ms%n", processEvents, ms);
                // Through the connector or a pidfd, never through the /proc scan's period.
                assertThat(ms).isLessThan(ProcessTrackers.SCAN_MILLIS);
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }

    @ParameterizedTest(name = "process events: {0}")
    @ValueSource(booleans = {true, false})
    void alreadyRunningProcessesCountAtStartAndQuorumNeedsTwo(boolean processEvents) throws Exception {
        Process a = new ProcessBuilder("sleep", marker).start();
        Process b = null;
        try (ProcessTrackers t = new ProcessTrackers(List.of(tracker(2)), events::add, processEvents)) {
            t.start();
            assertThat(next()).isEqualTo(new LoopEvent.TrackerChanged("process:sleeper", false));
            assertThat(t.status()).containsEntry("sleeper", new ProcessTrackers.Status(1, false));
            b = new ProcessBuilder("sleep", marker).start();
            assertThat(next()).isEqualTo(new LoopEvent.TrackerChanged("process:sleeper", true));
            a.destroyForcibly();
            assertThat(next()).isEqualTo(new LoopEvent.TrackerChanged("process:sleeper", false));
        } finally {
            a.destroyForcibly().waitFor();
            if (b != null) {
                b.destroyForcibly().waitFor();
            }
        }
    }
}
