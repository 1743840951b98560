package org.keepvip.e2e.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.redis.RedisPair.PORT;
import static org.keepvip.e2e.redis.RedisPair.VIP;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.control.ControlResponse;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/** Planned switchovers under write load lose nothing, and the VIP never leads to a read-only replica. */
class RedisSwitchoverE2ETest {
    static final int ROUNDS = 20;

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server");
    }

    @Test
    void twentyConsecutiveSwitchoversUnderWriteLoadLoseNoAcknowledgedWrite() throws Exception {
        try (RedisPair p = RedisPair.start("0.1");
                ReadonlySampler sampler = new ReadonlySampler(p.lab.executor(p.client), p.lab, List.of(p.a, p.b), VIP);
                Writer w = new Writer(p.lab.executor(p.client), VIP, PORT)) {
            Await.until(Duration.ofSeconds(10), "200 writes acknowledged", () -> w.ackCount() >= 200);
            Node master = p.a;
            Node replica = p.b;
            List<Long> tookMs = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                p.awaitReplicaOf(replica, master, Duration.ofSeconds(10));
                long t0 = System.nanoTime();
                if (round == 1) {
                    // Once through the CLI, as an operator would run it on the master's host.
                    CommandResult r = p.lab.exec(master, Duration.ofSeconds(60), "java", "-jar", RedisPair.JAR.toString(),
                            "switchover", "--socket", p.socket(master).toString(), "--to", replica.ipv4(),
                            "--timeout", "2000");
                    assertThat(r.exitCode()).as("keepvip switchover: %s", r).isZero();
                } else {
                    ControlResponse r = p.switchover(master, replica, 2000);
                    assertThat(r.ok()).as("round %d: %s", round, r.error()).isTrue();
                }
                tookMs.add((System.nanoTime() - t0) / 1_000_000);
                p.awaitVipOn(replica, Duration.ofSeconds(5));
                assertThat(p.role(replica)).contains("master");
                Node old = master;
                master = replica;
                replica = old;
                long before = w.ackCount();
                Await.until(Duration.ofSeconds(10), "writes acknowledged after round " + round,
                        () -> w.ackCount() >= before + 50);
            }
            w.close();
            List<Writer.Ack> acks = w.acks();
            long missing = p.missing(acks);
            System.out.printf("[redis-e2e] %d switchovers: %d acknowledged writes, %d missing, %d READONLY replies,"
                    + " %d write errors (unacknowledged, retried), command times ms %s, %d samples%n", ROUNDS,
                    acks.size(), missing, w.readonlyReplies(), w.errors(), tookMs, sampler.samples());
            assertThat(missing).isZero();
            sampler.close();
            assertThat(sampler.violations()).isEmpty();
        }
    }

    @Test
    void switchoverThatCannotBeLossFreeInTimeChangesNothing() throws Exception {
        try (RedisPair p = RedisPair.start("0.1");
                Writer w = new Writer(p.lab.executor(p.client), VIP, PORT)) {
            Await.until(Duration.ofSeconds(10), "100 writes acknowledged", () -> w.ackCount() >= 100);
            p.signalRedis(p.b, "STOP"); // the replica cannot catch up
            ControlResponse r;
            try {
                r = p.switchover(p.a, p.b, 300);
            } finally {
                p.signalRedis(p.b, "CONT");
            }
            assertThat(r.ok()).isFalse();
            assertThat(r.error()).contains("nothing changed");
            // The decision log says which stage refused and how long it took.
            List<org.keepvip.agent.events.EventRecord> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            Await.until(Duration.ofSeconds(5), "a switchover record on a", () -> {
                events.clear();
                try {
                    new org.keepvip.agent.control.ControlClient(p.socket(p.a), Duration.ofSeconds(3))
                            .events(null, false, events::add);
                } catch (java.io.IOException e) {
                    return false;
                }
                return events.stream().anyMatch(e -> e.kind().equals("switchover"));
            });
            org.keepvip.agent.events.EventRecord sw = events.stream().filter(e -> e.kind().equals("switchover"))
                    .findFirst().orElseThrow();
            assertThat(sw.what()).isEqualTo("switchover refused");
            assertThat(sw.instance()).isEqualTo("VI_R");
            assertThat(sw.inputs()).containsEntry("to", p.b.ipv4() + ":" + PORT).containsEntry("syncBudgetMs", 300.0);
            assertThat(sw.steps()).extracting(org.keepvip.agent.events.EventRecord.Step::name)
                    .containsExactly("pause_and_sync");
            assertThat(sw.steps().get(0).error()).isNotNull();
            assertThat(sw.steps().get(0).ms()).isPositive().isLessThan(sw.totalMs() + 0.001);
            assertThat(p.state(p.a)).isEqualTo("MASTER");
            assertThat(p.holdsVip(p.a)).isTrue();
            assertThat(p.role(p.a)).contains("master");
            long before = w.ackCount();
            Await.until(Duration.ofSeconds(5), "writes continue on a", () -> w.ackCount() >= before + 50);
            // A BACKUP refuses: switchover runs on the master's host.
            assertThat(p.switchover(p.b, p.a, 300).error()).contains("BACKUP");
            w.close();
            assertThat(p.missing(w.acks())).isZero();
        }
    }
}
