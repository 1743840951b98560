package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * startup_script runs before any instance starts, shutdown_script after the VIPs are released;
 * each sees the node's addresses at its moment, recorded by the script itself.
 */
class DaemonScriptsE2ETest {
    static final String VIP = "192.0.2.231";

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    private static String config(String globals) {
        return "global_defs {\n    script_user root\n" + globals + "}\n"
                + Configs.v2Multicast(61, 150, VIP, false);
    }

    @Test
    void startupRunsBeforeTheVipIsAddedAndShutdownAfterItIsReleased() throws Exception {
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            Path up = lab.tempDir().resolve("up.txt");
            Path down = lab.tempDir().resolve("down.txt");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", config(
                    "    startup_script \"/usr/bin/sh -c 'ip -o addr show > " + up + "; echo done >> " + up + "'\"\n"
                    + "    startup_script_timeout 5\n"
                    + "    shutdown_script \"/usr/bin/sh -c 'ip -o addr show > " + down + "; echo done >> " + down + "'\"\n"));
            // The control socket answers only after the startup script finished.
            assertThat(Agents.read(up)).as("the startup script ran to its end before start-up went on")
                    .contains("done", "eth0").doesNotContain(VIP);
            Await.until(Duration.ofSeconds(8), "a MASTER with the VIP", () -> Agents.holds(lab, a, VIP));
            assertThat(down).doesNotExist();

            ka.process().signal("TERM");
            assertThat(ka.process().awaitExit(Duration.ofSeconds(15))).as("exit status").isZero();
            assertThat(Agents.read(down)).as("the shutdown script saw the VIP released")
                    .contains("done", "eth0").doesNotContain(VIP);
            String log = Agents.read(ka.process().log());
            assertThat(log).contains("startup script succeeded", "shutdown script succeeded");
            assertThat(log.indexOf("startup script succeeded")).isLessThan(log.indexOf("Entering MASTER STATE"));
        }
    }

    @Test
    void aStartupScriptThatOutlivesItsTimeoutIsKilledAndTheDaemonStartsAnyway() throws Exception {
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            // A sleep no other process on this machine runs: its presence is this script's.
            String sleep = "60." + (100_000 + new java.util.Random().nextInt(900_000));
            long t0 = System.nanoTime();
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", config(
                    "    startup_script \"/usr/bin/sleep " + sleep + "\"\n    startup_script_timeout 1\n"));
            long startedMs = (System.nanoTime() - t0) / 1_000_000;
            Await.until(Duration.ofSeconds(8), "a MASTER with the VIP", () -> Agents.holds(lab, a, VIP));
            String log = ka.process().awaitOutput("startup script timed out"); // async log writer
            assertThat(log).contains("startup script timed out");
            assertThat(startedMs).as("start-up waited for the timeout, not for the script").isLessThan(15_000);
            assertThat(ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(sleep)))
                    .as("the timed-out script was killed").isFalse();
            ka.process().signal("TERM");
            assertThat(ka.process().awaitExit(Duration.ofSeconds(15))).isZero();
        }
    }
}
