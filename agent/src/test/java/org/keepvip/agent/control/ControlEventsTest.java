package org.keepvip.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.events.EventRecord;
import org.keepvip.agent.events.EventRing;

/** {@code events} over the control socket, and what an unprivileged caller may do. */
class ControlEventsTest {
    private Path dir;
    private Path sock;
    private ControlServer server;
    private final EventRing ring = new EventRing(10);

    private final ControlHandler handler = new ControlHandler() {
        @Override
        public StatusSnapshot status() {
            return Snapshots.sample();
        }

        @Override
        public ControlResponse reload() {
            return ControlResponse.ok("reloaded");
        }

        @Override
        public ControlResponse switchover(String instance, String to) {
            return ControlResponse.ok("switched");
        }

        @Override
        public EventRing events() {
            return ring;
        }
    };

    private static EventRecord record(long seq, Instant time) {
        return new EventRecord(seq, time.toString(), "transition", "VI_1", null, "BACKUP -> MASTER",
                "master_down_timer", Map.of("ownPriority", 100), List.of(), null, "(VI_1) record " + seq);
    }

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("kvt-ev");
        sock = dir.resolve("keepvip.sock");
        server = ControlServer.start(sock, handler, Duration.ofMillis(800));
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void listsTheRingOldestFirstAndFiltersBySince() throws Exception {
        Instant now = Instant.now();
        ring.add(record(1, now.minusSeconds(600)));
        ring.add(record(2, now.minusSeconds(5)));
        List<EventRecord> all = new CopyOnWriteArrayList<>();
        new ControlClient(sock, Duration.ofSeconds(3)).events(null, false, all::add);
        assertThat(all).extracting(EventRecord::seq).containsExactly(1L, 2L);
        assertThat(all.get(0).inputs()).containsEntry("ownPriority", 100.0); // JSON numbers
        List<EventRecord> recent = new CopyOnWriteArrayList<>();
        new ControlClient(sock, Duration.ofSeconds(3)).events(now.minusSeconds(60), false, recent::add);
        assertThat(recent).extracting(EventRecord::seq).containsExactly(2L);
    }

    @Test
    void followGetsRecordsMadeAfterItConnected() throws Exception {
        ring.add(record(1, Instant.now()));
        java.util.concurrent.BlockingQueue<EventRecord> got = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread follower = new Thread(() -> {
            try {
                new ControlClient(sock, Duration.ofSeconds(3)).events(null, true, got::add);
            } catch (Exception e) {
                // the server closing ends the follow
            }
        });
        follower.start();
        EventRecord first = got.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.seq()).isEqualTo(1);
        ring.add(record(2, Instant.now()));
        EventRecord second = got.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.seq()).isEqualTo(2);
        server.close();
        follower.join(5000);
        assertThat(follower.isAlive()).as("the follow ends with the daemon").isFalse();
    }

    @Test
    void anUnprivilegedCallerMayReadButNotChange() {
        Caller reader = new Caller("monitor", false);
        assertThat(server.dispatch("{\"cmd\":\"status\"}", reader).ok()).isTrue();
        ControlResponse reload = server.dispatch("{\"cmd\":\"reload\"}", reader);
        assertThat(reload.ok()).isFalse();
        assertThat(reload.error()).isEqualTo("permission denied: reload is for root only (user monitor may read"
                + " status and events)");
        assertThat(server.dispatch("{\"cmd\":\"switchover\",\"instance\":\"VI_1\"}", reader).error())
                .startsWith("permission denied: switchover is for root only");
        assertThat(server.dispatch("{\"cmd\":\"reload\"}", Caller.ROOT).ok()).isTrue();
    }

    @Test
    void theKernelSaysRootIsPrivileged() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")));
        // Through the socket, so SO_PEERCRED answers: this test runs as root.
        assertThat(new ControlClient(sock, Duration.ofSeconds(3)).reload().ok()).isTrue();
    }
}
