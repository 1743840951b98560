package org.keepvip.e2e.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.redis.RedisPair.PORT;
import static org.keepvip.e2e.redis.RedisPair.VIP;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.LabAssumptions;

/**
 * Issue 5 scenario 5: a partition makes both nodes MASTER; after healing one master remains (the
 * one VRRP chooses) and the loser's writes that the survivor never received are reported in the log.
 */
class RedisSplitBrainE2ETest {
    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server", "redis-cli");
    }

    @Test
    void healedSplitBrainLeavesOneMasterAndReportsTheDivergence() throws Exception {
        try (RedisPair p = RedisPair.start("0.1");
                Writer w = new Writer(p.lab.executor(p.client), VIP, PORT)) {
            Await.until(Duration.ofSeconds(10), "200 writes acknowledged", () -> w.ackCount() >= 200);
            partition(p, true);
            long split = System.nanoTime();
            Await.until(Duration.ofSeconds(10), "b MASTER too (split brain)", () -> p.state(p.b).equals("MASTER"));
            assertThat(p.state(p.a)).isEqualTo("MASTER");
            Await.until(Duration.ofSeconds(10), "b's Redis promoted", () -> p.role(p.b).orElse("").equals("master"));
            // Writes only b takes while cut off (its local clients), which a never receives.
            CommandResult r = p.lab.exec(p.b, "redis-cli", "-p", Integer.toString(PORT), "eval",
                    "for i=1,100 do redis.call('set','only-b:'..i,i) end return 100", "0");
            assertThat(r.stdout().trim()).as("%s", r).isEqualTo("100");
            long before = w.ackCount();
            // Keep the partition past the client's ARP locktime (1 s), so the survivor's GARP on healing counts.
            Await.until(Duration.ofSeconds(10), "a keeps taking writes for 1.5 s", () -> w.ackCount() >= before + 100
                    && java.lang.System.nanoTime() - split > Duration.ofMillis(1500).toNanos());

            partition(p, false);
            Await.until(Duration.ofSeconds(10), "one MASTER again", () -> p.state(p.b).equals("BACKUP")
                    && p.state(p.a).equals("MASTER"));
            p.awaitVipOn(p.a, Duration.ofSeconds(5));
            p.awaitReplicaOf(p.b, p.a, Duration.ofSeconds(15));
            Await.until(Duration.ofSeconds(5), "divergence reported in b's log", () ->
                    p.keepvipLog(p.b).contains("split brain healed"));
            String log = p.keepvipLog(p.b);
            String line = log.lines().filter(l -> l.contains("split brain healed")).findFirst().orElseThrow();
            System.out.println("[redis-e2e] split brain: " + line.trim());
            assertThat(line).contains("never received").contains(p.a.ipv4());
            assertThat(p.status(p.b).instances().get(0).redis().detail()).contains("last split brain")
                    .contains("never received");
            List<org.keepvip.agent.events.EventRecord> events = new java.util.ArrayList<>();
            new org.keepvip.agent.control.ControlClient(p.socket(p.b), Duration.ofSeconds(3)).events(null, false,
                    events::add);
            org.keepvip.agent.events.EventRecord report = events.stream().filter(e -> e.kind().equals("split_brain"))
                    .reduce((x, y) -> y).orElseThrow();
            System.out.println("[redis-e2e] split brain in keepvip events: " + report.text());
            assertThat(report.inputs()).containsEntry("survivor", p.a.ipv4() + ":" + PORT);
            assertThat(report.text()).contains("never received");
            // b's own step down: an advert from the other master with a higher priority.
            assertThat(events).anyMatch(e -> e.what().equals("MASTER -> BACKUP")
                    && e.cause().equals("higher_priority_advert") && p.a.ipv4().equals(e.inputs().get("peer")));
            // The survivor kept its own history; b's 100 keys were the reported loss.
            Await.until(Duration.ofSeconds(20), "the client reaches the survivor through the VIP", () -> {
                try {
                    return p.withJedis(VIP, 500, j -> (String) j.role().get(0)).equals("master");
                } catch (Exception e) {
                    return false;
                }
            });
            boolean kept = p.withJedis(VIP, 2000, j -> j.exists("only-b:1"));
            assertThat(kept).isFalse();
            w.close();
            List<Writer.Ack> acks = w.acks();
            long missing = p.missing(acks);
            long during = acks.stream().filter(x -> x.atNanos() >= split).count();
            System.out.printf("[redis-e2e] split brain: %d acknowledged writes through the VIP, %d missing (of %d"
                    + " acknowledged after the partition began: what reached b is the reported loss)%n",
                    acks.size(), missing, during);
            assertThat(p.missingBefore(acks, split)).isZero();
            assertThat(missing).isLessThanOrEqualTo(during);
        }
    }

    /**
     * Isolates a's and b's switch ports from each other (bridge port isolation) while both still
     * reach the client: the links stay up, so neither node goes FAULT; they just stop hearing each other.
     */
    static void partition(RedisPair p, boolean on) throws Exception {
        for (var n : List.of(p.a, p.b)) {
            Process pr = new ProcessBuilder("ip", "netns", "exec", p.lab.switchNamespace(), "bridge", "link", "set",
                    "dev", n.switchPort(), "isolated", on ? "on" : "off").redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes());
            assertThat(pr.waitFor()).as("bridge isolation: %s", out).isZero();
        }
    }
}
