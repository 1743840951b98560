package org.keepvip.agent.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.agent.script.ScriptTesting.processExists;
import static org.keepvip.agent.script.ScriptTesting.readPid;

import java.io.BufferedReader;
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotifyDispatcherTest {
    private ScriptRunner runner;
    private Path dir;
    private Path log;

    @BeforeEach
    void setUp() throws Exception {
        runner = new ScriptRunner(4, Duration.ofMillis(300));
        dir = Files.createTempDirectory("kvt-notify");
        log = dir.resolve("log");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            runner.close();
        } finally {
            ScriptTesting.deleteTree(dir);
        }
    }

    /** A script that logs "name start", sleeps, logs its arguments and "name end". */
    private ScriptCommand logging(String name, double sleep) {
        return ScriptCommand.of(name, List.of("/bin/sh", "-c",
                "echo " + name + " start >> " + log + "; sleep " + sleep + "; echo " + name
                        + " \"$@\" end >> " + log, "sh"));
    }

    @Test
    void scriptsRunOneAfterTheOtherWithKeepalivedsArguments() throws Exception {
        Path fifoPath = dir.resolve("fifo");
        try (NotifyFifo fifo = NotifyFifo.open(fifoPath, Optional.empty());
                BufferedReader in = new BufferedReader(new FileReader(fifoPath.toFile()))) {
            NotifyScripts scripts = new NotifyScripts(
                    Map.of(NotifyState.MASTER, logging("master", 1), NotifyState.BACKUP, logging("backup", 0.1)),
                    Optional.of(logging("notify", 0)));
            NotifyDispatcher d = new NotifyDispatcher(NotifyTarget.instance("VI_1"), scripts, runner,
                    Optional.of(fifo), Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            CompletableFuture<Void> first = d.notify(NotifyState.MASTER, 100);
            CompletableFuture<Void> second = d.notify(NotifyState.BACKUP, 90);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("caller not blocked").isLessThan(800);
            assertThat(first.isDone()).isFalse();
            second.get(10, TimeUnit.SECONDS);
            assertThat(first.isDone()).isTrue();
            assertThat(Files.readAllLines(log)).containsExactly(
                    "master start", "master end",
                    "notify start", "notify INSTANCE VI_1 MASTER 100 end",
                    "backup start", "backup end",
                    "notify start", "notify INSTANCE VI_1 BACKUP 90 end");
            assertThat(List.of(in.readLine(), in.readLine()))
                    .containsExactly("INSTANCE \"VI_1\" MASTER 100", "INSTANCE \"VI_1\" BACKUP 90");
        }
    }

    @Test
    void aHungScriptIsKilledAndTheNextOneStillRuns() throws Exception {
        Path pidFile = dir.resolve("child");
        ScriptCommand hung = ScriptCommand.of("notify_master", List.of("/bin/sh", "-c",
                "sleep 60 & echo $! > " + pidFile + "; wait"));
        NotifyDispatcher d = new NotifyDispatcher(NotifyTarget.instance("VI_1"),
                new NotifyScripts(Map.of(NotifyState.MASTER, hung), Optional.of(logging("notify", 0))),
                runner, Optional.empty(), Duration.ofMillis(300));
        CompletableFuture<Void> f = d.notify(NotifyState.MASTER, 100);
        long child = readPid(pidFile);
        f.get(10, TimeUnit.SECONDS);
        assertThat(processExists(child)).isFalse();
        assertThat(Files.readAllLines(log)).containsExactly("notify start", "notify INSTANCE VI_1 MASTER 100 end");
    }

    @Test
    void stopIsBoundedToOneSecond() throws Exception {
        NotifyDispatcher d = new NotifyDispatcher(NotifyTarget.instance("VI_1"),
                new NotifyScripts(Map.of(NotifyState.STOP, logging("stop", 60)), Optional.empty()),
                runner, Optional.empty(), Duration.ofSeconds(30));
        long t0 = System.nanoTime();
        d.notify(NotifyState.STOP, 100).get(10, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(1000L, 1000L + 300 + 3000);
        assertThat(Files.readAllLines(log)).containsExactly("stop start");
    }

    @Test
    void deletedWithoutNotifyDeletedReportsFaultAndGroupsReportPriorityZero() throws Exception {
        NotifyDispatcher d = new NotifyDispatcher(NotifyTarget.group("VG_1"),
                new NotifyScripts(Map.of(NotifyState.FAULT, logging("fault", 0)), Optional.of(logging("notify", 0))),
                runner, Optional.empty(), Duration.ofSeconds(5));
        d.notify(NotifyState.DELETED, 100).get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllLines(log)).containsExactly(
                "fault start", "fault end", "notify start", "notify GROUP VG_1 FAULT 0 end");
    }

    @Test
    void otherEventsQueueInOrderWithStates() throws Exception {
        Path fifoPath = dir.resolve("fifo");
        try (NotifyFifo fifo = NotifyFifo.open(fifoPath, Optional.empty());
                BufferedReader in = new BufferedReader(new FileReader(fifoPath.toFile()))) {
            NotifyDispatcher d = new NotifyDispatcher(NotifyTarget.instance("VI_1"),
                    new NotifyScripts(Map.of(NotifyState.MASTER, logging("master", 0.2)), Optional.empty()),
                    runner, Optional.of(fifo), Duration.ofSeconds(5));
            d.notify(NotifyState.MASTER, 100);
            d.event("MASTER_RX_LOWER_PRI", Optional.of(logging("rxlower", 0)), 100);
            d.event("MASTER_PRIORITY", Optional.empty(), 90).get(10, TimeUnit.SECONDS);
            assertThat(Files.readAllLines(log)).containsExactly(
                    "master start", "master end", "rxlower start", "rxlower end");
            assertThat(List.of(in.readLine(), in.readLine(), in.readLine())).containsExactly(
                    "INSTANCE \"VI_1\" MASTER 100", "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100",
                    "INSTANCE \"VI_1\" MASTER_PRIORITY 90");
        }
    }

    @Test
    void aScriptThatCannotStartDoesNotStopTheChain() throws Exception {
        NotifyDispatcher d = new NotifyDispatcher(NotifyTarget.instance("VI_1"),
                new NotifyScripts(Map.of(NotifyState.BACKUP, ScriptCommand.of("b", List.of(dir + "/missing"))),
                        Optional.of(logging("notify", 0))),
                runner, Optional.empty(), Duration.ofSeconds(5));
        d.notify(NotifyState.BACKUP, 50).get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllLines(log)).containsExactly("notify start", "notify INSTANCE VI_1 BACKUP 50 end");
    }
}
