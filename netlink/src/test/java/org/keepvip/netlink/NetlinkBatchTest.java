package org.keepvip.netlink;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NetlinkClient#addAddresses}, on real rtnetlink as root in a namespace made here with two
 * veth pairs: many VIPs in a few datagrams, each answer matched back to its VIP.
 */
class NetlinkBatchTest {
    private static TestNetns netns;
    private static String ns;
    private static ExecutorService inNs;

    @BeforeAll
    static void lab() throws Exception {
        TestNetns.assumeRoot();
        netns = new TestNetns();
        ns = netns.create("batch");
        TestNetns.vethUp(ns, "d0");
        TestNetns.vethUp(ns, "d1");
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
        return TestNetns.call(inNs, task, 30);
    }

    private static int ifindex(String dev) throws Exception {
        return inNs(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.link(dev).orElseThrow().ifindex();
            }
        });
    }

    @Test
    void addsManyVipsAcrossDatagramsAndReportsTheOneWhoseInterfaceIsGone() throws Exception {
        int d0 = ifindex("d0");
        int d1 = ifindex("d1");
        // An interface that existed when its index was cached and is gone when the batch runs.
        TestNetns.ipIn(ns, "link", "add", "gone", "type", "veth", "peer", "name", "gonep");
        int gone = ifindex("gone");
        TestNetns.ipIn(ns, "link", "del", "gone");
        List<VipSpec> vips = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            vips.add(VipSpec.of(InetAddress.getByName("198.51.100." + i), 32, "d0").withIfindex(d0));
            vips.add(VipSpec.of(InetAddress.getByName("2001:db8:5::" + Integer.toHexString(i)), 128, "d1")
                    .withIfindex(d1));
        }
        VipSpec lost = VipSpec.of(InetAddress.getByName("192.0.2.77"), 32, "gone").withIfindex(gone);
        vips.add(57, lost); // mid-datagram: the answers after it must still land on their own VIPs
        TestNetns.ipIn(ns, "addr", "add", "198.51.100.3/32", "dev", "d0"); // already there: EEXIST, a success

        VipSpec after = VipSpec.of(InetAddress.getByName("198.51.100.201"), 32, "d0").withIfindex(d0);
        record Outcome(int batchSize, List<AddressResult> results, boolean plainAdded, boolean plainDeleted) {}
        Outcome o = inNs(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                List<AddressResult> results = c.addAddresses(vips);
                // The socket stays in step: plain requests after the batch, on the same socket, get their own answers.
                return new Outcome(c.batchSize(), results, c.addAddress(after), c.deleteAddress(after));
            }
        });
        assertThat(o.plainAdded()).as("a plain add after the batch").isTrue();
        assertThat(o.plainDeleted()).as("a plain delete after the batch").isTrue();

        assertThat(o.batchSize()).isBetween(2, vips.size() - 1); // the batch spans several datagrams
        assertThat(o.results()).extracting(AddressResult::vip).containsExactlyElementsOf(vips);
        AddressResult failed = o.results().get(57);
        assertThat(failed.vip()).isEqualTo(lost);
        assertThat(failed.ok()).isFalse();
        assertThat(failed.errno()).isEqualTo(Errno.ENODEV);
        assertThat(failed.failure().getMessage()).startsWith("add " + lost);
        List<AddressResult> others = new ArrayList<>(o.results());
        others.remove(57);
        assertThat(others).allMatch(AddressResult::ok);
        assertThat(others).filteredOn(r -> !r.changed()).extracting(r -> r.vip().address().getHostAddress())
                .containsExactly("198.51.100.3");
        String shown = TestNetns.ipIn(ns, "-o", "addr", "show");
        for (VipSpec v : others.stream().map(AddressResult::vip).toList()) {
            assertThat(shown).contains(" " + Addresses.format(v.address()) + "/" + v.prefixLength() + " ");
        }
        assertThat(shown).doesNotContain("192.0.2.77").doesNotContain("198.51.100.201/");
    }

    @Test
    void deletesManyVipsAndCountsTheAbsentOnesAsNothingToDo() throws Exception {
        int d0 = ifindex("d0");
        TestNetns.ipIn(ns, "link", "add", "gone2", "type", "veth", "peer", "name", "gone2p");
        int gone = ifindex("gone2");
        TestNetns.ipIn(ns, "link", "del", "gone2");
        List<VipSpec> vips = new ArrayList<>();
        for (int i = 1; i <= 150; i++) {
            TestNetns.ipIn(ns, "addr", "add", "192.0.2." + i + "/32", "dev", "d0");
            vips.add(VipSpec.of(InetAddress.getByName("192.0.2." + i), 32, "d0").withIfindex(d0));
        }
        VipSpec absent = VipSpec.of(InetAddress.getByName("192.0.2.200"), 32, "d0").withIfindex(d0);
        VipSpec onGone = VipSpec.of(InetAddress.getByName("192.0.2.201"), 32, "gone2").withIfindex(gone);
        vips.add(70, absent);
        vips.add(71, onGone);
        List<AddressResult> r = inNs(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.deleteAddresses(vips);
            }
        });
        assertThat(r).extracting(AddressResult::vip).containsExactlyElementsOf(vips);
        assertThat(r).allMatch(AddressResult::ok);
        assertThat(r.get(70).errno()).isEqualTo(Errno.EADDRNOTAVAIL);
        assertThat(r.get(71).errno()).isEqualTo(Errno.ENODEV);
        assertThat(r).filteredOn(AddressResult::changed).hasSize(150);
        assertThat(TestNetns.ipIn(ns, "-o", "addr", "show", "dev", "d0")).doesNotContain("192.0.2.");
    }

    @Test
    void aVipWithoutIndexFailsAloneWithoutReachingTheKernel() throws Exception {
        int d0 = ifindex("d0");
        VipSpec ok = VipSpec.of(InetAddress.getByName("198.51.100.200"), 32, "d0").withIfindex(d0);
        VipSpec noIndex = VipSpec.of(InetAddress.getByName("198.51.100.201"), 32, "d0");
        List<AddressResult> r = inNs(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.addAddresses(List.of(noIndex, ok));
            }
        });
        assertThat(r).extracting(AddressResult::errno).containsExactly(Errno.ENODEV, 0);
        assertThat(TestNetns.ipIn(ns, "-o", "addr", "show", "dev", "d0"))
                .contains("198.51.100.200/32").doesNotContain("198.51.100.201");
    }

    /**
     * A batch whose answers do not fit the receive buffer: the kernel drops the rest (ENOBUFS) after
     * making every change. The answers read before the failure keep their results, the others are
     * reported unanswered, and a delete answered "deleted" stays so.
     */
    @Test
    void aSocketFailingMidBatchKeepsTheAnswersReadAndMarksTheRestUnanswered() throws Exception {
        int d0 = ifindex("d0");
        List<VipSpec> vips = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            vips.add(VipSpec.of(InetAddress.getByName("2001:db8:77::" + Integer.toHexString(i)), 128, "d0")
                    .withIfindex(d0));
        }
        record Outcome(List<AddressResult> added, List<AddressResult> deleted, boolean plainAdded) {}
        Outcome o = inNs(() -> {
            try (NetlinkClient c = DroppingAnswers.open(vips.size())) {
                List<AddressResult> added = c.addAddresses(vips);
                List<AddressResult> deleted = c.deleteAddresses(vips);
                VipSpec after = VipSpec.of(InetAddress.getByName("198.51.100.202"), 32, "d0").withIfindex(d0);
                boolean plainAdded = c.addAddress(after); // the socket still answers plain requests
                c.deleteAddress(after);
                return new Outcome(added, deleted, plainAdded);
            }
        });
        for (List<AddressResult> r : List.of(o.added(), o.deleted())) {
            assertThat(r).extracting(AddressResult::vip).containsExactlyElementsOf(vips);
            List<AddressResult> answered = r.stream().filter(AddressResult::answered).toList();
            List<AddressResult> unanswered = r.stream().filter(x -> !x.answered()).toList();
            assertThat(answered).as("answers read before the failure").isNotEmpty().allMatch(AddressResult::changed);
            assertThat(unanswered).as("answers the kernel dropped").isNotEmpty()
                    .allMatch(x -> x.errno() == Errno.ENOBUFS && !x.ok() && !x.changed());
            // The answered ones come first: the kernel handles the datagram's requests in order.
            assertThat(r.subList(0, answered.size())).containsExactlyElementsOf(answered);
            assertThat(unanswered.get(0).failure().getMessage()).contains("no answer").contains("ENOBUFS");
        }
        assertThat(o.plainAdded()).isTrue();
        // The kernel made every change, the unanswered ones included: all added, then all deleted.
        assertThat(TestNetns.ipIn(ns, "-o", "addr", "show", "dev", "d0")).doesNotContain("2001:db8:77::");
    }
}
