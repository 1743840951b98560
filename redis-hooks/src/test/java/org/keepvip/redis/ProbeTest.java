package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The health check against real redis-servers on loopback. */
class ProbeTest {

    private static RedisServer master;
    private static RedisServer replica;

    @BeforeAll
    static void startPair() throws Exception {
        master = RedisServer.start();
        replica = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(master.port));
        try (Jedis j = master.client()) {
            j.set("k1", "v1");
            j.set("k2", "v2");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (replica != null) {
            replica.close();
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    void masterIsOk() {
        try (RedisProbe p = RedisProbe.of(master.endpoint())) {
            RedisHealth h = p.check();
            assertThat(h.verdict()).isInstanceOf(Verdict.Ok.class);
            assertThat(h.reachable()).isTrue();
            assertThat(h.pingLatency()).isPositive().isLessThan(Duration.ofMillis(300));
            assertThat(h.isMaster()).isTrue();
            assertThat(h.keys()).isEqualTo(2);
            assertThat(h.info().runId()).hasSize(40);
            assertThat(RedisInfo.isReplid(h.info().masterReplid())).isTrue();
            assertThat(h.info().redisVersion()).startsWith("7.");
            // The same connection is reused for the next check.
            assertThat(p.check().verdict().ok()).isTrue();
        }
    }

    @Test
    void replicaReportsItsMasterLinkAndOffset() {
        try (RedisProbe p = RedisProbe.of(replica.endpoint())) {
            assertThat(RedisServer.await(5000, () -> {
                RedisHealth h = p.check();
                return h.info() != null && h.info().masterLinkUp() && h.keys() == 2;
            })).isTrue();
            RedisHealth h = p.check();
            assertThat(h.verdict().ok()).isTrue();
            assertThat(h.role()).isEqualTo(RedisInfo.Role.REPLICA);
            assertThat(h.info().masterHost()).isEqualTo("127.0.0.1");
            assertThat(h.info().masterPort()).isEqualTo(master.port);
            assertThat(h.info().slaveReplOffset()).isNotNegative();
            try (RedisProbe mp = RedisProbe.of(master.endpoint())) {
                assertThat(RedisServer.await(5000, () -> p.check().info().dataOffset()
                        == mp.check().info().masterReplOffset())).isTrue();
            }
            assertThat(h.summary()).contains("replica of 127.0.0.1:" + master.port, "link up");
        }
    }

    @Test
    void refusedConnectionIsFailed() throws Exception {
        int port = RedisServer.freePort();
        try (RedisProbe p = RedisProbe.of(RedisEndpoint.of("127.0.0.1", port))) {
            RedisHealth h = p.check();
            assertThat(h.verdict()).isInstanceOf(Verdict.Failed.class);
            assertThat(h.verdict().reason()).contains("unreachable");
            assertThat(h.reachable()).isFalse();
        }
    }

    @Test
    void aKeptConnectionClosedByRedisIsReopenedNotFailed() throws Exception {
        try (RedisServer s = RedisServer.start();
             RedisProbe p = RedisProbe.of(s.endpoint())) {
            assertThat(p.check().verdict().ok()).isTrue();
            try (Jedis admin = s.client()) {
                // As Redis' idle timeout or an operator would: the probe's kept connection is closed.
                long killed = admin.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                        .type(redis.clients.jedis.args.ClientType.NORMAL)
                        .skipMe(redis.clients.jedis.params.ClientKillParams.SkipMe.YES));
                assertThat(killed).isEqualTo(1);
            }
            RedisHealth h = p.check();
            assertThat(h.verdict().ok()).as(h.verdict().reason()).isTrue();
        }
    }

    @Test
    void aKilledServerFailsOnTheRetriedConnection() throws Exception {
        try (RedisServer s = RedisServer.start();
             RedisProbe p = RedisProbe.of(s.endpoint())) {
            assertThat(p.check().verdict().ok()).isTrue();
            s.kill();
            RedisHealth h = p.check();
            assertThat(h.verdict()).isInstanceOf(Verdict.Failed.class);
            // The reason is the new connection's (refused), not the old socket's end of stream.
            assertThat(h.verdict().reason()).contains("unreachable").doesNotContain("end of stream");
            assertThat(h.reachable()).isFalse();
        }
    }

    @Test
    void hungRedisFailsWithinTheTimeout() throws Exception {
        try (RedisServer s = RedisServer.start();
             RedisProbe p = RedisProbe.of(s.endpoint().withTimeouts(Duration.ofMillis(200), Duration.ofMillis(200)))) {
            assertThat(p.check().verdict().ok()).isTrue();
            s.signal("STOP");
            try {
                long t0 = System.nanoTime();
                RedisHealth h = p.check();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(h.verdict()).isInstanceOf(Verdict.Failed.class);
                assertThat(h.verdict().reason()).contains("did not answer within 200 ms");
                assertThat(ms).isLessThan(1000);
                // A fresh connection also fails in time (the kernel accepts, nobody answers).
                long t1 = System.nanoTime();
                assertThat(p.check().verdict()).isInstanceOf(Verdict.Failed.class);
                assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(1000);
            } finally {
                s.signal("CONT");
            }
            assertThat(RedisServer.await(3000, () -> p.check().verdict().ok())).isTrue();
        }
    }

    @Test
    void wrongOrMissingPasswordIsConfigFault() throws Exception {
        try (RedisServer s = RedisServer.start("--requirepass", "right-pass")) {
            Path pw = Files.createTempFile(s.dir, "pw", "");
            Files.writeString(pw, "right-pass\n");
            try (RedisProbe good = RedisProbe.of(s.endpoint().withPasswordFile(pw));
                 RedisProbe wrong = RedisProbe.of(s.endpoint().withPassword("wrong"));
                 RedisProbe none = RedisProbe.of(s.endpoint())) {
                assertThat(good.check().verdict().ok()).isTrue();
                RedisHealth w = wrong.check();
                assertThat(w.verdict()).isInstanceOf(Verdict.ConfigFault.class);
                assertThat(w.verdict().reason()).contains("rejected our credentials").doesNotContain("wrong");
                assertThat(none.check().verdict()).isInstanceOf(Verdict.ConfigFault.class);
            }
            try (Jedis admin = s.client()) {
                admin.auth("right-pass");
                admin.aclSetUser("kv", "on", ">kv-pass", "~*", "&*", "+@all");
            }
            try (RedisProbe acl = RedisProbe.of(s.endpoint().withUser("kv").withPassword("kv-pass"));
                 RedisProbe aclBad = RedisProbe.of(s.endpoint().withUser("kv").withPassword("right-pass"))) {
                assertThat(acl.check().verdict().ok()).isTrue();
                assertThat(aclBad.check().verdict()).isInstanceOf(Verdict.ConfigFault.class);
            }
        }
    }

    @Test
    void loadingIsNotReadyThenOk() throws Exception {
        try (RedisServer s = RedisServer.start("--key-load-delay", "100",
                "--loading-process-events-interval-bytes", "1024")) {
            try (Jedis j = s.client()) {
                j.sendCommand((redis.clients.jedis.commands.ProtocolCommand) () -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "POPULATE", "10000");
                j.save();
            }
            s.kill();
            s.launch();
            try (RedisProbe p = RedisProbe.of(s.endpoint())) {
                RedisHealth h = p.check();
                assertThat(h.verdict()).isInstanceOf(Verdict.NotReady.class);
                assertThat(h.loading()).isTrue();
                assertThat(h.reachable()).isTrue();
                assertThat(RedisServer.await(20_000, () -> p.check().verdict().ok())).isTrue();
                assertThat(p.check().keys()).isEqualTo(10_000);
            }
        }
    }
}
