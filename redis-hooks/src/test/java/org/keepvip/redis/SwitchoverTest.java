package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Planned switchover under write load against a real master/replica pair. */
class SwitchoverTest {

    private static final Duration T = Duration.ofSeconds(3);

    /** Writes w:1, w:2, … to whatever {@code target} points at; records only acknowledged writes. */
    static final class Writer implements Runnable {
        final AtomicReference<RedisServer> target;
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        final AtomicLong errors = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread = new Thread(this, "writer");

        Writer(RedisServer initial) {
            target = new AtomicReference<>(initial);
        }

        @Override
        public void run() {
            long i = 0;
            Jedis j = null;
            RedisServer connectedTo = null;
            while (running.get()) {
                try {
                    if (j == null || connectedTo != target.get()) {
                        if (j != null) {
                            j.close();
                        }
                        connectedTo = target.get();
                        j = new Jedis("127.0.0.1", connectedTo.port, 10_000);
                    }
                    long n = ++i;
                    if ("OK".equals(j.set("w:" + n, Long.toString(n)))) {
                        acked.add(n);
                    }
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    if (j != null) {
                        j.close();
                    }
                    j = null;
                    RedisNode.pause(1);
                }
            }
            if (j != null) {
                j.close();
            }
        }

        long lostOn(RedisServer s) {
            List<Long> ids = new ArrayList<>(acked);
            long lost = 0;
            try (Jedis j = s.client()) {
                for (int from = 0; from < ids.size(); from += 1000) {
                    List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
                    List<String> vals = j.mget(chunk.stream().map(n -> "w:" + n).toArray(String[]::new));
                    for (int k = 0; k < chunk.size(); k++) {
                        if (!Long.toString(chunk.get(k)).equals(vals.get(k))) {
                            lost++;
                        }
                    }
                }
            }
            return lost;
        }
    }

    @Test
    void switchoversUnderWriteLoadLoseNoAcknowledgedWrite() throws Exception {
        try (RedisServer a = RedisServer.start();
             RedisServer b = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(a.port))) {
            try (RedisProbe pb = RedisProbe.of(b.endpoint())) {
                assertThat(RedisServer.await(5000, () -> pb.check().info() != null && pb.check().info().masterLinkUp()))
                        .isTrue();
            }
            Writer w = new Writer(a);
            w.thread.start();
            RedisServer master = a;
            RedisServer replica = b;
            int rounds = 20;
            try {
                for (int round = 0; round < rounds; round++) {
                    long before = w.acked.size();
                    assertThat(RedisServer.await(5000, () -> w.acked.size() > before + 200)).isTrue();
                    final RedisServer newMaster = replica;
                    try (RedisProbe pr = RedisProbe.of(replica.endpoint())) {
                        // The previous old master must be attached again before the next round.
                        assertThat(RedisServer.await(5000, () -> {
                            RedisHealth h = pr.check();
                            return h.info() != null && h.info().masterLinkUp();
                        })).isTrue();
                    }
                    try (Switchover s = Switchover.begin(master.endpoint(), replica.endpoint(), T)) {
                        SwitchoverResult synced = s.pauseAndSync();
                        assertThat(synced).as(synced.detail()).isInstanceOf(SwitchoverResult.Synced.class);
                        SwitchoverResult promoted = s.promote();
                        assertThat(promoted).as(promoted.detail()).isInstanceOf(SwitchoverResult.Promoted.class);
                        w.target.set(newMaster); // "move the VIP"
                        SwitchoverResult done = s.complete();
                        assertThat(done).isInstanceOf(SwitchoverResult.Completed.class);
                        assertThat(done.detail()).doesNotContain("failed");
                    }
                    replica = master;
                    master = newMaster;
                }
                long before = w.acked.size();
                assertThat(RedisServer.await(5000, () -> w.acked.size() > before + 200)).isTrue();
            } finally {
                w.running.set(false);
                w.thread.join(15_000);
            }
            long lost = w.lostOn(master);
            System.out.printf("switchover: %d rounds, %d acknowledged writes, %d write errors, %d lost%n",
                    rounds, w.acked.size(), w.errors.get(), lost);
            assertThat(w.acked.size()).isGreaterThan(rounds * 200);
            assertThat(lost).isZero();
            final RedisServer finalReplica = replica;
            try (RedisProbe pr = RedisProbe.of(finalReplica.endpoint())) {
                assertThat(RedisServer.await(5000, () -> w.lostOn(finalReplica) == 0)).isTrue();
                assertThat(pr.check().role()).isEqualTo(RedisInfo.Role.REPLICA);
            }
        }
    }

    @Test
    void redisFailoverCommandUnderWriteLoadLosesNothing() throws Exception {
        try (RedisServer a = RedisServer.start();
             RedisServer b = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(a.port))) {
            try (RedisProbe pb = RedisProbe.of(b.endpoint())) {
                assertThat(RedisServer.await(5000, () -> pb.check().info() != null && pb.check().info().masterLinkUp()))
                        .isTrue();
            }
            Writer w = new Writer(a);
            w.thread.start();
            RedisServer master = a;
            RedisServer replica = b;
            int rounds = 4;
            try {
                for (int round = 0; round < rounds; round++) {
                    long before = w.acked.size();
                    assertThat(RedisServer.await(5000, () -> w.acked.size() > before + 200)).isTrue();
                    final RedisServer target = replica;
                    final RedisServer source = master;
                    // FAILOVER needs the target listed online by the master.
                    try (Jedis j = source.client()) {
                        assertThat(RedisServer.await(5000, () -> j.info("replication").contains("state=online")))
                                .isTrue();
                    }
                    SwitchoverResult r = Switchover.viaFailoverCommand(master.endpoint(), replica.endpoint(), T);
                    assertThat(r).as(r.detail()).isInstanceOf(SwitchoverResult.Completed.class);
                    w.target.set(target);
                    replica = master;
                    master = target;
                }
                long before = w.acked.size();
                assertThat(RedisServer.await(5000, () -> w.acked.size() > before + 200)).isTrue();
            } finally {
                w.running.set(false);
                w.thread.join(15_000);
            }
            long lost = w.lostOn(master);
            System.out.printf("FAILOVER command: %d rounds, %d acknowledged writes, %d write errors, %d lost%n",
                    rounds, w.acked.size(), w.errors.get(), lost);
            assertThat(lost).isZero();
        }
    }

    @Test
    void abortsChangingNothingWhenTheReplicaIsNotInSync() throws Exception {
        try (RedisServer a = RedisServer.start();
             RedisServer lonely = RedisServer.start("--replicaof", "127.0.0.1", "1")) {
            try (Switchover s = Switchover.begin(a.endpoint(), lonely.endpoint(), T)) {
                SwitchoverResult r = s.pauseAndSync();
                assertThat(r).isInstanceOf(SwitchoverResult.Aborted.class);
                assertThat(r.detail()).contains("nothing changed", "not an in-sync replica");
            }
            try (Jedis j = new Jedis("127.0.0.1", a.port, 500)) {
                assertThat(j.set("still", "writable")).isEqualTo("OK");
            }
        }
    }

    @Test
    void abortsAndUnpausesWhenTheReplicaHangsMidway() throws Exception {
        try (RedisServer a = RedisServer.start();
             RedisServer b = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(a.port))) {
            try (RedisProbe pb = RedisProbe.of(b.endpoint())) {
                assertThat(RedisServer.await(5000, () -> pb.check().info() != null && pb.check().info().masterLinkUp()))
                        .isTrue();
            }
            try (Jedis j = a.client()) {
                j.set("k", "1");
            }
            RedisEndpoint replica = b.endpoint().withTimeouts(Duration.ofMillis(200), Duration.ofMillis(200));
            try (Switchover s = Switchover.begin(a.endpoint(), replica, Duration.ofMillis(500))) {
                b.signal("STOP");
                try {
                    SwitchoverResult r = s.pauseAndSync();
                    assertThat(r).isInstanceOf(SwitchoverResult.Aborted.class);
                    assertThat(r.detail()).contains("nothing changed");
                } finally {
                    b.signal("CONT");
                }
            }
            try (Jedis j = new Jedis("127.0.0.1", a.port, 500)) {
                assertThat(j.set("k", "2")).isEqualTo("OK");
                assertThat(String.valueOf(j.role().get(0))).isEqualTo("master");
            }
            try (Jedis j = b.client()) {
                assertThat(String.valueOf(j.role().get(0))).isEqualTo("slave");
            }
        }
    }
}
