package org.keepvip.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.keepvip.agent.packet.Announcer;
import org.keepvip.agent.packet.DropReason;
import org.keepvip.vrrp.packet.InternetChecksum;
import org.keepvip.netlink.MacAddress;
import org.keepvip.agent.packet.NextHopResolver;
import org.keepvip.agent.packet.OutboundVrrp;
import org.keepvip.agent.packet.PcapPacketPort;
import org.keepvip.agent.packet.PortOptions;
import org.keepvip.agent.packet.ReceivedVrrp;
import org.keepvip.agent.packet.SendOutcome;
import org.keepvip.agent.packet.VrrpFrames;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabSweeper;
import org.keepvip.e2e.lab.Node;
import org.keepvip.e2e.lab.Subnet;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lab and the pcap packet port together, as root: two hosts and a client on one bridge.
 * Proves the harness builds a working network, that frames built by keepvip cross it intact, that
 * GARP and unsolicited NA move a neighbour entry, and that nothing is left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabSmokeTest {
    static final Duration DEADLINE = Duration.ofSeconds(5);
    static final String VIP4 = "192.0.2.100";
    static final String VIP6 = "2001:db8:1::100";

    Lab lab;
    Node a;
    Node b;
    Node client;

    @BeforeAll
    void buildLab() throws Exception {
        LabAssumptions.assumeLabPossible();
        lab = Lab.builder().host("a").host("b").client().build();
        a = lab.node("a");
        b = lab.node("b");
        client = lab.client();
    }

    @AfterAll
    void removeLab() {
        if (lab == null) {
            return;
        }
        String prefix = lab.prefix();
        Path temp = lab.tempDir();
        lab.close();
        assertThat(LabSweeper.namespaces()).noneMatch(n -> n.startsWith(prefix));
        assertThat(temp).doesNotExist();
    }

    @Test
    void hostsAndClientReachEachOther() {
        assertThat(lab.namespaces()).allMatch(n -> n.startsWith(lab.prefix())).hasSize(4);
        assertThat(lab.mac(a)).isEqualTo(a.mac());
        assertThat(lab.addresses(a)).contains(a.ipv4() + "/24", a.ipv6() + "/64");
        ping(client, a.ipv4());
        ping(client, b.ipv4());
        ping(a, b.ipv4());
        ping(client, a.ipv6());
        ping(b, a.ipv6());
    }

    @Test
    void multicastAdvertFromAReachesBWithTtl255() throws Exception {
        BlockingQueue<ReceivedVrrp> atA = new LinkedBlockingQueue<>();
        BlockingQueue<ReceivedVrrp> atB = new LinkedBlockingQueue<>();
        try (PcapPacketPort portA = open(a, atA, NextHopResolver.none());
             PcapPacketPort portB = open(b, atB, NextHopResolver.fixed(Map.of(ip(a.ipv4()), MacAddress.parse(a.mac()))))) {
            assertThat(portA.iface().mac()).isEqualTo(MacAddress.parse(a.mac()));
            assertThat(portA.iface().ipv4()).contains((Inet4Address) ip(a.ipv4()));
            Inet6Address linkLocalA = portA.iface().ipv6LinkLocal().orElseThrow();
            assertThat(linkLocalA.isLinkLocalAddress()).isTrue();

            byte[] v2 = dummyAdvert(2, 51, ip(VIP4));
            assertThat(portA.sendVrrp(OutboundVrrp.multicast(ip(a.ipv4()), v2))).isEqualTo(SendOutcome.SENT);
            ReceivedVrrp r = awaitFrom(atB, ip(a.ipv4()));
            assertThat(r.ttl()).isEqualTo(255);
            assertThat(r.destination()).isEqualTo(OutboundVrrp.IPV4_GROUP);
            assertThat(r.sourceMac()).isEqualTo(MacAddress.parse(a.mac()));
            assertThat(r.protocol()).isEqualTo(VrrpFrames.PROTOCOL);
            assertThat(r.payload()).isEqualTo(v2);
            assertThat(r.interfaceName()).isEqualTo("eth0");

            byte[] v3 = dummyAdvert(3, 51, ip(VIP6));
            portA.sendVrrp(OutboundVrrp.multicast(linkLocalA, v3));
            ReceivedVrrp r6 = awaitFrom(atB, linkLocalA);
            assertThat(r6.ttl()).isEqualTo(255);
            assertThat(r6.destination()).isEqualTo(OutboundVrrp.IPV6_GROUP);
            assertThat(r6.payload()).isEqualTo(v3);

            // Unicast B -> A with unicast_ttl 64, next hop from the resolver.
            byte[] uni = dummyAdvert(3, 52, ip(VIP4));
            assertThat(portB.sendVrrp(OutboundVrrp.unicast(ip(b.ipv4()), ip(a.ipv4()), 64, uni))).isEqualTo(SendOutcome.SENT);
            ReceivedVrrp u = awaitFrom(atA, ip(b.ipv4()));
            assertThat(u.ttl()).isEqualTo(64);
            assertThat(u.destination()).isEqualTo(ip(a.ipv4()));
            assertThat(u.payload()).isEqualTo(uni);
            assertThat(portA.sendVrrp(OutboundVrrp.unicast(ip(a.ipv4()), ip(b.ipv4()), 255, uni)))
                    .isEqualTo(SendOutcome.NEXT_HOP_UNKNOWN);

            // Direction IN: A never captured its own three sends.
            assertThat(atA).allMatch(p -> !p.sourceMac().equals(portA.iface().mac()));
        }
    }

    @Test
    void portJoinsTheVrrpGroupsAndLeavesThemOnClose() throws Exception {
        assertThat(groups(a)).doesNotContain("ipv4", "ipv6");
        try (PcapPacketPort port = open(a, new LinkedBlockingQueue<>(), NextHopResolver.none())) {
            assertThat(port.iface().index()).isPositive();
            assertThat(groups(a)).contains("ipv4", "ipv6");
        }
        assertThat(groups(a)).doesNotContain("ipv4", "ipv6");
    }

    @Test
    void malformedFramesAreCountedNotDelivered() throws Exception {
        BlockingQueue<ReceivedVrrp> atB = new LinkedBlockingQueue<>();
        try (PcapPacketPort portA = open(a, new LinkedBlockingQueue<>(), NextHopResolver.none());
             PcapPacketPort portB = open(b, atB, NextHopResolver.none())) {
            byte[] frame = VrrpFrames.ipv4(portA.iface().mac(), MacAddress.VRRP_IPV4_GROUP, (Inet4Address) ip(a.ipv4()),
                    OutboundVrrp.IPV4_GROUP, 255, 9, dummyAdvert(2, 51, ip(VIP4)));
            frame[14 + 10] ^= 0x55; // break the IPv4 header checksum
            portA.sendFrame(frame);
            Await.until(DEADLINE, "B to count a bad IPv4 checksum",
                    () -> portB.drops().get(DropReason.IPV4_BAD_CHECKSUM) == 1);
            // A good advert sent after the bad one arrives, and it is the only one delivered.
            portA.sendVrrp(OutboundVrrp.multicast(ip(a.ipv4()), dummyAdvert(2, 51, ip(VIP4))));
            awaitFrom(atB, ip(a.ipv4()));
            assertThat(atB).isEmpty();
            assertThat(portB.drops().total()).isEqualTo(1);
        }
    }

    @Test
    void gratuitousArpMovesTheClientsNeighbourEntry() throws Exception {
        // The client last saw the VIP at B (the old master); A takes over and announces it.
        lab.exec(client, "ip", "neigh", "replace", VIP4, "lladdr", b.mac(), "dev", "eth0", "nud", "stale").orThrow();
        assertThat(lab.neighbourMac(client, VIP4)).contains(b.mac());
        try (PcapPacketPort portA = open(a, new LinkedBlockingQueue<>(), NextHopResolver.none())) {
            assertThat(Announcer.on(portA).burst(List.of(ip(VIP4)), 2, false, Duration.ZERO)).isEqualTo(2);
            Await.until(DEADLINE, "client's neighbour entry for " + VIP4 + " to show A's MAC",
                    () -> lab.neighbourMac(client, VIP4).equals(Optional.of(a.mac())));
        }
    }

    @Test
    void unsolicitedNaIsSeenByBAndMovesTheClientsNeighbourEntry() throws Exception {
        lab.exec(client, "ip", "neigh", "replace", VIP6, "lladdr", b.mac(), "dev", "eth0", "nud", "stale").orThrow();
        PcapHandle capture = lab.inNamespace(b, () -> {
            PcapHandle h = new PcapHandle.Builder("eth0").snaplen(256).promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(50).immediateMode(true).direction(PcapHandle.PcapDirection.IN).build();
            h.setFilter("icmp6 and ip6[40] == 136", BpfProgram.BpfCompileMode.OPTIMIZE);
            return h;
        });
        try (capture; PcapPacketPort portA = open(a, new LinkedBlockingQueue<>(), NextHopResolver.none())) {
            Announcer.on(portA).burst(List.of(ip(VIP6)), 1, false, Duration.ZERO);
            byte[] na = Await.value(DEADLINE, "B to capture the NA", () -> next(capture));
            assertThat(MacAddress.of(na, 0)).isEqualTo(MacAddress.IPV6_ALL_NODES);
            assertThat(MacAddress.of(na, 6)).isEqualTo(MacAddress.parse(a.mac()));
            assertThat(na[14 + 7] & 0xFF).as("hop limit").isEqualTo(255);
            assertThat(InetAddress.getByAddress(Arrays.copyOfRange(na, 22, 38))).isEqualTo(ip(VIP6));
            assertThat(na[54 + 4] & 0xFF).as("flags: Override").isEqualTo(0x20);
            Await.until(DEADLINE, "client's neighbour entry for " + VIP6 + " to show A's MAC",
                    () -> lab.neighbourMac(client, VIP6).equals(Optional.of(a.mac())));
        }
    }

    @Test
    void cutLinkIsolatesAHostUntilRestored() {
        lab.cutLink(b);
        try {
            Await.until(DEADLINE, "b to see carrier loss",
                    () -> lab.exec(b, "ip", "link", "show", "eth0").stdout().contains("NO-CARRIER"));
            assertThat(lab.reachable(client, b.ipv4())).isFalse();
        } finally {
            lab.restoreLink(b);
        }
        ping(client, b.ipv4());
    }

    @Test
    void extraInterfacesAreSegmentsOfTheirOwnAndAllCablesCanBePulledAtOnce() throws Exception {
        try (Lab wide = Lab.builder().host("a").host("b").extraInterfaces(2).build()) {
            Node wa = wide.node("a");
            Node wb = wide.node("b");
            assertThat(wa.interfaces()).containsExactly("eth0", "eth1", "eth2");
            assertThat(wa.switchPorts()).containsExactly("p-a", "p-a.1", "p-a.2");
            assertThat(wa.extraLinks().get(1).mac()).isEqualTo("02:00:00:01:02:0a");
            Map<String, List<String>> addrs = wide.addressesByInterface(wa);
            assertThat(addrs.get("eth0")).contains(wa.ipv4() + "/24", wa.ipv6() + "/64");
            assertThat(addrs.get("eth2")).singleElement().asString().startsWith("fe80::");
            // eth1 is a segment of its own: b is reachable on it only through its eth1 address.
            wide.exec(wa, "ip", "addr", "add", "198.51.100.10/24", "dev", "eth1").orThrow();
            wide.exec(wb, "ip", "addr", "add", "198.51.100.11/24", "dev", "eth1").orThrow();
            Await.until(DEADLINE, "a reaching b over eth1", () -> wide.reachable(wa, "198.51.100.11"));
            assertThat(wide.exec(wa, "ip", "route", "get", "198.51.100.11").orThrow()).contains("dev eth1");

            wide.cutAllLinks(wa);
            Await.until(DEADLINE, "a to see carrier loss on all three interfaces", () -> wa.interfaces().stream()
                    .allMatch(i -> wide.exec(wa, "ip", "link", "show", i).stdout().contains("NO-CARRIER")));
            assertThat(wide.reachable(wa, "198.51.100.11")).isFalse();
            wide.restoreAllLinks(wa);
            Await.until(DEADLINE, "a reaching b over eth1 again", () -> wide.reachable(wa, "198.51.100.11"));
            assertThat(wa.interfaces()).noneMatch(
                    i -> wide.exec(wa, "ip", "link", "show", i).stdout().contains("NO-CARRIER"));
        }
    }

    @Test
    void backgroundProcessesAreTrackedAndStopped() {
        var p = lab.start(a, "sleeper", "sh", "-c", "echo started; exec sleep 300");
        Await.until(DEADLINE, "the process to write its log", () -> p.output().contains("started"));
        String pids = lab.exec(a, "ip", "netns", "pids", a.namespace()).orThrow();
        assertThat(pids.split("\\s+")).contains(Long.toString(p.pid()));
        p.stop(Duration.ofSeconds(2));
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void routerJoinsTheTwoSubnets() throws Exception {
        try (Lab routed = Lab.builder().host("near").host("far", Subnet.TWO).router().build()) {
            Node near = routed.node("near");
            Node far = routed.node("far");
            assertThat(far.ipv4()).startsWith("198.51.100.");
            Await.until(DEADLINE, "near to reach far through the router",
                    () -> routed.reachable(near, far.ipv4()));
            Await.until(DEADLINE, "far to reach near over IPv6",
                    () -> routed.reachable(far, near.ipv6()));
            assertThat(routed.exec(near, "ip", "route", "get", far.ipv4()).orThrow()).contains("via 192.0.2.1");
        }
    }

    @Test
    void sweeperRemovesNamespacesOfDeadRuns() throws Exception {
        // No process can have a pid above PID_MAX_LIMIT (2^22), so this run is certainly dead.
        String run = Long.toString(36 * 36 + System.nanoTime() % (35 * 36 * 36), 36); // 3 base-36 digits
        String stale = LabSweeper.FAMILY + ((1 << 22) + 1) + "_z" + run + "_sw";
        try {
            new ProcessBuilder("ip", "netns", "add", stale).start().waitFor(10, TimeUnit.SECONDS);
            assertThat(LabSweeper.namespaces()).contains(stale);
            assertThat(LabSweeper.sweepStale()).contains(stale).noneMatch(n -> n.startsWith(lab.prefix()));
            assertThat(LabSweeper.namespaces()).doesNotContain(stale).contains(a.namespace());
        } finally {
            new ProcessBuilder("ip", "netns", "del", stale).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Adverts paced at 50 ms all arrive, in the order sent, each with its capture time on the
     * sender's {@code System.nanoTime()} scale (a time on another clock is off by far more than the
     * deadline). Also prints how evenly a plain scheduling loop paces them, for the advert-timing report.
     */
    @Test
    void pacedAdvertsArriveInOrderWithCaptureTimesOnTheNanoTimeScale() throws Exception {
        BlockingQueue<ReceivedVrrp> atB = new LinkedBlockingQueue<>();
        int count = 60;
        long period = Duration.ofMillis(50).toNanos();
        long[] sent = new long[count];
        byte[][] adverts = new byte[count][];
        try (PcapPacketPort portA = open(a, new LinkedBlockingQueue<>(), NextHopResolver.none());
             PcapPacketPort portB = open(b, atB, NextHopResolver.none())) {
            byte[] warmUp = dummyAdvert(3, 200, ip(VIP4));
            for (int i = 0; i < 20; i++) { // warm up the send path so the first gaps measure pacing, not class loading
                portA.sendVrrp(OutboundVrrp.multicast(ip(a.ipv4()), warmUp));
                assertThat(awaitFrom(atB, ip(a.ipv4())).payload()).isEqualTo(warmUp);
            }
            long next = System.nanoTime();
            for (int i = 0; i < count; i++) {
                adverts[i] = dummyAdvert(3, 1 + i, ip(VIP4)); // the VRID tells the adverts apart
                next += period;
                for (long now = System.nanoTime(); now < next; now = System.nanoTime()) {
                    LockSupport.parkNanos(next - now);
                }
                sent[i] = System.nanoTime();
                assertThat(portA.sendVrrp(OutboundVrrp.multicast(ip(a.ipv4()), adverts[i]))).isEqualTo(SendOutcome.SENT);
            }
            long[] received = new long[count];
            for (int i = 0; i < count; i++) {
                ReceivedVrrp r = awaitFrom(atB, ip(a.ipv4()));
                assertThat(r.payload()).as("advert %d, in sending order", i).isEqualTo(adverts[i]);
                received[i] = r.receivedAtNanos();
                assertThat(received[i] - sent[i]).as("capture time of advert %d minus its send time, ns", i)
                        .isBetween(-DEADLINE.toNanos(), DEADLINE.toNanos());
                if (i > 0) {
                    assertThat(received[i]).as("capture time of advert %d", i).isGreaterThanOrEqualTo(received[i - 1]);
                }
            }
            System.out.println("[advert timing] send gaps at 50 ms: " + spread(sent));
            System.out.println("[advert timing] receive gaps at 50 ms: " + spread(received));
        }
    }

    // ---------------------------------------------------------------- helpers

    private PcapPacketPort open(Node node, BlockingQueue<ReceivedVrrp> queue, NextHopResolver resolver) throws Exception {
        return lab.track(lab.inNamespace(node, () -> PcapPacketPort.open("eth0", PortOptions.defaults(), resolver, queue::add)));
    }

    private void ping(Node from, String to) {
        Await.until(DEADLINE, from.name() + " to ping " + to,
                () -> lab.reachable(from, to));
    }

    private static ReceivedVrrp awaitFrom(BlockingQueue<ReceivedVrrp> queue, InetAddress source) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            ReceivedVrrp r = queue.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && r.source().equals(source)) {
                return r;
            }
        }
        throw new AssertionError("no VRRP packet from " + source.getHostAddress() + " within " + DEADLINE);
    }

    private static Optional<byte[]> next(PcapHandle h) {
        try {
            return Optional.of(h.getNextRawPacketEx());
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new AssertionError("capture failed", e);
        }
    }

    /** Which VRRP groups ("ipv4", "ipv6") the node's eth0 has joined, from the namespace's own tables. */
    private Set<String> groups(Node node) throws Exception {
        return lab.inNamespace(node, () -> {
            Set<String> joined = new HashSet<>();
            String device = "";
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/net/igmp"))) {
                if (!line.isEmpty() && Character.isDigit(line.charAt(0))) {
                    device = line.split("\\s+")[1];
                } else if (device.equals("eth0") && (line.contains("120000E0") || line.contains("E0000012"))) {
                    joined.add("ipv4");
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/net/igmp6"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 2 && f[1].equals("eth0") && f[2].equals("ff020000000000000000000000000012")) {
                    joined.add("ipv6");
                }
            }
            return joined;
        });
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** A VRRP-looking advert: header with a correct checksum over the message, one address, v2 auth bytes. */
    private static byte[] dummyAdvert(int version, int vrid, InetAddress vip) {
        byte[] addr = vip.getAddress();
        int length = 8 + addr.length + (version == 2 ? 8 : 0);
        byte[] m = new byte[length];
        m[0] = (byte) ((version << 4) | 1);
        m[1] = (byte) vrid;
        m[2] = 100;
        m[3] = 1;
        m[5] = (byte) (version == 2 ? 1 : 100);
        System.arraycopy(addr, 0, m, 8, addr.length);
        int sum = InternetChecksum.compute(m, 0, m.length);
        m[6] = (byte) (sum >>> 8);
        m[7] = (byte) sum;
        return m;
    }

    private static String spread(long[] times) {
        long[] gaps = new long[times.length - 1];
        for (int i = 1; i < times.length; i++) {
            gaps[i - 1] = times[i] - times[i - 1];
        }
        Arrays.sort(gaps);
        return String.format("n=%d min %.2f ms, median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
                gaps.length, ms(gaps[0]), ms(gaps[gaps.length / 2]), ms(gaps[(int) (gaps.length * 0.9)]),
                ms(gaps[Math.min(gaps.length - 1, (int) (gaps.length * 0.99))]), ms(gaps[gaps.length - 1]));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
