package org.keepvip.netlink;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not a check (off unless {@code -Dkeepvip.probe=vip-batch}): N VIPs (half IPv4 /32,
 * half IPv6 /128, as bench-scale's instances) added and deleted one request at a time ({@link
 * NetlinkClient#addAddress}, {@link NetlinkClient#deleteAddress}) and as batches ({@link
 * NetlinkClient#addAddresses}, {@link NetlinkClient#deleteAddresses}), interleaved A/B over rounds
 * (alternating which goes first) in a throw-away namespace, after a warm-up; prints the medians of
 * wall time and of the thread's CPU time (which includes the kernel's work on the addresses).
 *
 * <pre>mvn -B -o -q test -pl netlink -Dtest=VipAddBatchProbe -Dkeepvip.probe=vip-batch \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dkeepvip.probe.n=1000 -Dkeepvip.probe.rounds=10]</pre>
 */
@EnabledIfSystemProperty(named = "keepvip.probe", matches = "vip-batch")
class VipAddBatchProbe {

    @Test
    void oneByOneAgainstBatched() throws Exception {
        TestNetns.assumeRoot();
        int n = Integer.getInteger("keepvip.probe.n", 1000);
        int rounds = Integer.getInteger("keepvip.probe.rounds", 10);
        try (TestNetns netns = new TestNetns()) {
            String ns = netns.create("probe");
            for (String dev : List.of("d0", "d1")) {
                TestNetns.ipIn(ns, "link", "add", dev, "type", "veth", "peer", "name", dev + "p");
                TestNetns.ipIn(ns, "link", "set", dev + "p", "up");
                TestNetns.ipIn(ns, "link", "set", dev, "up");
            }
            ExecutorService in = NetNamespace.newExecutor(ns);
            try {
                String report = in.submit(() -> measure(n, rounds)).get(10, TimeUnit.MINUTES);
                System.out.println(report);
            } finally {
                in.shutdownNow();
            }
        }
    }

    private static String measure(int n, int rounds) throws Exception {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        try (NetlinkClient c = NetlinkClient.open()) {
            int d0 = c.link("d0").orElseThrow().ifindex();
            int d1 = c.link("d1").orElseThrow().ifindex();
            List<VipSpec> vips = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                vips.add(i % 2 == 0
                        ? VipSpec.of(InetAddress.getByAddress(new byte[] {(byte) 198, 51, (byte) (100 + i / 500), (byte) (1 + i / 2 % 250)}), 32, "d0").withIfindex(d0)
                        : VipSpec.of(InetAddress.getByName("2001:db8:7::" + Integer.toHexString(i)), 128, "d1")
                                .withIfindex(d1).withNodad(true));
            }
            for (int w = 0; w < 3; w++) { // warm-up both paths (C2 may kick in; the daemon runs C1)
                oneByOne(c, vips);
                clear(c, vips);
                assertThat(c.addAddresses(vips)).allMatch(AddressResult::changed);
                assertThat(c.deleteAddresses(vips)).allMatch(AddressResult::changed);
            }
            long[][] wall = new long[2][rounds];
            long[][] cpu = new long[2][rounds];
            long[][] delWall = new long[2][rounds];
            long[][] delCpu = new long[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 2; k++) {
                    int mode = (r + k) % 2; // alternate which goes first
                    long c0 = bean.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    if (mode == 0) {
                        oneByOne(c, vips);
                    } else {
                        assertThat(c.addAddresses(vips)).allMatch(AddressResult::changed);
                    }
                    wall[mode][r] = System.nanoTime() - t0;
                    cpu[mode][r] = bean.getCurrentThreadCpuTime() - c0;
                    c0 = bean.getCurrentThreadCpuTime();
                    t0 = System.nanoTime();
                    if (mode == 0) {
                        clear(c, vips);
                    } else {
                        assertThat(c.deleteAddresses(vips)).allMatch(AddressResult::changed);
                    }
                    delWall[mode][r] = System.nanoTime() - t0;
                    delCpu[mode][r] = bean.getCurrentThreadCpuTime() - c0;
                }
            }
            return String.format("VipAddBatchProbe: %d VIPs, %d rounds, batch size %d, load %s%n"
                    + "  one by one: wall median %.2f ms (min %.2f), thread CPU median %.2f ms%n"
                    + "  batched:    wall median %.2f ms (min %.2f), thread CPU median %.2f ms%n"
                    + "  ratio batched/one-by-one: wall %.2f, CPU %.2f%n"
                    + "  delete one by one: wall median %.2f ms, thread CPU median %.2f ms%n"
                    + "  delete batched:    wall median %.2f ms, thread CPU median %.2f ms%n"
                    + "  delete ratio batched/one-by-one: wall %.2f, CPU %.2f",
                    n, rounds, c.batchSize(), java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim(),
                    median(wall[0]) / 1e6, min(wall[0]) / 1e6, median(cpu[0]) / 1e6,
                    median(wall[1]) / 1e6, min(wall[1]) / 1e6, median(cpu[1]) / 1e6,
                    median(wall[1]) / median(wall[0]), median(cpu[1]) / median(cpu[0]),
                    median(delWall[0]) / 1e6, median(delCpu[0]) / 1e6, median(delWall[1]) / 1e6, median(delCpu[1]) / 1e6,
                    median(delWall[1]) / median(delWall[0]), median(delCpu[1]) / median(delCpu[0]));
        }
    }

    private static void oneByOne(NetlinkClient c, List<VipSpec> vips) throws NetlinkException {
        for (VipSpec v : vips) {
            assertThat(c.addAddress(v)).isTrue();
        }
    }

    private static void clear(NetlinkClient c, List<VipSpec> vips) throws NetlinkException {
        for (VipSpec v : vips) {
            c.deleteAddress(v);
        }
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static long min(long[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }
}
