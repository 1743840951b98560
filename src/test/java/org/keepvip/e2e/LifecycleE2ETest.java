package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/** SIGTERM hand-off in skew time, and a killed daemon's VIP removed at restart. */
class LifecycleE2ETest {
    static final String VIP = "192.0.2.201";

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    @Test
    void sigtermHandsOverWithinSkewTimeAndKillNineLeavesVipUntilRestart() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", Configs.v2Multicast(53, 150, VIP, false));
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", Configs.v2Multicast(53, 100, VIP, false));
            awaitHolder(lab, VIP, a, Duration.ofSeconds(8), a, b);

            long t0 = System.nanoTime();
            ka.process().signal("TERM");
            awaitHolder(lab, VIP, b, Duration.ofSeconds(3), a, b);
            long handOffMs = (System.nanoTime() - t0) / 1_000_000;
            // Priority 0 makes b wait only its skew, (256-100)/256 s = 0.61 s, not the 3.61 s down timer.
            assertThat(handOffMs).as("hand-off after SIGTERM, ms").isLessThan(2500);
            assertThat(ka.process().awaitExit(Duration.ofSeconds(3))).as("exit status").isZero();
            assertThat(kb.instance().stats().priorityZeroReceived()).isGreaterThanOrEqualTo(1);
            assertThat(Agents.read(ka.process().log())).contains("(VI_1) Stopped");

            // kill -9 leaves the VIP configured, as keepalived does…
            kb.process().signal("KILL");
            kb.process().awaitExit(Duration.ofSeconds(3));
            assertThat(Agents.holds(lab, b, VIP)).isTrue();
            // …and the next start removes it before anything else, then wins the election again.
            Agents.Keepvip again = Agents.keepvip(lab, b, "kvb2", Configs.v2Multicast(53, 100, VIP, false));
            // Logged before the control socket opens, but written by the log's writer thread: awaited.
            assertThat(again.process().awaitOutput("(VI_1) removing VIPs.")).contains("(VI_1) removing VIPs.");
            Await.until(Duration.ofSeconds(5), "stale VIP removed at start", () -> !Agents.holds(lab, b, VIP)
                    || again.state().orElse("").equals("MASTER"));
            assertThat(again.state()).contains("BACKUP");
            awaitHolder(lab, VIP, b, Duration.ofSeconds(8), a, b);
        }
    }

    /** keepalived's -V (--dont-release-vrrp) from a DAEMON_ARGS line, with -d and the -p and -r pid files. */
    @Test
    void sigtermWithDashVLeavesTheVipAndSendsNoPriorityZero() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            java.nio.file.Path pid = lab.tempDir().resolve("kva.pid");
            java.nio.file.Path vrrpPid = lab.tempDir().resolve("kva-vrrp.pid");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", Configs.v2Multicast(57, 150, VIP, false),
                    "-D", "-d", "-V", "-n", "-P", "-p", pid.toString(), "-r", vrrpPid.toString());
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", Configs.v2Multicast(57, 100, VIP, false));
            awaitHolder(lab, VIP, a, Duration.ofSeconds(8), a, b);
            String daemonPid = java.nio.file.Files.readString(pid).strip();
            assertThat(daemonPid).matches("\\d+");
            assertThat(java.nio.file.Files.readString(vrrpPid).strip()).isEqualTo(daemonPid);

            ka.process().signal("TERM");
            assertThat(ka.process().awaitExit(Duration.ofSeconds(3))).as("exit status").isZero();
            assertThat(Agents.holds(lab, a, VIP)).as("the VIP stays after the daemon exits").isTrue();
            assertThat(kb.instance().stats().priorityZeroReceived()).as("no priority-0 advert").isZero();
            String log = Agents.read(ka.process().log());
            assertThat(log).contains("Stopping without releasing the VIPs (--dont-release-vrrp)", "(VI_1) Stopped");
            // -d: the effective configuration, defaults applied, at start.
            assertThat(log).contains("Configuration (" + ka.config() + "):", "vrrp_instance VI_1 {",
                    "virtual_router_id 57");
            assertThat(pid).doesNotExist();
            assertThat(vrrpPid).doesNotExist();
        }
    }

    @Test
    void sighupAddsNewVipWithoutFlappingTheOldAndRejectsABrokenConfig() throws Exception {
        String vip2 = "192.0.2.203";
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", Configs.v2Multicast(55, 150, VIP, false));
            Await.until(Duration.ofSeconds(8), "a MASTER with the VIP", () -> Agents.holds(lab, a, VIP));
            var monitor = lab.start(a, "ipmon", "ip", "-o", "monitor", "address");
            Await.until(Duration.ofSeconds(3), "ip monitor running", monitor::isAlive);

            java.nio.file.Files.writeString(ka.config(), Configs.v2Multicast(55, 150, VIP, false)
                    .replace(VIP + "/24", VIP + "/24\n        " + vip2 + "/24"));
            ka.process().signal("HUP");
            Await.until(Duration.ofSeconds(5), "new VIP added by the reload", () -> Agents.holds(lab, a, vip2));
            assertThat(Agents.holds(lab, a, VIP)).isTrue();
            // Awaited: the new VIP can be seen before keepvip's log writer has written the summary.
            String log = ka.process().awaitOutput("Reloaded configuration: 1 kept, 0 added, 0 replaced, 0 removed");
            assertThat(log).contains("Reloaded configuration: 1 kept, 0 added, 0 replaced, 0 removed");
            assertThat(log.split("Entering MASTER STATE", -1)).as("no new transition").hasSize(2);
            assertThat(Agents.read(monitor.log())).as("the old VIP never left")
                    .doesNotContain("Deleted").contains(vip2);

            java.nio.file.Files.writeString(ka.config(), "vrrp_instance VI_1 {\n  priority 0\n");
            ka.process().signal("HUP");
            Await.until(Duration.ofSeconds(5), "broken reload rejected",
                    () -> Agents.read(ka.process().log()).contains("Reload rejected, running configuration kept"));
            assertThat(ka.state()).contains("MASTER");
            assertThat(Agents.holds(lab, a, VIP)).isTrue();
            assertThat(Agents.holds(lab, a, vip2)).isTrue();
        }
    }
}
