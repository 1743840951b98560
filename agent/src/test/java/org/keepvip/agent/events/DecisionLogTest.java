package org.keepvip.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.state.Action;
import org.keepvip.vrrp.state.Decision;
import org.keepvip.vrrp.state.VrrpState;

class DecisionLogTest {
    private final EventRing ring = new EventRing(3);
    private final DecisionLog log = new DecisionLog(ring);

    @AfterEach
    void close() {
        log.close();
    }

    private List<EventRecord> awaitRecords(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<EventRecord> got = List.of();
        while (got.size() < n && System.nanoTime() < deadline) {
            got = ring.after(0, 100);
        }
        return got;
    }

    private void awaitDropped(long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ring.dropped() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void takeoverRecordSaysWhyWithItsInputsAndEachStepsTime() throws Exception {
        long at = System.nanoTime() - 5_000_000L;
        Decision why = new Decision(Decision.Cause.MASTER_DOWN_TIMER, at, 100, 160,
                InetAddress.getByName("192.0.2.2"), 150, 3_414_000_000L, null,
                List.of(new Decision.Tracker("script:chk", 60, false, true)));
        TransitionTrace t = new TransitionTrace("VI_1", List.of(new org.keepvip.vrrp.state.TrackerSpec("redis:r1", 0,
                false)), new Action.StateChanged(VrrpState.BACKUP,
                VrrpState.MASTER, "master down timer expired", "(VI_1) Entering MASTER STATE", why), 0);
        t.advertSent(at + 100_000);
        t.step("promote", at + 200_000, at + 3_200_000, null);
        t.step("add_vips", at + 3_200_000, at + 3_600_000, null);
        t.step("garp", at + 3_600_000, at + 3_800_000, "send failed");
        t.publishTo(log);
        t.publishTo(log); // once only

        EventRecord r = awaitRecords(1).get(0);
        assertThat(r.seq()).isEqualTo(1);
        assertThat(r.kind()).isEqualTo("transition");
        assertThat(r.redis()).isEqualTo("r1");
        assertThat(r.what()).isEqualTo("BACKUP -> MASTER");
        assertThat(r.cause()).isEqualTo("master_down_timer");
        assertThat(r.inputs()).containsEntry("peer", "192.0.2.2").containsEntry("peerPriority", 150)
                .containsEntry("ownPriority", 160).containsEntry("basePriority", 100).containsEntry("timerMs", 3414.0);
        assertThat(r.steps()).extracting(EventRecord.Step::name).containsExactly("advert", "promote", "add_vips", "garp");
        assertThat(r.steps().get(1).ms()).isEqualTo(3.0);
        assertThat(r.steps().get(2).endMs()).isEqualTo(3.6);
        assertThat(r.totalMs()).isEqualTo(3.8);
        assertThat(Duration.between(Instant.parse(r.time()), Instant.now())).isBetween(Duration.ZERO, Duration.ofSeconds(5));
        assertThat(r.text()).isEqualTo("(VI_1) BACKUP -> MASTER because master_down_timer: no advert from master"
                + " 192.0.2.2 (priority 150) for 3.414 s (master down interval); priority 160 (base 100;"
                + " script:chk +60 up); took 3.8 ms: advert 0.1 ms, promote 3 ms, add_vips 0.4 ms,"
                + " garp 0.2 ms FAILED (send failed)");
        assertThat(ring.after(1, 200)).isEmpty();
    }

    @Test
    void redisActionRecordCarriesTheGuardVerdictAndTheRingKeepsTheNewest() throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            log.publish(new RedisAction("demote", "r1", null, "refused", "master is empty (0 keys, uptime 2 s)",
                    Map.of("guard", "refused"), List.of(new RedisAction.Span("demote", t0, t0 + 2_000_000, "x"))));
        }
        // The ring holds 3: it is full once the fourth is in, which pushed the first out.
        awaitDropped(1);
        List<EventRecord> got = ring.after(0, 100);
        assertThat(got).extracting(EventRecord::seq).containsExactly(2L, 3L, 4L);
        assertThat(ring.dropped()).isEqualTo(1);
        EventRecord r = got.get(0);
        assertThat(r.what()).isEqualTo("demote refused");
        assertThat(r.text()).isEqualTo("redis r1: demote refused; guard refused; took 2 ms: demote 2 ms FAILED (x)"
                + " - master is empty (0 keys, uptime 2 s)");
        assertThat(ring.since(Instant.now().plusSeconds(1))).isEmpty();
        log.publish(new RedisAction("fence", "r1", null, "failed", "unreachable", Map.of(),
                List.of(new RedisAction.Span("fence", t0, t0 + 1_000_000, "unreachable"))));
        assertThat(ring.after(4, 5000).get(0).text()).as("the failure is said once")
                .isEqualTo("redis r1: fence failed; took 1 ms: fence 1 ms FAILED (unreachable)");
        log.publish(new RedisAction("split_brain", "r1", null, "reported", "loser holds 12 bytes", Map.of(),
                List.of(new RedisAction.Span("resync", t0, t0, null))));
        EventRecord split = ring.after(5, 5000).get(0);
        assertThat(split.text()).as("a report times nothing").isEqualTo("redis r1: split_brain reported - loser holds 12 bytes");
        assertThat(split.steps()).isEmpty();
        assertThat(split.totalMs()).isNull();
        assertThat(ring.since(Instant.now().minusSeconds(60))).hasSize(3);
    }
}
