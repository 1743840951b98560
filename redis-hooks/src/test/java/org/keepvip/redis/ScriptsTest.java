package org.keepvip.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** The shipped hook scripts (scripts/redis_*.sh) run against real redis-servers, and shellcheck. */
class ScriptsTest {

    static final Path SCRIPTS = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("scripts");
    static final List<String> NAMES = List.of("redis_check.sh", "redis_master.sh", "redis_backup.sh",
            "redis_fault.sh", "redis_stop.sh");

    record Run(int exit, String output, long millis) {
    }

    static Run run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(SCRIPTS.resolve(script).toString());
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean done = p.waitFor(20, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("%s did not finish: %s", script, out).isTrue();
        return new Run(p.exitValue(), out, (System.nanoTime() - t0) / 1_000_000);
    }

    static String role(RedisServer s) {
        try (Jedis j = s.client()) {
            return String.valueOf(j.role().get(0));
        }
    }

    @Test
    void shellcheckFindsNothing() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/shellcheck")), "shellcheck not installed");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/shellcheck", "--severity=style", "--external-sources"));
        for (String n : NAMES) {
            assertThat(SCRIPTS.resolve(n)).isExecutable();
            cmd.add(SCRIPTS.resolve(n).toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void checkScript() throws Exception {
        int free = RedisServer.freePort();
        try (RedisServer s = RedisServer.start("--requirepass", "pw")) {
            Path good = s.dir.resolve("good.pw");
            Files.writeString(good, "pw\n");
            Path bad = s.dir.resolve("bad.pw");
            Files.writeString(bad, "nope\n");
            String p = String.valueOf(s.port);
            assertThat(run("redis_check.sh", "-p", p, "-a", good.toString()).exit()).isZero();
            assertThat(run("redis_check.sh", "-p", p, "-a", good.toString(), "-r", "master").exit()).isZero();
            Run wrongRole = run("redis_check.sh", "-p", p, "-a", good.toString(), "-r", "replica");
            assertThat(wrongRole.exit()).isEqualTo(1);
            assertThat(wrongRole.output()).contains("is master, expected replica");
            Run auth = run("redis_check.sh", "-p", p, "-a", bad.toString());
            assertThat(auth.exit()).isEqualTo(3);
            assertThat(auth.output()).contains("rejected our credentials");
            assertThat(run("redis_check.sh", "-p", p).exit()).isEqualTo(3);
            assertThat(run("redis_check.sh", "-p", String.valueOf(free)).exit()).isEqualTo(1);
            assertThat(run("redis_check.sh", "-p", "x").exit()).isEqualTo(64);

            s.signal("STOP");
            try {
                Run hung = run("redis_check.sh", "-p", p, "-a", good.toString(), "-t", "400");
                assertThat(hung.exit()).isEqualTo(1);
                assertThat(hung.millis()).isLessThan(2500);
            } finally {
                s.signal("CONT");
            }
        }
    }

    @Test
    void checkScriptSaysNotReadyWhileLoading() throws Exception {
        try (RedisServer s = RedisServer.start("--key-load-delay", "100",
                "--loading-process-events-interval-bytes", "1024")) {
            try (Jedis j = s.client()) {
                j.sendCommand((redis.clients.jedis.commands.ProtocolCommand) () -> "DEBUG".getBytes(StandardCharsets.US_ASCII),
                        "POPULATE", "10000");
                j.save();
            }
            s.kill();
            s.launch();
            Run r = run("redis_check.sh", "-p", String.valueOf(s.port));
            assertThat(r.exit()).as(r.output()).isEqualTo(2);
            assertThat(r.output()).contains("loading");
        }
    }

    @Test
    void masterScriptPromotesAndRefusesAnEmptyNode() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             RedisServer empty = RedisServer.start("--replicaof", "127.0.0.1", "1")) {
            try (Jedis j = m.client()) {
                j.set("a", "1");
            }
            // Generic notify for another state: nothing happens.
            assertThat(run("redis_master.sh", "-p", String.valueOf(r.port), "INSTANCE", "VI_1", "BACKUP", "100").exit())
                    .isZero();
            assertThat(role(r)).isEqualTo("slave");

            Run refused = run("redis_master.sh", "-p", String.valueOf(empty.port), "-m", "127.0.0.1",
                    "-P", String.valueOf(m.port), "INSTANCE", "VI_1", "MASTER", "100");
            assertThat(refused.exit()).as(refused.output()).isEqualTo(2);
            assertThat(refused.output()).contains("REFUSED", "empty", "1 keys");
            assertThat(role(empty)).isEqualTo("slave");

            try (Jedis j = r.client()) {
                assertThat(RedisServer.await(5000, () -> j.dbSize() == 1)).isTrue();
            }
            Run ok = run("redis_master.sh", "-p", String.valueOf(r.port), "-m", "127.0.0.1", "-P", String.valueOf(m.port));
            assertThat(ok.exit()).as(ok.output()).isZero();
            assertThat(ok.output()).contains("ROLE master confirmed", "CONFIG REWRITE failed");
            assertThat(role(r)).isEqualTo("master");
        }
    }

    @Test
    void backupScriptGuardsAgainstTheWipe() throws Exception {
        try (RedisServer local = RedisServer.start();
             RedisServer emptyMaster = RedisServer.start();
             RedisServer freshMaster = RedisServer.start()) {
            try (Jedis j = local.client()) {
                for (int i = 0; i < 30; i++) {
                    j.set("k" + i, "v");
                }
            }
            try (Jedis j = freshMaster.client()) {
                j.set("other", "x");
            }
            String lp = String.valueOf(local.port);
            Run empty = run("redis_backup.sh", "-p", lp, "-m", "127.0.0.1", "-P", String.valueOf(emptyMaster.port));
            assertThat(empty.exit()).as(empty.output()).isEqualTo(2);
            assertThat(empty.output()).contains("REFUSED", "master is empty", "30 keys");
            assertThat(role(local)).isEqualTo("master");

            Run fresh = run("redis_backup.sh", "-p", lp, "-m", "127.0.0.1", "-P", String.valueOf(freshMaster.port));
            assertThat(fresh.exit()).isEqualTo(2);
            assertThat(fresh.output()).contains("new replication ID");

            assertThat(run("redis_backup.sh", "-p", lp).exit()).isEqualTo(64);

            Run forced = run("redis_backup.sh", "-p", lp, "-m", "127.0.0.1", "-P", String.valueOf(freshMaster.port),
                    "-f", "INSTANCE", "VI_1", "BACKUP", "90");
            assertThat(forced.exit()).as(forced.output()).isZero();
            assertThat(forced.output()).contains("FORCED", "now replicates from 127.0.0.1:" + freshMaster.port);
            try (Jedis j = local.client()) {
                assertThat(RedisServer.await(5000, () -> j.dbSize() == 1)).isTrue();
            }
            Run again = run("redis_backup.sh", "-p", lp, "-m", "127.0.0.1", "-P", String.valueOf(freshMaster.port));
            assertThat(again.exit()).isZero();
            assertThat(again.output()).contains("already replicates");
        }
    }

    @Test
    void backupScriptRejoinsAPromotedPeerWithoutForce() throws Exception {
        // Old master A (with data) rejoins B, which was promoted from A's history: partial resync.
        try (RedisServer a = RedisServer.start();
             RedisServer b = RedisServer.start("--replicaof", "127.0.0.1", "0")) {
            try (Jedis j = b.client()) {
                j.replicaof("127.0.0.1", a.port);
            }
            try (Jedis j = a.client()) {
                j.set("x", "1");
            }
            try (Jedis j = b.client()) {
                assertThat(RedisServer.await(5000, () -> j.dbSize() == 1 && j.info("replication").contains("master_link_status:up")))
                        .isTrue();
            }
            Run promote = run("redis_master.sh", "-p", String.valueOf(b.port));
            assertThat(promote.exit()).as(promote.output()).isZero();
            Run rejoin = run("redis_backup.sh", "-p", String.valueOf(a.port), "-m", "127.0.0.1", "-P", String.valueOf(b.port));
            assertThat(rejoin.exit()).as(rejoin.output()).isZero();
            assertThat(rejoin.output()).contains("promoted from our history");
            assertThat(role(a)).isEqualTo("slave");
        }
    }

    @Test
    void faultAndStopScriptsFenceAMasterOnly() throws Exception {
        try (RedisServer m = RedisServer.start();
             RedisServer r = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(m.port));
             Jedis client = m.client()) {
            client.set("a", "1");
            try (Jedis j = r.client()) {
                assertThat(RedisServer.await(5000, () -> j.dbSize() == 1)).isTrue();
            }
            Run onReplica = run("redis_fault.sh", "-p", String.valueOf(r.port));
            assertThat(onReplica.exit()).isZero();
            assertThat(onReplica.output()).contains("nothing to fence");

            assertThat(run("redis_stop.sh", "-p", String.valueOf(m.port), "INSTANCE", "VI_1", "FAULT", "0").exit()).isZero();
            assertThat(client.ping()).isEqualTo("PONG"); // STOP script ignored the FAULT state

            Run stop = run("redis_stop.sh", "-p", String.valueOf(m.port), "-d", "5000", "INSTANCE", "VI_1", "STOP", "0");
            assertThat(stop.exit()).as(stop.output()).isZero();
            assertThat(stop.output()).contains("redis_stop", "writes paused for 5000 ms", "1 client(s) disconnected");
            org.assertj.core.api.Assertions.assertThatThrownBy(client::ping).isInstanceOf(JedisException.class);
            try (Jedis w = new Jedis("127.0.0.1", m.port, 300)) {
                assertThat(w.get("a")).isEqualTo("1");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.set("a", "2")).isInstanceOf(JedisException.class);
            }
            // Hand-over: the replica is promoted, the fenced old master rejoins it (no force needed,
            // shared history) and the backup script lifts the write pause: a write now fails fast
            // with READONLY instead of hanging in the pause.
            assertThat(run("redis_master.sh", "-p", String.valueOf(r.port)).exit()).isZero();
            Run backup = run("redis_backup.sh", "-p", String.valueOf(m.port), "-m", "127.0.0.1", "-P",
                    String.valueOf(r.port));
            assertThat(backup.exit()).as(backup.output()).isZero();
            try (Jedis w = new Jedis("127.0.0.1", m.port, 1000)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.set("a", "2"))
                        .isInstanceOf(redis.clients.jedis.exceptions.JedisDataException.class)
                        .hasMessageContaining("READONLY");
            }
            assertThat(role(m)).isEqualTo("slave");
            // And the fault script fences the new master.
            Run fault = run("redis_fault.sh", "-p", String.valueOf(r.port), "-d", "3000");
            assertThat(fault.exit()).isZero();
            assertThat(fault.output()).contains("redis_fault", "fenced");
        }
    }
}
