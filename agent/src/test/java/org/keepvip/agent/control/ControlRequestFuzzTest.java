package org.keepvip.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the control socket's request parsing and dispatch: any line
 * gets one answer, ok or a named error, and only a well-formed request reaches the daemon. As a
 * plain test it replays the committed inputs in {@code ControlRequestFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1} fuzzes (docs/testing.md).
 */
class ControlRequestFuzzTest {
    private static final AtomicInteger RELOADS = new AtomicInteger();
    private static final AtomicInteger SWITCHOVERS = new AtomicInteger();
    private static Path dir;
    private static ControlServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kvt-ctl-fuzz");
        server = ControlServer.start(dir.resolve("keepvip.sock"), new ControlHandler() {
            @Override
            public StatusSnapshot status() {
                return Snapshots.sample();
            }

            @Override
            public ControlResponse reload() {
                RELOADS.incrementAndGet();
                return ControlResponse.ok("reloaded");
            }

            @Override
            public ControlResponse switchover(String instance, String to) {
                assertThat(instance).as("a switchover reaches the daemon with its instance").isNotNull();
                SWITCHOVERS.incrementAndGet();
                return ControlResponse.ok("switchover " + instance);
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        Files.deleteIfExists(dir.resolve("keepvip.sock"));
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "5m")
    void anyLineGetsOneAnswer(byte[] input) {
        String line = new String(input, StandardCharsets.UTF_8);
        int reloads = RELOADS.get();
        int switchovers = SWITCHOVERS.get();

        ControlResponse r = server.dispatch(line);

        String json = Json.LINE.toJson(r);
        assertThat(json).as("the answer is one line").doesNotContain("\n");
        if (!r.ok()) {
            assertThat(r.error()).as("an error says what was wrong").isNotBlank();
        }
        int calls = (RELOADS.get() - reloads) + (SWITCHOVERS.get() - switchovers);
        assertThat(calls).as("at most one command ran").isLessThanOrEqualTo(1);
        if (calls == 1) {
            assertThat(line).as("only a request naming its command runs it").contains("\"cmd\"");
        }
    }
}
