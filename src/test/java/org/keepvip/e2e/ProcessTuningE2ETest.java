package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * vrrp_rt_priority, vrrp_rlimit_rttime, vrrp_no_swap, vrrp_cpu_affinity and vrrp_priority: keepvip's
 * VRRP threads (the event loop {@code vrrp} and the hook lanes {@code hooks-N}) end up scheduled as
 * keepalived 2.2.7's VRRP process is for the same global_defs, read back from the kernel (chrt,
 * /proc), with both daemons running side by side in one lab; the threads that do no VRRP work keep
 * the default policy. The one difference: keepvip's hard RLIMIT_RTTIME is at least 1 s (see
 * VrrpThreads).
 */
class ProcessTuningE2ETest {
    static final String VIP_A = "192.0.2.237";
    static final String VIP_B = "192.0.2.238";

    @BeforeAll
    static void prerequisites() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("keepalived", "chrt");
    }

    @Test
    void realTimePriorityLimitLockAndCpusMatchKeepalivedsVrrpProcess() throws Exception {
        String globals = "global_defs {\n    vrrp_rt_priority 30\n    vrrp_rlimit_rttime 20000\n    vrrp_no_swap\n"
                + "    vrrp_cpu_affinity 0\n}\n";
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Agents.Keepvip kv = Agents.keepvip(lab, lab.node("a"), "kv", globals + Configs.v2Multicast(71, 150, VIP_A, false));
            long keepalived = startKeepalived(lab, lab.node("b"), globals + Configs.v2Multicast(72, 150, VIP_B, false));
            Agents.awaitHolder(lab, VIP_A, lab.node("a"), Duration.ofSeconds(15));
            Agents.awaitHolder(lab, VIP_B, lab.node("b"), Duration.ofSeconds(15));

            long pid = kv.process().pid();
            Map<String, Integer> threads = threadIds(pid);
            String theirs = chrt(lab, keepalived);
            System.out.println("[tuning] keepalived VRRP process " + keepalived + ": " + theirs.replace('\n', ' '));
            assertThat(theirs).contains("SCHED_RR|SCHED_RESET_ON_FORK").contains("priority: 30");
            for (String name : List.of("vrrp", "hooks-1", "hooks-2")) {
                assertThat(threads).as("threads of keepvip").containsKey(name);
                String ours = chrt(lab, threads.get(name));
                System.out.println("[tuning] keepvip thread " + name + ": " + ours.replace('\n', ' '));
                assertThat(ours).as(name).isEqualTo(theirs.replace("pid " + keepalived + "'s", "pid " + threads.get(name) + "'s"));
                assertThat(status(pid, threads.get(name)).get("Cpus_allowed_list")).as(name + "'s CPUs")
                        .isEqualTo(status(keepalived, (int) keepalived).get("Cpus_allowed_list")).isEqualTo("0");
            }
            assertThat(chrt(lab, threads.get("main"))).as("a thread with no VRRP work").contains("SCHED_OTHER");
            assertThat(rtLimit(keepalived)).as("keepalived's RLIMIT_RTTIME, soft and hard (µs)").isEqualTo("10000 20000");
            // The kernel raises the soft limit by 1 s each time it sends SIGXCPU
            // (kernel/time/posix-cpu-timers.c, check_thread_timers), so a thread that once ran 10 ms
            // of real-time CPU without sleeping (a loaded machine at start) leaves it at 10000 + k s.
            List<Long> limits = Arrays.stream(rtLimit(pid).split(" ")).map(Long::parseLong).toList();
            assertThat(limits.get(1)).as("keepvip's hard limit: no lower than 1 s").isEqualTo(1_000_000L);
            assertThat((limits.get(0) - 10_000) % 1_000_000).as("keepvip's soft limit %d: keepalived's, plus whole seconds",
                    limits.get(0)).isZero();
            if (limits.get(0) != 10_000) {
                Await.until(Duration.ofSeconds(5), "a raised soft limit follows a SIGXCPU, logged",
                        () -> kv.process().output().contains("VRRP process has used too much CPU time"));
            }
            assertThat(kib(status(pid, (int) pid).get("VmLck"))).as("keepvip's locked memory").isPositive();
            assertThat(kib(status(keepalived, (int) keepalived).get("VmLck"))).as("keepalived's locked memory").isPositive();
            assertThat(kv.process().output()).contains("Process locked in memory (vrrp_no_swap)")
                    .doesNotContain("cannot raise priority").doesNotContain("\tat ");
        }
    }

    @Test
    void niceValueMatchesKeepalivedsVrrpProcess() throws Exception {
        String globals = "global_defs {\n    vrrp_priority -7\n}\n";
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Agents.Keepvip kv = Agents.keepvip(lab, lab.node("a"), "kv", globals + Configs.v2Multicast(73, 150, VIP_A, false));
            long keepalived = startKeepalived(lab, lab.node("b"), globals + Configs.v2Multicast(74, 150, VIP_B, false));
            Agents.awaitHolder(lab, VIP_A, lab.node("a"), Duration.ofSeconds(15));
            // keepalived writes its pid file before it sets its priority: read it once it runs VRRP.
            Agents.awaitHolder(lab, VIP_B, lab.node("b"), Duration.ofSeconds(15));
            long pid = kv.process().pid();
            Map<String, Integer> threads = threadIds(pid);
            assertThat(nice(keepalived, (int) keepalived)).as("keepalived's VRRP process").isEqualTo(-7);
            assertThat(nice(pid, threads.get("vrrp"))).as("keepvip's loop").isEqualTo(-7);
            assertThat(nice(pid, threads.get("hooks-1"))).as("keepvip's first lane").isEqualTo(-7);
            assertThat(nice(pid, threads.get("main"))).as("a thread with no VRRP work").isZero();
        }
    }

    @Test
    void aLateTimerRaisesThePriorityAsKeepalivedsDoes() throws Exception {
        // min_auto_priority_delay 0.25 s: only the stop below makes a timer that late. At 20 ms, a timer
        // made late by a loaded machine can raise either daemon before the stop ("before any late timer").
        String globals = "global_defs {\n    max_auto_priority 5\n    min_auto_priority_delay 250000\n}\n";
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Agents.Keepvip kv = Agents.keepvip(lab, lab.node("a"), "kv", globals + Configs.v2Multicast(75, 150, VIP_A, false));
            long keepalived = startKeepalived(lab, lab.node("b"), globals + Configs.v2Multicast(76, 150, VIP_B, false));
            Agents.awaitHolder(lab, VIP_A, lab.node("a"), Duration.ofSeconds(15));
            Agents.awaitHolder(lab, VIP_B, lab.node("b"), Duration.ofSeconds(15));
            long pid = kv.process().pid();
            Map<String, Integer> threads = threadIds(pid);
            assertThat(chrt(lab, threads.get("vrrp"))).as("before any late timer").contains("SCHED_OTHER");
            assertThat(chrt(lab, keepalived)).as("keepalived before any late timer").contains("SCHED_OTHER");

            // Both stopped for 1.5 s, longer than their advert interval (1 s), so that an advert timer
            // falls due during the stop and fires at least 0.5 s (2 × min_auto_priority_delay) late.
            java.time.LocalTime stoppedAt = java.time.LocalTime.now();
            for (long p : List.of(pid, keepalived)) {
                assertThat(lab.exec(lab.node("a"), "kill", "-STOP", Long.toString(p)).exitCode()).isZero();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(1500).toNanos()); // the stall itself
            for (long p : List.of(pid, keepalived)) {
                assertThat(lab.exec(lab.node("a"), "kill", "-CONT", Long.toString(p)).exitCode()).isZero();
            }
            java.time.LocalTime resumedAt = java.time.LocalTime.now();
            try {
                Await.until(Duration.ofSeconds(10), "keepvip's priority raised",
                        () -> kv.process().output().contains("Set realtime priority 1"));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; stopped " + stoppedAt + " to " + resumedAt
                        + "; keepvip's log:\n" + kv.process().output(), e);
            }
            Await.until(Duration.ofSeconds(10), "keepalived's priority raised",
                    () -> Agents.read(lab.tempDir().resolve("keepalived.log")).contains("Set realtime priority 1"));
            // One stop can make timers late in more than one turn (keepalived was seen at 2): each
            // late turn raises one step, up to max_auto_priority.
            String theirs = chrt(lab, keepalived);
            System.out.println("[tuning] after the stall, keepalived: " + theirs.replace('\n', ' '));
            assertThat(theirs).contains("SCHED_RR|SCHED_RESET_ON_FORK");
            assertThat(rtPriority(theirs)).as("keepalived's raised priority").isBetween(1, 5);
            int ourPriority = -1;
            for (String name : List.of("vrrp", "hooks-1", "hooks-2")) {
                String ours = chrt(lab, threads.get(name));
                System.out.println("[tuning] after the stall, keepvip " + name + ": " + ours.replace('\n', ' '));
                assertThat(ours).as(name).contains("SCHED_RR|SCHED_RESET_ON_FORK");
                assertThat(rtPriority(ours)).as(name + "'s raised priority").isBetween(1, 5);
                assertThat(ourPriority == -1 || rtPriority(ours) == ourPriority).as("every VRRP thread alike").isTrue();
                ourPriority = rtPriority(ours);
            }
            assertThat(kv.process().output()).containsPattern("A thread timer expired [01]\\.\\d{6} seconds ago");
            assertThat(Agents.read(lab.tempDir().resolve("keepalived.log")))
                    .containsPattern("A thread timer expired [01]\\.\\d{6} seconds ago");
        }
    }

    /** The priority in {@code chrt -p}'s output. */
    private static int rtPriority(String chrt) {
        return Integer.parseInt(chrt.substring(chrt.lastIndexOf(':') + 1).strip());
    }

    /** keepalived's VRRP child, once its pid file is written. */
    private static long startKeepalived(Lab lab, Node node, String config) {
        Agents.keepalived(lab, node, "keepalived", config);
        Path pidFile = lab.tempDir().resolve("keepalived-vrrp.pid");
        Await.until(Duration.ofSeconds(10), "keepalived's VRRP pid file", () -> Files.exists(pidFile)
                && !Agents.read(pidFile).isBlank());
        return Long.parseLong(Agents.read(pidFile).strip());
    }

    /** Thread name → id, first of each name (the JVM's main thread is "java" in comm; "main" by Java). */
    private static Map<String, Integer> threadIds(long pid) throws Exception {
        Await.until(Duration.ofSeconds(10), "keepvip's lane threads", () -> names(pid).containsKey("hooks-2"));
        return names(pid);
    }

    private static Map<String, Integer> names(long pid) {
        try (var dirs = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return dirs.collect(Collectors.toMap(d -> {
                String comm = Agents.read(d.resolve("comm")).strip();
                return comm.equals("java") ? "main" : comm;
            }, d -> Integer.parseInt(d.getFileName().toString()), (x, y) -> Math.min(x, y)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String chrt(Lab lab, long tid) {
        CommandResult r = lab.exec(lab.node("a"), "chrt", "-p", Long.toString(tid));
        assertThat(r.exitCode()).as("chrt -p " + tid + ": " + r.stderr()).isZero();
        return r.stdout().strip();
    }

    /** /proc/PID/task/TID/status as key → value. */
    private static Map<String, String> status(long pid, int tid) {
        return Agents.read(Path.of("/proc/" + pid + "/task/" + tid + "/status")).lines().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).strip(),
                        (x, y) -> x));
    }

    private static long kib(String value) {
        return Long.parseLong(value.replace("kB", "").strip());
    }

    /** "SOFT HARD" of "Max realtime timeout" in /proc/PID/limits. */
    private static String rtLimit(long pid) {
        String line = Agents.read(Path.of("/proc/" + pid + "/limits")).lines()
                .filter(l -> l.startsWith("Max realtime timeout")).findFirst().orElseThrow();
        List<String> f = List.of(line.substring("Max realtime timeout".length()).strip().split("\\s+"));
        return f.get(0) + " " + f.get(1);
    }

    /** The nice value, field 19 of /proc/PID/task/TID/stat. */
    private static int nice(long pid, int tid) {
        String stat = Agents.read(Path.of("/proc/" + pid + "/task/" + tid + "/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[19 - 3]);
    }
}
