package org.keepvip.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.config.HostSettings;
import org.keepvip.vrrp.config.LinkDelay;
import org.keepvip.vrrp.config.Origin;

/** interface_up_down_delays: which link changes reach the instances, and when. */
class LinkDelaysTest {
    /** Timers that run only when the test says so. */
    static final class ManualScheduler implements LinkDelays.Scheduler {
        record Task(Runnable run, Duration delay, boolean[] cancelled) {}

        final List<Task> tasks = new ArrayList<>();

        @Override
        public LinkDelays.Cancellable schedule(Runnable task, Duration delay) {
            boolean[] cancelled = {false};
            tasks.add(new Task(task, delay, cancelled));
            return () -> cancelled[0] = true;
        }

        /** Runs every task still armed, as if their delays had run out. */
        void elapse() {
            List<Task> due = new ArrayList<>(tasks);
            tasks.clear();
            due.stream().filter(t -> !t.cancelled()[0]).forEach(t -> t.run().run());
        }

        long armed() {
            return tasks.stream().filter(t -> !t.cancelled()[0]).count();
        }
    }

    private final List<String> seen = new ArrayList<>();
    private final ManualScheduler timer = new ManualScheduler();
    private final LinkDelays delays = new LinkDelays(new HostSettings(null, null, false, List.of(), List.of(),
            List.of(new LinkDelay("eth0", Duration.ofSeconds(2), Duration.ofSeconds(1), new Origin("f", 1)),
                    new LinkDelay("eth1", Duration.ofSeconds(3), Duration.ZERO, new Origin("f", 2))),
            List.of(), false), timer, ifname -> true, (ifname, up) -> seen.add(ifname + (up ? " up" : " down")));

    @Test
    void anInterfaceWithoutADelayPassesAtOnce() {
        delays.changed("eth9", false);
        assertThat(seen).containsExactly("eth9 down");
        assertThat(timer.tasks).isEmpty();
    }

    @Test
    void aDownThatLastsItsDelayIsSeenThenTheUpAfterItsOwn() {
        delays.changed("eth0", false);
        assertThat(seen).isEmpty();
        assertThat(timer.tasks).singleElement().satisfies(t -> assertThat(t.delay()).isEqualTo(Duration.ofSeconds(2)));
        timer.elapse();
        assertThat(seen).containsExactly("eth0 down");
        delays.changed("eth0", true);
        assertThat(timer.tasks).singleElement().satisfies(t -> assertThat(t.delay()).isEqualTo(Duration.ofSeconds(1)));
        timer.elapse();
        assertThat(seen).containsExactly("eth0 down", "eth0 up");
    }

    @Test
    void aDownRevertedWithinItsDelayIsNeverSeen() {
        delays.changed("eth0", false);
        delays.changed("eth0", true);
        assertThat(timer.armed()).isZero();
        timer.elapse();
        assertThat(seen).isEmpty();
    }

    @Test
    void repeatedEventsOfTheSameChangeDoNotRestartItsDelay() {
        delays.changed("eth0", false);
        delays.changed("eth0", false);
        assertThat(timer.tasks).hasSize(1);
        delays.changed("eth0", true); // the state it had: nothing to act on, nothing armed
        delays.changed("eth0", true);
        assertThat(timer.armed()).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void aZeroUpDelayPassesTheUpAtOnce() {
        delays.changed("eth1", false);
        timer.elapse();
        delays.changed("eth1", true);
        assertThat(seen).containsExactly("eth1 down", "eth1 up");
    }
}
