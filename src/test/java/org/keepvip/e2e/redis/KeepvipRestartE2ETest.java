package org.keepvip.e2e.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.redis.RedisPair.PORT;
import static org.keepvip.e2e.redis.RedisPair.VIP;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * A planned move by a keepvip restart: SIGTERM of the MASTER's keepvip while a client writes
 * through the VIP, the replica's Redis behind a replication link {@link #SLOW} slower than the
 * hand-over (the peer's skew time at 100 ms adverts and priority 100 is 61 ms). The stopping
 * keepvip fences its Redis, waits until the replica has the fenced offset, removes the VIP and only
 * then sends priority 0, so every acknowledged write is on the new master. Sending priority 0
 * first, or not waiting, lets the peer promote its replica with the link's last writes still in
 * flight: they are lost.
 */
class KeepvipRestartE2ETest {
    static final int ROUNDS = 3;
    static final Duration SLOW = Duration.ofMillis(150);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("redis-server");
    }

    @Test
    void sigtermOfTheMastersKeepvipLosesNoAcknowledgedWriteOverASlowReplicationLink() throws Exception {
        try (RedisPair p = RedisPair.start("0.1");
                Writer w = new Writer(p.lab.executor(p.client), VIP, PORT)) {
            Await.until(Duration.ofSeconds(10), "200 writes acknowledged", () -> w.ackCount() >= 200);
            Node master = p.a;
            Node replica = p.b;
            int masterPriority = 150;
            List<String> rounds = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                p.awaitReplicaOf(replica, master, Duration.ofSeconds(20));
                // The replica's keepvip demotes its Redis once it hears the master's first advert, some
                // time after it reports BACKUP; that REPLICAOF would undo the re-pointing below.
                p.awaitDemoted(replica, master);
                long exitMs;
                long movedMs;
                try (SlowReplicationLink link = SlowReplicationLink.start(p.lab, replica, master, PORT, SLOW)) {
                    p.withJedis(replica.ipv4(), 2000, j -> j.replicaof("127.0.0.1", link.port()));
                    Node r = replica;
                    Await.until(Duration.ofSeconds(10), r.name() + " replicating through the slow link", () -> {
                        try {
                            String info = p.withJedis(r.ipv4(), 300, j -> j.info("replication"));
                            return info.contains("master_host:127.0.0.1") && info.contains("master_link_status:up");
                        } catch (Exception e) {
                            return false;
                        }
                    });
                    long before = w.ackCount();
                    Await.until(Duration.ofSeconds(10), "writes through the VIP", () -> w.ackCount() >= before + 100);
                    LabProcess k = p.keepvipProcess(master);
                    long t0 = System.nanoTime();
                    k.signal("TERM");
                    k.awaitExit(Duration.ofSeconds(10));
                    exitMs = (System.nanoTime() - t0) / 1_000_000;
                    p.awaitVipOn(replica, Duration.ofSeconds(10));
                    movedMs = (System.nanoTime() - t0) / 1_000_000;
                }
                assertThat(p.role(replica)).contains("master");
                String log = p.keepvipLog(master);
                int synced = log.lastIndexOf("(VI_R) Redis r6379: replica ");
                int removing = log.lastIndexOf("(VI_R) removing VIPs.");
                int released = log.lastIndexOf("(VI_R) sent 0 priority");
                assertThat(synced).as("round %d: the stopping keepvip waited for its replica; its log:%n%s", round, log)
                        .isNotNegative();
                assertThat(log.substring(synced)).as("round %d", round).contains("has the fenced offset");
                assertThat(removing).as("round %d: the VIP goes after the replica has the writes", round)
                        .isGreaterThan(synced);
                assertThat(released).as("round %d: priority 0 is sent last", round).isGreaterThan(removing);
                String line = log.substring(synced, log.indexOf('\n', synced) < 0 ? log.length() : log.indexOf('\n', synced));
                rounds.add(String.format("%s->%s exit %d ms, VIP moved %d ms (%s)", master.name(), replica.name(),
                        exitMs, movedMs, line.substring(line.indexOf("has the fenced offset"))));
                assertThat(exitMs).as("round %d: SIGTERM exit", round).isLessThan(5000);
                p.startKeepvip(master, masterPriority);
                Node m = master;
                Await.until(Duration.ofSeconds(30), m.name() + " BACKUP again", () -> p.state(m).equals("BACKUP"));
                masterPriority = masterPriority == 150 ? 100 : 150;
                master = replica;
                replica = m;
                long before = w.ackCount();
                Await.until(Duration.ofSeconds(10), "writes after round " + round, () -> w.ackCount() >= before + 50);
            }
            w.close();
            List<Writer.Ack> acks = w.acks();
            long missing = p.missing(acks);
            System.out.printf("[redis-e2e] %d keepvip restarts over a %d ms replication link: %d acknowledged writes,"
                    + " %d missing, %d write errors (unacknowledged, retried); %s%n", ROUNDS, SLOW.toMillis(),
                    acks.size(), missing, w.errors(), rounds);
            assertThat(missing).isZero();
        }
    }
}
