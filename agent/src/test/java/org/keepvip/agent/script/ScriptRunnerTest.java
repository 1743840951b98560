package org.keepvip.agent.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.keepvip.agent.script.ScriptTesting.await;
import static org.keepvip.agent.script.ScriptTesting.processExists;
import static org.keepvip.agent.script.ScriptTesting.readPid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptRunnerTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    private ScriptRunner runner;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        runner = new ScriptRunner(2, Duration.ofMillis(500));
        dir = Files.createTempDirectory("kvt-script");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            runner.close();
        } finally {
            ScriptTesting.deleteTree(dir);
        }
    }

    private static ScriptCommand sh(String script) {
        return ScriptCommand.of("test", List.of("/bin/sh", "-c", script));
    }

    private ScriptResult get(CompletableFuture<ScriptResult> f) throws Exception {
        return f.get(15, TimeUnit.SECONDS);
    }

    @Test
    void exitStatusIsReported() throws Exception {
        assertThat(get(runner.run(sh("exit 0"), LONG))).satisfies(r -> assertThat(r.ok()).isTrue());
        ScriptResult r = get(runner.run(sh("exit 3"), LONG));
        assertThat(r).isInstanceOf(ScriptResult.Exited.class);
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.ok()).isFalse();
        assertThat(r.describe()).isEqualTo("exited with status 3");
    }

    @Test
    void outcomesCountRunsFailuresAndTimeoutsPerScript() throws Exception {
        get(runner.run(ScriptCommand.of("chk", List.of("/bin/sh", "-c", "exit 0")), LONG));
        get(runner.run(ScriptCommand.of("chk", List.of("/bin/sh", "-c", "exit 1")), LONG));
        get(runner.run(ScriptCommand.of("slow", List.of("/bin/sh", "-c", "sleep 5")), Duration.ofMillis(100)));
        get(runner.run(ScriptCommand.of("gone", List.of(dir.resolve("nope").toString())), LONG));
        // Counted as each result completes, which may be just after get() returned.
        assertThat(await(5000, () -> runner.outcomes().size() == 3
                && runner.outcomes().get("gone")[1] == 1 && runner.outcomes().get("slow")[2] == 1)).isTrue();
        assertThat(runner.outcomes().get("chk")).containsExactly(2, 1, 0);
        assertThat(runner.outcomes().get("slow")).containsExactly(1, 0, 1);
        assertThat(runner.outcomes().get("gone")).containsExactly(1, 1, 0);
    }

    @Test
    void deathBySignalIsReported() throws Exception {
        ScriptResult r = get(runner.run(sh("kill -USR1 $$"), LONG));
        assertThat(r).isEqualTo(new ScriptResult.Signalled(10, ((ScriptResult.Signalled) r).elapsed()));
        assertThat(r.ok()).isFalse();
    }

    @Test
    void missingCommandFailsWithExecStatus() throws Exception {
        ScriptResult r = get(runner.run(ScriptCommand.of("x", List.of(dir.resolve("nope").toString())), LONG));
        assertThat(r.ok()).isFalse();
        assertThat(r.code()).isEqualTo(127);
    }

    @Test
    void argvIsPassedWithoutAShell() throws Exception {
        Path out = dir.resolve("args");
        ScriptCommand cmd = ScriptCommand.of("args",
                List.of("/bin/sh", "-c", "printf '%s|' \"$@\" > " + out, "sh", "a b", "$HOME", "*"));
        assertThat(get(runner.run(cmd, LONG)).ok()).isTrue();
        assertThat(Files.readString(out)).isEqualTo("a b|$HOME|*|");
    }

    @Test
    void runsInItsOwnProcessGroupWithStdioOnDevNull() throws Exception {
        Path out = dir.resolve("ids");
        ScriptResult r = get(runner.run(sh("ps -o pid=,pgid=,sid= -p $$ > " + out
                + "; readlink /proc/$$/fd/0 /proc/$$/fd/2 >> " + out + "; true"), LONG));
        assertThat(r.ok()).isTrue();
        List<String> lines = Files.readAllLines(out);
        String[] ids = lines.get(0).trim().split("\\s+");
        assertThat(ids[1]).isEqualTo(ids[0]);
        assertThat(ids[2]).isEqualTo(ids[0]);
        assertThat(lines.subList(1, 3)).containsExactly("/dev/null", "/dev/null");
    }

    @Test
    void lotsOfOutputDoesNotBlock() throws Exception {
        ScriptResult r = get(runner.run(sh("head -c 2000000 /dev/zero; head -c 2000000 /dev/zero >&2"), LONG));
        assertThat(r.ok()).isTrue();
    }

    @Test
    void outputIsLoggedAtDebugLevel() throws Exception {
        try (LogCapture logs = new LogCapture(ScriptRunner.class, ch.qos.logback.classic.Level.DEBUG)) {
            assertThat(get(runner.run(ScriptCommand.of("chatty", List.of("/bin/sh", "-c", "echo out; echo err >&2")),
                    LONG)).ok()).isTrue();
            assertThat(await(2000, () -> logs.messages().contains("Script chatty output: out\nerr"))).isTrue();
        }
    }

    @Test
    void unsafeEnvironmentIsRemoved() {
        Map<String, String> env = new HashMap<>(Map.of("IFS", "x", "LD_PRELOAD", "/x.so",
                "LD_LIBRARY_PATH", "/x", "PATH", "/usr/bin"));
        ScriptRunner.sanitize(env);
        assertThat(env).containsOnlyKeys("PATH");
    }

    @Test
    void runDoesNotBlockTheCaller() throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<ScriptResult> f = runner.run(sh("sleep 1"), LONG);
        long callMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(callMs).isLessThan(500);
        assertThat(f.isDone()).isFalse();
        assertThat(get(f).ok()).isTrue();
    }

    @Test
    void hungScriptAndItsForkedChildAreKilled() throws Exception {
        Path pidFile = dir.resolve("child");
        long t0 = System.nanoTime();
        CompletableFuture<ScriptResult> f = runner.run(
                sh("sleep 60 & echo $! > " + pidFile + "; wait"), Duration.ofMillis(300));
        long child = readPid(pidFile);
        assertThat(processExists(child)).isTrue();
        ScriptResult r = get(f);
        assertThat(r).isEqualTo(new ScriptResult.TimedOut(Duration.ofMillis(300)));
        assertThat(r.ok()).isFalse();
        assertThat(await(3000, () -> !processExists(child))).as("forked child killed").isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(300);
    }

    @Test
    void scriptIgnoringSigtermGetsSigkillAfterTheGrace() throws Exception {
        Path pidFile = dir.resolve("child");
        CompletableFuture<ScriptResult> f = runner.run(
                sh("trap '' TERM; sleep 60 & echo $! > " + pidFile + "; while :; do sleep 1; done"),
                Duration.ofMillis(200));
        long child = readPid(pidFile);
        long t0 = System.nanoTime();
        ScriptResult r = get(f);
        long afterTimeoutMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r).isInstanceOf(ScriptResult.TimedOut.class);
        // SIGTERM was ignored, so only the SIGKILL after the 500 ms grace ended it.
        assertThat(afterTimeoutMs).isGreaterThanOrEqualTo(500);
        assertThat(processExists(child)).isFalse();
    }

    @Test
    void spawnedScriptIsTerminatedWithItsGroup() throws Exception {
        Path pidFile = dir.resolve("child");
        RunningScript rs = runner.spawn(sh("sleep 60 & echo $! > " + pidFile + "; wait"));
        long child = readPid(pidFile);
        assertThat(runner.running()).contains(rs);
        rs.terminate(Duration.ofMillis(500)).get(5, TimeUnit.SECONDS);
        assertThat(rs.isAlive()).isFalse();
        assertThat(await(2000, () -> !processExists(child))).isTrue();
        assertThat(rs.onExit().get(2, TimeUnit.SECONDS)).isInstanceOf(ScriptResult.Signalled.class);
    }

    @Test
    void closeKillsRunningScripts() throws Exception {
        Path pidFile = dir.resolve("child");
        CompletableFuture<ScriptResult> f = runner.run(sh("sleep 60 & echo $! > " + pidFile + "; wait"), LONG);
        long child = readPid(pidFile);
        runner.close();
        assertThat(processExists(child)).isFalse();
        assertThat(await(2000, f::isDone)).isTrue();
    }

    @Test
    void runsAsTheConfiguredUserWithoutSupplementaryGroups() throws Exception {
        assumeTrue(ScriptTesting.isRoot(), "needs root to switch user");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        RunAs nobody = RunAs.resolve("nobody", Optional.empty());
        Path out = dir.resolve("id");
        ScriptCommand cmd = new ScriptCommand("id", List.of("/bin/sh", "-c",
                "echo $(id -u) $(id -g) $(id -G) > " + out), Optional.of(nobody));
        assertThat(get(runner.run(cmd, LONG)).ok()).isTrue();
        assertThat(Files.readString(out).trim())
                .isEqualTo(nobody.uid() + " " + nobody.gid() + " " + nobody.gid());
    }

    @Test
    void commandLineSwitchesUserOrDropsAmbientCapabilities() throws Exception {
        ScriptCommand plain = ScriptCommand.of("c", List.of("/x", "a"));
        assertThat(runner.commandLine(plain, 0, 0, 0)).containsExactly("/usr/bin/setsid", "/x", "a");
        ScriptCommand asNobody = new ScriptCommand("c", List.of("/x"), Optional.of(new RunAs("nobody", 65534, 65534, false)));
        assertThat(runner.commandLine(asNobody, 0, 0, 0)).containsExactly("/usr/bin/setsid", "/usr/bin/setpriv",
                "--reuid=65534", "--regid=65534", "--clear-groups", "--", "/x");
        ScriptCommand withGroups = new ScriptCommand("c", List.of("/x"), Optional.of(new RunAs("u", 7, 8, true)));
        assertThat(runner.commandLine(withGroups, 0, 0, 0)).contains("--init-groups");
        // Running as that user already: nothing to switch.
        assertThat(runner.commandLine(asNobody, 65534, 65534, 0)).containsExactly("/usr/bin/setsid", "/x");
        // Non-root keepvip with CAP_NET_RAW+CAP_NET_ADMIN in its ambient set: scripts do not get them.
        assertThat(runner.commandLine(plain, 1000, 1000, 0x3000)).containsExactly("/usr/bin/setsid",
                "/usr/bin/setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--", "/x", "a");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.commandLine(asNobody, 1000, 1000, 0))
                .hasMessage("cannot run as user nobody: keepvip is not running as root");
    }

    @Test
    void runAsResolvesUsersAndGroups() throws Exception {
        RunAs root = RunAs.resolve("root", Optional.empty());
        assertThat(root).isEqualTo(new RunAs("root", 0, 0, false));
        assertThat(root.isRoot()).isTrue();
        RunAs withGroup = RunAs.resolve("nobody", Optional.of(":root"));
        assertThat(withGroup.gid()).isZero();
        assertThat(withGroup.initGroups()).isTrue();
        assertThat(withGroup.isRoot()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunAs.resolve("no-such-user-kv", Optional.empty()))
                .isInstanceOf(RunAs.UnknownUserException.class)
                .hasMessage("user 'no-such-user-kv' does not exist");
    }
}
