package org.keepvip.agent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.ParseResult;
import redis.clients.jedis.Jedis;

/**
 * A demote that cannot reach its master retries until promote_timeout, on the instance's lane; a
 * promotion queued behind it must not wait that out. Against a real local redis-server; the
 * master's port has nothing listening.
 */
class RedisDemoteSupersededTest {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    @TempDir
    Path dir;
    private Process server;
    private RedisWiring wiring;

    @AfterEach
    void stop() throws Exception {
        if (wiring != null) {
            wiring.close();
        }
        if (server != null) {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void aQueuedPromotionEndsTheRetriesAtTheNextAttempt() throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "redis-server not installed");
        int port = freePort();
        int deadPeerPort = freePort();
        server = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        long up = System.nanoTime() + 10_000_000_000L;
        while (!pong(port)) {
            assertThat(System.nanoTime()).as("redis-server answering").isLessThan(up);
            Thread.sleep(20);
        }
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, """
                redis_instance r1 {
                    address 127.0.0.1:%d
                    peer_port %d
                    promote_timeout 30
                }
                """.formatted(port, deadPeerPort));
        ParseResult r = ConfigParser.parse(f.toString(), new FileConfigSource(), null);
        assertThat(r.hasErrors()).as(r.diagnostics().toString()).isFalse();
        wiring = new RedisWiring(r.config().redisInstance("r1").orElseThrow());

        AtomicBoolean promotionQueued = new AtomicBoolean();
        AtomicInteger asked = new AtomicInteger();
        Thread lane = new Thread(() -> {
            try {
                wiring.demote(InetAddress.getByName("127.0.0.1"), () -> {
                    // The loop hands a promotion to the lane while the demote is on its third attempt.
                    if (asked.incrementAndGet() == 2) {
                        promotionQueued.set(true);
                    }
                    return promotionQueued.get();
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        lane.start();
        lane.join(20_000);
        assertThat(lane.isAlive()).as("the demote still retrying against a dead master (promote_timeout 30 s)")
                .isFalse();
        assertThat(asked.get()).as("asked after each failed attempt, and it stopped at the first yes").isEqualTo(2);
        // The local Redis was left as it was: no REPLICAOF towards the dead master took.
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            assertThat(List.of(j.info("replication").split("\r\n"))).contains("role:master");
        }
    }

    private static boolean pong(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            return "PONG".equals(j.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
