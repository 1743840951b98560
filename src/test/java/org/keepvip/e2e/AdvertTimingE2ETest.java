package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * Adverts leave on time under load: a keepvip master at 50 ms adverts, its adverts
 * captured by tcpdump in another namespace with kernel nanosecond timestamps, first on an idle
 * machine and then with one busy-looping process per CPU. The gap distribution is printed; only a
 * loose sanity bound is asserted, because the machine is shared.
 */
class AdvertTimingE2ETest {
    static final String VIP = "192.0.2.220";
    static final String KEEPALIVED_VIP = "192.0.2.221";
    /** About 8 s of adverts at 50 ms per phase. */
    static final int ADVERTS = 160;
    /** A gap this long would let a priority-100 backup take over (master_down_interval ≈ 180 ms). */
    static final double MASTER_DOWN_MS = 3 * 50 + (256 - 100) * 50 / 256.0;

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("tcpdump");
    }

    @Test
    void advertsLeaveEvery50MsIdleAndUnderCpuLoad() throws Exception {
        Lab.Builder builder = Lab.builder().host("a").host("obs");
        boolean reference = LabAssumptions.onPath("keepalived");
        if (reference) {
            builder.host("k"); // keepalived at the same settings, measured alongside as a yardstick
        }
        try (Lab lab = builder.build()) {
            Node a = lab.node("a");
            Node obs = lab.node("obs");
            List<Node> masters = new ArrayList<>(List.of(a));
            Agents.Keepvip kva = Agents.keepvip(lab, a, "kva", config(74, VIP));
            if (reference) {
                Node k = lab.node("k");
                Agents.keepalived(lab, k, "kak", config(75, KEEPALIVED_VIP));
                masters.add(k);
                awaitHolder(lab, KEEPALIVED_VIP, k, Duration.ofSeconds(10), k);
            }
            awaitHolder(lab, VIP, a, Duration.ofSeconds(5), a);
            // The daemon moves its background threads once the loop runs, after the control socket
            // answers, and logs this line after: a busy machine can hold it off past the takeover.
            kva.process().awaitOutput("Starting VRRP child process");
            assertBackgroundThreadsCannotPreemptTheLoop(kva.process().pid());

            Map<Node, Capture> idle = capture(lab, obs, masters, "idle");
            print("no hogs", idle);

            int cpus = Runtime.getRuntime().availableProcessors();
            List<LabProcess> hogs = new ArrayList<>();
            for (int i = 0; i < cpus; i++) {
                hogs.add(lab.start(obs, "hog" + i, "sh", "-c", "while :; do :; done"));
            }
            Map<Node, Capture> loaded;
            try {
                loaded = capture(lab, obs, masters, "loaded");
            } finally {
                hogs.forEach(h -> h.stop(Duration.ofSeconds(1)));
            }
            print(cpus + " CPU hogs", loaded);

            // Loose on purpose: the machine is shared (CI, parallel builds); the figures are the result.
            assertThat(idle.get(a).leaving().median()).as("idle: median gap leaving (ms)").isBetween(40.0, 60.0);
            assertThat(idle.get(a).arriving().median()).as("idle: median gap arriving (ms)").isBetween(40.0, 60.0);
            assertThat(loaded.get(a).leaving().median()).as("loaded: median gap leaving (ms)").isBetween(40.0, 100.0);
            // A gap this long makes the backup take over: under load that is a spurious failover.
            // (Seen once: a starved SCHED_IDLE log writer held a safepoint, and the loop, for 0.8 s.)
            assertThat(loaded.get(a).leaving().max()).as("loaded: longest gap leaving (ms)").isLessThan(MASTER_DOWN_MS);
            assertThat(idle.get(a).leaving().max()).as("idle: longest gap leaving (ms)").isLessThan(MASTER_DOWN_MS);
        }
    }

    /**
     * The running daemon put the JIT, its log writers and its monitors in SCHED_BATCH, so that waking
     * up they cannot take the CPU of the event loop or a hook lane, which stay in the default policy.
     */
    private static void assertBackgroundThreadsCannotPreemptTheLoop(long pid) throws java.io.IOException {
        Map<String, List<Integer>> policies = new LinkedHashMap<>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", Long.toString(pid), "task"))) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                String stat;
                try {
                    stat = java.nio.file.Files.readString(task.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue;
                }
                // "tid (comm) state ...": comm may hold spaces; the policy is field 41.
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                policies.computeIfAbsent(name, k -> new ArrayList<>()).add(Integer.parseInt(rest[41 - 3]));
            }
        }
        System.out.println("[advert-timing] thread scheduling policies of keepvip (0 other, 3 batch, 5 idle): " + policies);
        final int other = 0;
        final int batch = 3;
        assertThat(policies.get("vrrp")).as("the event loop").containsOnly(other);
        assertThat(policies.get("C1 CompilerThre")).as("the JIT's C1 threads").isNotEmpty().containsOnly(batch);
        assertThat(policies.get("C2 CompilerThre")).as("the JIT's C2 threads").isNotEmpty().containsOnly(batch);
        assertThat(policies.get("AsyncAppender-W")).as("the log writers").isNotEmpty().containsOnly(batch);
        assertThat(policies.get("netlink-monitor")).as("the netlink monitor").containsOnly(batch);
        assertThat(policies.get("next-hop-resolv")).as("the next-hop resolver").containsOnly(batch);
        assertThat(policies.get("link-work")).as("the links made again").isNotEmpty().containsOnly(batch);
        policies.forEach((name, p) -> {
            if (name.startsWith("hooks-") || name.startsWith("vrrp-rx-")) {
                assertThat(p).as(name).containsOnly(other);
            }
        });
    }

    private static void print(String phase, Map<Node, Capture> captures) {
        System.out.println("[advert timing] " + phase + " (load average " + loadAverage() + ")");
        captures.forEach((node, c) -> {
            long late = Arrays.stream(c.leaving().sorted()).filter(g -> g >= MASTER_DOWN_MS).count();
            System.out.printf("  %s%s%n    gaps >= master_down_interval (%.1f ms): %d%n",
                    node.name().equals("k") ? "keepalived" : "keepvip", c, MASTER_DOWN_MS, late);
        });
    }

    /**
     * Captures {@link #ADVERTS} adverts of each master twice at once: leaving its interface (when the
     * daemon handed the frame to the kernel) and arriving at {@code observer} (what a backup sees,
     * after the kernel's own queueing).
     */
    static Map<Node, Capture> capture(Lab lab, Node observer, List<Node> masters, String phase) {
        Map<Node, LabProcess[]> running = new LinkedHashMap<>();
        for (Node m : masters) {
            String filter = "ip proto 112 and src host " + m.ipv4();
            running.put(m, new LabProcess[] {
                tcpdump(lab, m, phase + "-out-" + m.name(), "-Q", "out", filter),
                tcpdump(lab, observer, phase + "-in-" + m.name(), filter)});
        }
        Map<Node, Capture> out = new LinkedHashMap<>();
        running.forEach((m, pair) -> {
            for (LabProcess p : pair) {
                assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.label() + " exit (" + p.output() + ")").isZero();
            }
            out.put(m, new Capture(gaps(pair[0].output()), gaps(pair[1].output())));
        });
        return out;
    }

    private static LabProcess tcpdump(Lab lab, Node node, String label, String... filter) {
        List<String> argv = new ArrayList<>(List.of("tcpdump", "-i", "eth0", "-n", "-p", "-tt",
                "--time-stamp-precision=nano", "-c", Integer.toString(ADVERTS)));
        argv.addAll(Arrays.asList(filter));
        return lab.start(node, label, argv.toArray(String[]::new));
    }

    private static Gaps gaps(String tcpdumpOutput) {
        List<BigDecimal> stamps = tcpdumpOutput.lines().filter(l -> l.contains("VRRPv3"))
                .map(l -> new BigDecimal(l.substring(0, l.indexOf(' ')))).toList();
        assertThat(stamps).as("captured adverts").hasSize(ADVERTS);
        double[] gaps = new double[stamps.size() - 1];
        for (int i = 1; i < stamps.size(); i++) {
            gaps[i - 1] = stamps.get(i).subtract(stamps.get(i - 1)).doubleValue() * 1000;
        }
        return new Gaps(gaps);
    }

    /** The same stretch of adverts seen leaving the master and arriving at the observer. */
    record Capture(Gaps leaving, Gaps arriving) {
        @Override
        public String toString() {
            return "\n    leaving the master:  " + leaving + "\n    arriving elsewhere: " + arriving;
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static String config(int vrid, String vip) {
        return """
                vrrp_instance VI_T {
                    state BACKUP
                    interface eth0
                    version 3
                    virtual_router_id %d
                    priority 150
                    advert_int 0.05
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(vrid, vip);
    }

    /** Inter-advert gaps in ms, sorted. */
    record Gaps(double[] sorted) {
        Gaps {
            sorted = sorted.clone();
            Arrays.sort(sorted);
        }

        int count() {
            return sorted.length;
        }

        double min() {
            return sorted[0];
        }

        double max() {
            return sorted[sorted.length - 1];
        }

        double median() {
            return percentile(50);
        }

        /** Nearest-rank percentile. */
        double percentile(double p) {
            int rank = (int) Math.ceil(p / 100 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        @Override
        public String toString() {
            return String.format("%d gaps, min %.2f, median %.2f, p90 %.2f, p99 %.2f, max %.2f ms",
                    count(), min(), median(), percentile(90), percentile(99), max());
        }
    }
}
