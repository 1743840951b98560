package org.keepvip.agent.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.agent.script.ScriptTesting.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VrrpScriptTrackerTest {
    private ScriptRunner runner;
    private Path dir;
    private final List<ScriptRun> runs = new CopyOnWriteArrayList<>();
    private VrrpScriptTracker tracker;

    @BeforeEach
    void setUp() throws Exception {
        runner = new ScriptRunner(2, Duration.ofMillis(300));
        dir = Files.createTempDirectory("kvt-track");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (tracker != null) {
            tracker.close();
        }
        try {
            runner.close();
        } finally {
            ScriptTesting.deleteTree(dir);
        }
    }

    private VrrpScriptTracker track(String script, long intervalMs, long timeoutMs) {
        tracker = new VrrpScriptTracker(ScriptCommand.of("chk", List.of("/bin/sh", "-c", script)),
                Duration.ofMillis(intervalMs), Duration.ofMillis(timeoutMs), runner, runner.timer(), runs::add);
        tracker.start();
        return tracker;
    }

    @Test
    void defaultsFollowKeepalived() {
        VrrpScriptTracker t = new VrrpScriptTracker(ScriptCommand.of("x", List.of("/bin/true")),
                Duration.ZERO, Duration.ZERO, runner, runner.timer(), r -> { });
        assertThat(t.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void publishesEachRunAndFollowsTheExitCode() throws Exception {
        Path code = dir.resolve("code");
        Files.writeString(code, "0");
        track("exit $(cat " + code + ")", 50, 2000);
        assertThat(await(5000, () -> runs.size() >= 2)).isTrue();
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.script()).isEqualTo("chk");
            assertThat(r.ok()).isTrue();
        });
        Files.writeString(code, "2");
        assertThat(await(5000, () -> !runs.get(runs.size() - 1).ok())).isTrue();
        ScriptRun last = runs.get(runs.size() - 1);
        assertThat(last.result().code()).isEqualTo(2);
    }

    @Test
    void logsChangesInKeepalivedsWords() throws Exception {
        Path code = dir.resolve("code");
        Files.writeString(code, "0");
        try (LogCapture logs = new LogCapture(VrrpScriptTracker.class, ch.qos.logback.classic.Level.INFO)) {
            track("exit $(cat " + code + ")", 50, 2000);
            assertThat(await(5000, () -> runs.size() >= 3)).isTrue();
            Files.writeString(code, "7");
            assertThat(await(5000, () -> runs.get(runs.size() - 1).result().code() == 7)).isTrue();
            int seen = runs.size();
            assertThat(await(5000, () -> runs.size() >= seen + 2)).isTrue();
            tracker.close();
            // Logged once per change, not once per run.
            assertThat(logs.messages().stream().filter(m -> m.startsWith("Script ")))
                    .containsExactly("Script 'chk' now returning 0", "Script 'chk' now returning 7");
        }
    }

    @Test
    void aRunStillGoingIsNotDoubledUp() throws Exception {
        Path log = dir.resolve("log");
        // Each run takes ~300 ms while the interval is 50 ms.
        track("echo start >> " + log + "; sleep 0.3; echo end >> " + log, 50, 5000);
        try (LogCapture logs = new LogCapture(VrrpScriptTracker.class, ch.qos.logback.classic.Level.INFO)) {
            assertThat(await(5000, () -> runs.size() >= 3)).isTrue();
            assertThat(logs.messages()).contains("Track script chk is already running, expect idle - skipping run");
        }
        tracker.close();
        List<String> lines = Files.readAllLines(log);
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            assertThat(lines.subList(i, i + 2)).as("runs never overlap").containsExactly("start", "end");
        }
    }

    @Test
    void aHungScriptTimesOutAsAFailure() throws Exception {
        track("sleep 30", 1000, 200);
        assertThat(await(5000, () -> !runs.isEmpty())).isTrue();
        assertThat(runs.get(0).result()).isEqualTo(new ScriptResult.TimedOut(Duration.ofMillis(200)));
        assertThat(runs.get(0).ok()).isFalse();
    }

    @Test
    void aThrowingConsumerDoesNotStopTheTracker() throws Exception {
        tracker = new VrrpScriptTracker(ScriptCommand.of("chk", List.of("/bin/true")),
                Duration.ofMillis(50), Duration.ofSeconds(2), runner, runner.timer(), r -> {
                    runs.add(r);
                    throw new IllegalStateException("boom");
                });
        tracker.start();
        assertThat(await(5000, () -> runs.size() >= 3)).isTrue();
    }
}
