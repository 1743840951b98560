package org.keepvip.netlink;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real rtnetlink, as root, inside two namespaces made here: A (veth0, 192.0.2.1/24, 2001:db8::1/64,
 * a route to 198.51.100.0/24 via B) and B (veth1, 192.0.2.2/24, 2001:db8::2/64). Every socket is
 * opened on a thread that entered A; results are cross-checked with `ip` (tests only).
 */
class NetlinkNamespaceTest {
    private static TestNetns netns;
    private static String nsA;
    private static String nsB;
    private static ExecutorService inA;

    @BeforeAll
    static void lab() throws Exception {
        TestNetns.assumeRoot();
        netns = new TestNetns();
        nsA = netns.create("a");
        nsB = netns.create("b");
        TestNetns.ipIn(nsA, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", nsB);
        TestNetns.ipIn(nsA, "addr", "add", "192.0.2.1/24", "dev", "veth0");
        TestNetns.ipIn(nsA, "addr", "add", "2001:db8::1/64", "dev", "veth0", "nodad");
        TestNetns.ipIn(nsB, "addr", "add", "192.0.2.2/24", "dev", "veth1");
        TestNetns.ipIn(nsB, "addr", "add", "2001:db8::2/64", "dev", "veth1", "nodad");
        TestNetns.ipIn(nsA, "link", "set", "veth0", "up");
        TestNetns.ipIn(nsB, "link", "set", "veth1", "up");
        TestNetns.ipIn(nsA, "route", "add", "198.51.100.0/24", "via", "192.0.2.2");
        // A second pair inside A only, for the monitor test to flap without disturbing veth0.
        TestNetns.ipIn(nsA, "link", "add", "mon0", "type", "veth", "peer", "name", "mon1");
        TestNetns.ipIn(nsA, "link", "set", "mon1", "up");
        TestNetns.ipIn(nsA, "link", "set", "mon0", "up");
        inA = NetNamespace.newExecutor(nsA);
    }

    @AfterAll
    static void cleanup() {
        if (inA != null) {
            inA.shutdownNow();
        }
        if (netns != null) {
            netns.close();
        }
    }

    /** Runs {@code task} on the thread inside namespace A. */
    private static <T> T inA(Callable<T> task) throws Exception {
        try {
            return inA.submit(task).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static String addrShow(String dev) {
        return TestNetns.ipIn(nsA, "-o", "addr", "show", "dev", dev);
    }

    private static String macOf(String ns, String dev) {
        Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(TestNetns.ipIn(ns, "-o", "link", "show", dev));
        assertThat(m.find()).as("MAC of %s in ip output", dev).isTrue();
        return m.group(1);
    }

    @Test
    void addsAndDeletesIpv4VipWithLabelAndBroadcast() throws Exception {
        VipSpec vip = VipSpec.of(ip("192.0.2.100"), 24, "veth0").withLabel("veth0:vip")
                .withBroadcast(ip("192.0.2.255"));
        assertThat(inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.addAddress(vip);
            }
        })).isTrue();
        assertThat(addrShow("veth0")).containsPattern("inet 192\\.0\\.2\\.100/24 brd 192\\.0\\.2\\.255 scope global secondary veth0:vip");
        // Twice: EEXIST is success, reported as "already there".
        assertThat(inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.addAddress(vip);
            }
        })).isFalse();
        assertThat(inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return List.of(c.deleteAddress(vip), c.deleteAddress(vip));
            }
        })).containsExactly(true, false);
        assertThat(addrShow("veth0")).doesNotContain("192.0.2.100").contains("192.0.2.1/24");
    }

    @Test
    void addsAndDeletesIpv6HostVipNodadDeprecated() throws Exception {
        VipSpec vip = VipSpec.of(ip("2001:db8::100"), 128, "veth0");
        inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.addAddress(vip);
            }
        });
        String line = addrShow("veth0").lines().filter(l -> l.contains("inet6 2001:db8::100/128")).findFirst()
                .orElseThrow(() -> new AssertionError("2001:db8::100/128 not on veth0: " + addrShow("veth0")));
        assertThat(line).contains(" nodad", " deprecated", "preferred_lft 0sec", "valid_lft forever");
        assertThat(inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return List.of(c.addAddress(vip), c.deleteAddress(vip), c.deleteAddress(vip));
            }
        })).containsExactly(false, true, false);
        assertThat(addrShow("veth0")).doesNotContain("2001:db8::100/");
    }

    @Test
    void repeatedDeletesRemoveAStaleVipOnceAndKeepTheAcksInStep() throws Exception {
        // The agent's start-up warm-up deletes each configured VIP many times through deleteAddress.
        VipSpec vip = VipSpec.of(ip("192.0.2.102"), 32, "veth0");
        assertThat(inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                List<Boolean> deleted = new ArrayList<>();
                deleted.add(c.addAddress(vip));
                for (int i = 0; i < 300; i++) {
                    deleted.add(c.deleteAddress(vip));
                }
                return List.of(deleted.get(0), deleted.get(1), deleted.subList(2, deleted.size()).contains(true));
            }
        })).containsExactly(true, true, false);
        assertThat(addrShow("veth0")).doesNotContain("192.0.2.102").contains("192.0.2.1/24");
        // The requests after them still get their own ACKs: sequence numbers stayed in step.
        assertThat(inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                for (int i = 0; i < 50; i++) {
                    c.deleteAddress(vip);
                }
                return List.of(c.addAddress(vip), c.addAddress(vip), c.deleteAddress(vip));
            }
        })).containsExactly(true, false, true);
    }

    @Test
    void badInterfaceIsATypedError() throws Exception {
        VipSpec byIndex = VipSpec.of(ip("192.0.2.101"), 32, "nosuch0").withIfindex(9999);
        assertThatThrownBy(() -> inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.addAddress(byIndex);
            }
        })).isInstanceOfSatisfying(NetlinkException.class, e -> {
            assertThat(e.errno()).isEqualTo(Errno.ENODEV);
            assertThat(e).hasMessageContaining("add 192.0.2.101/32 dev nosuch0").hasMessageContaining("ENODEV");
        });
        VipSpec byName = VipSpec.of(ip("192.0.2.101"), 32, "nosuch0");
        assertThatThrownBy(() -> inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.addAddress(byName);
            }
        })).isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
        // Deleting from a missing interface is success (nothing to remove), as keepalived treats ENODEV.
        assertThat(inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return List.of(c.deleteAddress(byIndex), c.deleteAddress(byName));
            }
        })).containsExactly(false, false);
        // A refusal that is not about the interface: IPv6 disabled on it.
        TestNetns.ipIn(nsA, "link", "add", "err0", "type", "veth", "peer", "name", "err1");
        TestNetns.run("ip", "netns", "exec", nsA, "sysctl", "-qw", "net.ipv6.conf.err0.disable_ipv6=1");
        VipSpec v6 = VipSpec.of(ip("2001:db8::5"), 128, "err0");
        assertThatThrownBy(() -> inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.addAddress(v6);
            }
        })).isInstanceOfSatisfying(NetlinkException.class, e -> {
            assertThat(e.errno()).isEqualTo(Errno.EACCES);
            assertThat(e).hasMessage("add 2001:db8::5/128 dev err0: EACCES (Permission denied)"
                    + " (kernel: ipv6: IPv6 is disabled on this device)");
        });
    }

    @Test
    void listsLinksAndAddressesOfItsOwnNamespace() throws Exception {
        List<Link> links = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.links();
            }
        });
        assertThat(links).extracting(Link::name).contains("lo", "veth0", "mon0", "mon1").doesNotContain("veth1");
        Link lo = links.stream().filter(l -> l.name().equals("lo")).findFirst().orElseThrow();
        assertThat(lo.isLoopback()).isTrue();
        assertThat(lo.ifindex()).isEqualTo(1);
        Link veth0 = links.stream().filter(l -> l.name().equals("veth0")).findFirst().orElseThrow();
        assertThat(veth0.isUp()).isTrue();
        assertThat(veth0.isRunning()).isTrue();
        assertThat(veth0.isLoopback()).isFalse();
        assertThat(veth0.mtu()).isEqualTo(1500);
        assertThat(veth0.mac()).contains(MacAddress.parse(macOf(nsA, "veth0")));
        assertThat(TestNetns.ipIn(nsA, "-o", "link", "show", "veth0")).startsWith(veth0.ifindex() + ": veth0@");

        Link byName = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.link("veth0").orElseThrow();
            }
        });
        assertThat(byName).isEqualTo(veth0);

        List<IfAddress> addrs = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.addresses(veth0.ifindex());
            }
        });
        assertThat(addrs).anySatisfy(a -> {
            assertThat(a.address()).isEqualTo(ip("192.0.2.1"));
            assertThat(a.prefixLength()).isEqualTo(24);
            assertThat(a.label()).contains("veth0");
            assertThat(a.scope()).isEqualTo(Rtnl.RT_SCOPE_UNIVERSE);
        });
        assertThat(addrs).anySatisfy(a -> {
            assertThat(a.address()).isEqualTo(ip("2001:db8::1"));
            assertThat(a.family()).isEqualTo(Rtnl.AF_INET6);
            assertThat(a.flags() & Rtnl.IFA_F_NODAD).isNotZero();
        });
        assertThat(addrs).anySatisfy(a -> {
            assertThat(a.address().isLinkLocalAddress()).isTrue();
            assertThat(a.scope()).isEqualTo(Rtnl.RT_SCOPE_LINK);
        });
    }

    @Test
    void resolvesNextHopMacOnLinkAndViaGateway() throws Exception {
        String macB = macOf(nsB, "veth1");
        TestNetns.ipIn(nsA, "neigh", "flush", "all");
        int veth0 = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.link("veth0").orElseThrow().ifindex();
            }
        });
        // Missing entry at first: resolution must be triggered, then awaited.
        assertThat(inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.neighbour(veth0, ip("192.0.2.2"));
            }
        }).filter(Neighbour::isUsable)).isEmpty();
        NextHop onLink = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.resolveNextHop(ip("192.0.2.2"), Duration.ofSeconds(5));
            }
        });
        assertThat(onLink).isEqualTo(new NextHop(ip("192.0.2.2"), veth0, ip("192.0.2.2"), MacAddress.parse(macB)));
        assertThat(TestNetns.ipIn(nsA, "neigh", "show", "192.0.2.2")).contains(macB);

        Route viaGw = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.route(ip("198.51.100.7"));
            }
        });
        assertThat(viaGw.gateway()).contains(ip("192.0.2.2"));
        assertThat(viaGw.preferredSource()).contains(ip("192.0.2.1"));
        assertThat(viaGw.outputIfindex()).isEqualTo(veth0);
        NextHop routed = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.resolveNextHop(ip("198.51.100.7"), Duration.ofSeconds(5));
            }
        });
        assertThat(routed.hop()).isEqualTo(ip("192.0.2.2"));
        assertThat(routed.mac()).isEqualTo(MacAddress.parse(macB));

        NextHop v6 = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.resolveNextHop(ip("2001:db8::2"), Duration.ofSeconds(5));
            }
        });
        assertThat(v6.mac()).isEqualTo(MacAddress.parse(macB));
        assertThat(v6.ifindex()).isEqualTo(veth0);
    }

    @Test
    void ntfUseAloneStartsResolution() throws Exception {
        TestNetns.ipIn(nsA, "neigh", "flush", "all");
        String macB = macOf(nsB, "veth1");
        Neighbour n = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                int veth0 = c.link("veth0").orElseThrow().ifindex();
                assertThat(c.requestResolution(veth0, ip("192.0.2.2"))).isZero();
                return awaitNeighbour(c, veth0, ip("192.0.2.2"));
            }
        });
        assertThat(n.mac()).contains(MacAddress.parse(macB));
    }

    @Test
    void discardDatagramAloneStartsResolution() throws Exception {
        TestNetns.ipIn(nsA, "neigh", "flush", "all");
        String macB = macOf(nsB, "veth1");
        Neighbour n = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                int veth0 = c.link("veth0").orElseThrow().ifindex();
                NetlinkClient.sendDiscardDatagram(veth0, ip("2001:db8::2"));
                return awaitNeighbour(c, veth0, ip("2001:db8::2"));
            }
        });
        assertThat(n.mac()).contains(MacAddress.parse(macB));
    }

    @Test
    void resolvesLinkLocalIpv6PeerWithScope() throws Exception {
        Matcher m = Pattern.compile("inet6 (fe80::[0-9a-f:]+)/64")
                .matcher(TestNetns.ipIn(nsB, "-o", "-6", "addr", "show", "dev", "veth1", "scope", "link"));
        assertThat(m.find()).isTrue();
        String macB = macOf(nsB, "veth1");
        NextHop hop = inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                int veth0 = c.link("veth0").orElseThrow().ifindex();
                InetAddress peer = java.net.Inet6Address.getByAddress(null, ip(m.group(1)).getAddress(), veth0);
                return c.resolveNextHop(peer, Duration.ofSeconds(5));
            }
        });
        assertThat(Addresses.format(hop.hop())).isEqualTo(m.group(1));
        assertThat(hop.mac()).isEqualTo(MacAddress.parse(macB));
    }

    /** Polls the neighbour table until the entry is usable, failing after 5 s. */
    private static Neighbour awaitNeighbour(NetlinkClient c, int ifindex, InetAddress a) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            var n = c.neighbour(ifindex, a);
            if (n.isPresent() && n.get().isUsable()) {
                return n.get();
            }
            Thread.sleep(10); // polling a table with a deadline
        }
        throw new AssertionError("neighbour " + a + " not resolved within 5 s");
    }

    @Test
    void unresolvableAndUnroutablePeersAreTypedErrors() throws Exception {
        assertThatThrownBy(() -> inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.resolveNextHop(ip("192.0.2.99"), Duration.ofMillis(400));
            }
        })).isInstanceOfSatisfying(NetlinkException.class, e -> {
            assertThat(e.errno()).isEqualTo(Errno.ETIMEDOUT);
            assertThat(e).hasMessageContaining("no link-layer address for 192.0.2.99");
        });
        assertThatThrownBy(() -> inA(() -> {
            try (NetlinkClient c = NetlinkClient.open()) {
                return c.route(ip("2001:db8:ffff::5")); // no IPv6 route beyond 2001:db8::/64 here
            }
        })).isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENETUNREACH));
    }

    @Test
    void monitorReportsRouteAndRuleDeletionsOnlyWhenAskedWithWhatKeepalivedCompares() throws Exception {
        LinkedBlockingQueue<NetlinkEvent> events = new LinkedBlockingQueue<>();
        NetlinkMonitor monitor = inA(() -> NetlinkMonitor.start(events::add, Rtnl.RTNLGRP_IPV4_ROUTE,
                Rtnl.RTNLGRP_IPV4_RULE, Rtnl.RTNLGRP_IPV6_ROUTE, Rtnl.RTNLGRP_IPV6_RULE));
        InetAddress net = ip("198.51.100.0");
        try {
            int mon0 = inA(() -> {
                try (NetlinkClient c = NetlinkClient.open()) {
                    return c.link("mon0").orElseThrow().ifindex();
                }
            });
            TestNetns.ipIn(nsA, "route", "add", "198.51.100.0/24", "dev", "mon0", "table", "1000", "metric", "7",
                    "proto", "18");
            TestNetns.ipIn(nsA, "route", "del", "198.51.100.0/24", "dev", "mon0", "table", "1000", "metric", "7");
            await(events, e -> e.equals(new NetlinkEvent.RouteRemoved(Rtnl.AF_INET, 24, 0, 1000, 18,
                    java.util.Optional.of(net), mon0, 7)));
            TestNetns.ipIn(nsA, "rule", "add", "from", "198.51.100.0/24", "iif", "mon0", "fwmark", "0x10/0xff",
                    "table", "100", "priority", "150", "proto", "18");
            TestNetns.ipIn(nsA, "rule", "del", "priority", "150");
            await(events, e -> e instanceof NetlinkEvent.RuleRemoved r && r.priority() == 150
                    && r.family() == Rtnl.AF_INET && r.table() == 100 && r.protocol() == 18
                    && r.from().equals(java.util.Optional.of(net)) && r.fromLength() == 24
                    && r.iif().equals(java.util.Optional.of("mon0")) && r.fwmark() == 0x10 && r.fwmask() == 0xff
                    && r.to().isEmpty() && !r.invert());
        } finally {
            monitor.close();
        }
    }

    @Test
    void monitorReportsLinkDownUpAndAnAddressDeletedFromOutside() throws Exception {
        LinkedBlockingQueue<NetlinkEvent> events = new LinkedBlockingQueue<>();
        NetlinkMonitor monitor = inA(() -> NetlinkMonitor.start(events::add));
        try {
            int mon0 = inA(() -> {
                try (NetlinkClient c = NetlinkClient.open()) {
                    return c.link("mon0").orElseThrow().ifindex();
                }
            });
            TestNetns.ipIn(nsA, "link", "set", "mon0", "down");
            await(events, e -> e instanceof NetlinkEvent.LinkChanged l && l.ifindex() == mon0 && !l.up());
            TestNetns.ipIn(nsA, "link", "set", "mon0", "up");
            await(events, e -> e instanceof NetlinkEvent.LinkChanged l && l.name().equals("mon0") && l.up() && l.running());

            TestNetns.ipIn(nsA, "addr", "add", "192.0.2.150/32", "dev", "mon0");
            InetAddress a150 = ip("192.0.2.150");
            await(events, e -> e.equals(new NetlinkEvent.AddressAdded(mon0, a150, 32)));
            TestNetns.ipIn(nsA, "addr", "del", "192.0.2.150/32", "dev", "mon0");
            await(events, e -> e.equals(new NetlinkEvent.AddressRemoved(mon0, a150, 32)));

            TestNetns.ipIn(nsA, "addr", "add", "2001:db8:1::150/128", "dev", "mon0", "nodad");
            TestNetns.ipIn(nsA, "addr", "del", "2001:db8:1::150/128", "dev", "mon0");
            InetAddress v6 = ip("2001:db8:1::150");
            await(events, e -> e.equals(new NetlinkEvent.AddressRemoved(mon0, v6, 128)));
        } finally {
            long t0 = System.nanoTime();
            monitor.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(monitor.isRunning()).isFalse();
    }

    @Test
    void monitorSurvivesAConsumerThatThrows() throws Exception {
        LinkedBlockingQueue<NetlinkEvent> events = new LinkedBlockingQueue<>();
        NetlinkMonitor monitor = inA(() -> NetlinkMonitor.start(e -> {
            events.add(e);
            throw new IllegalStateException("consumer bug");
        }));
        try {
            TestNetns.ipIn(nsA, "addr", "add", "192.0.2.160/32", "dev", "mon1");
            await(events, e -> e instanceof NetlinkEvent.AddressAdded a && a.prefixLength() == 32
                    && Addresses.format(a.address()).equals("192.0.2.160"));
            TestNetns.ipIn(nsA, "addr", "del", "192.0.2.160/32", "dev", "mon1");
            await(events, e -> e instanceof NetlinkEvent.AddressRemoved a
                    && Addresses.format(a.address()).equals("192.0.2.160"));
            assertThat(monitor.isRunning()).isTrue();
        } finally {
            monitor.close();
        }
    }

    @Test
    void monitorReportsLostEventsWhenTheBufferOverflows() throws Exception {
        LinkedBlockingQueue<NetlinkEvent> events = new LinkedBlockingQueue<>();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        NetlinkMonitor monitor = inA(() -> NetlinkMonitor.withBuffer(e -> {
            events.add(e);
            try {
                release.await(10, TimeUnit.SECONDS); // a stalled consumer: the kernel queue fills up
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }, 4096));
        java.nio.file.Path batch = java.nio.file.Files.createTempFile("kvt-batch", ".ip");
        try {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= 200; i++) {
                sb.append("addr add 198.51.100.").append(i).append("/32 dev mon1\n");
            }
            java.nio.file.Files.writeString(batch, sb);
            TestNetns.ipIn(nsA, "-batch", batch.toString());
            release.countDown();
            await(events, e -> e instanceof NetlinkEvent.EventsLost);
            assertThat(monitor.isRunning()).isTrue();
        } finally {
            release.countDown();
            monitor.close();
            java.nio.file.Files.deleteIfExists(batch);
            TestNetns.ipIn(nsA, "-4", "addr", "flush", "dev", "mon1");
        }
    }

    /** Takes events until one matches, failing after a 5 s deadline. */
    private static void await(LinkedBlockingQueue<NetlinkEvent> q, Predicate<NetlinkEvent> p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        StringBuilder seen = new StringBuilder();
        while (true) {
            long left = deadline - System.nanoTime();
            NetlinkEvent e = left > 0 ? q.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                throw new AssertionError("expected event not seen within 5 s; saw: " + seen);
            }
            if (p.test(e)) {
                return;
            }
            seen.append(e).append("; ");
        }
    }
}
