package org.keepvip.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.loop.Ports;
import org.keepvip.netlink.DroppingAnswers;
import org.keepvip.netlink.NetNamespace;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.TestNetns;
import org.keepvip.netlink.VipSpec;

/**
 * {@link NetlinkVips#addAll} and {@link NetlinkVips#removeAll} when the command socket fails
 * mid-batch, on real rtnetlink in a namespace made here: the kernel makes every change of the
 * datagram but drops the answers that do not fit its receive buffer (ENOBUFS). Only the VIPs left
 * without an answer go again one by one; one the kernel answered "deleted" counts as removed
 * (sent again, it would answer "not there" and be lost from the count).
 */
class NetlinkVipsBatchFailureTest {
    private static TestNetns netns;
    private static String ns;
    private static ExecutorService inNs;

    @BeforeAll
    static void lab() throws Exception {
        TestNetns.assumeRoot();
        netns = new TestNetns();
        ns = netns.create("vipfail");
        TestNetns.vethUp(ns, "d0");
        inNs = NetNamespace.newExecutor(ns);
    }

    @AfterAll
    static void cleanup() {
        if (inNs != null) {
            inNs.shutdownNow();
        }
        if (netns != null) {
            netns.close();
        }
    }

    private static <T> T inNs(Callable<T> task) throws Exception {
        return TestNetns.call(inNs, task, 60);
    }

    @Test
    void onlyTheUnansweredVipsGoAgainAndAnsweredDeletesCount() throws Exception {
        // Two instances' VIPs in one batch, more answers than the socket's buffer holds.
        List<List<VipSpec>> lists = new ArrayList<>();
        for (int list = 0; list < 2; list++) {
            List<VipSpec> vips = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                vips.add(VipSpec.of(InetAddress.getByName("2001:db8:9" + list + "::" + Integer.toHexString(i)), 128,
                        "d0"));
            }
            lists.add(vips);
        }
        record Outcome(List<IOException> addFailures, String afterAdd, List<Ports.Removal> removals) {}
        Outcome o = inNs(() -> {
            try (NetlinkClient c = DroppingAnswers.open(60)) {
                NetlinkVips vips = new NetlinkVips(c);
                List<IOException> failures = vips.addAll(lists);
                String shown = TestNetns.ipIn(ns, "-6", "-o", "addr", "show", "dev", "d0");
                return new Outcome(failures, shown, vips.removeAll(lists));
            }
        });
        assertThat(o.addFailures()).containsOnlyNulls();
        for (int list = 0; list < 2; list++) {
            for (int i = 1; i <= 30; i++) {
                assertThat(o.afterAdd()).contains(" 2001:db8:9" + list + "::" + Integer.toHexString(i) + "/128 ");
            }
        }
        assertThat(o.removals()).hasSize(2).allMatch(r -> r.failure() == null);
        int removed = o.removals().stream().mapToInt(r -> r.removed().size()).sum();
        // The kernel answered a few deletes before the buffer filled: those count. The rest were
        // deleted too, but their answers were dropped and a second delete finds nothing there.
        assertThat(removed).as("VIPs counted as removed").isBetween(1, 59);
        assertThat(TestNetns.ipIn(ns, "-6", "-o", "addr", "show", "dev", "d0")).doesNotContain("2001:db8:9");
    }
}
