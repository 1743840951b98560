package org.keepvip.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A VMAC through real rtnetlink, as root, in a namespace made here (veth0/veth1 inside it): created,
 * decoded, configured and deleted by {@link NetlinkClient}, each step checked with `ip` and /proc.
 */
class NetlinkVmacTest {
    private static final byte[] VMAC = {0, 0, 0x5e, 0, 1, 42};
    private static TestNetns netns;
    private static String ns;
    private static ExecutorService inNs;

    @BeforeAll
    static void lab() throws Exception {
        TestNetns.assumeRoot();
        netns = new TestNetns();
        ns = netns.create("v");
        TestNetns.ipIn(ns, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        TestNetns.ipIn(ns, "link", "set", "veth0", "up");
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

    private static <T> T in(Callable<T> task) throws Exception {
        try {
            return inNs.submit(task).get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    private static String sysctl(String path) {
        return TestNetns.run("ip", "netns", "exec", ns, "cat", "/proc/sys/net/" + path).trim();
    }

    @Test
    void macvlanLifeCycle() throws Exception {
        try (NetlinkClient nl = in(NetlinkClient::open)) {
            Link base = nl.link("veth0").orElseThrow();
            Link vmac = in(() -> nl.createMacvlan("vrrp.42", base.ifindex(), VMAC));
            assertThat(vmac.kind()).isEqualTo("macvlan");
            assertThat(vmac.isPrivateMacvlan()).isTrue();
            assertThat(vmac.parentIndex()).isEqualTo(base.ifindex());
            assertThat(vmac.mac().orElseThrow().toString()).isEqualTo("00:00:5e:00:01:2a");
            assertThat(base.kind()).isEqualTo("veth");
            assertThat(TestNetns.ipIn(ns, "-d", "link", "show", "vrrp.42")).contains("macvlan mode private")
                    .contains("link/ether 00:00:5e:00:01:2a").contains("@veth0");
            assertThatThrownBy(() -> nl.createMacvlan("vrrp.42", base.ifindex(), VMAC))
                    .isInstanceOf(NetlinkException.class).satisfies(e ->
                            assertThat(((NetlinkException) e).errno()).isEqualTo(Errno.EEXIST));

            nl.setAddrGenModeNone(vmac.ifindex());
            nl.setIpv4Conf(vmac.ifindex(), Map.of(Rtnl.IPV4_DEVCONF_ARP_IGNORE, 1, Rtnl.IPV4_DEVCONF_ACCEPT_LOCAL, 1,
                    Rtnl.IPV4_DEVCONF_RP_FILTER, 0, Rtnl.IPV4_DEVCONF_PROMOTE_SECONDARIES, 1));
            nl.setLinkUp(vmac.ifindex(), true);
            Link up = nl.link("vrrp.42").orElseThrow();
            assertThat(up.isUp()).isTrue();
            assertThat(up.ipv4Conf(Rtnl.IPV4_DEVCONF_ARP_IGNORE)).hasValue(1);
            assertThat(up.ipv4Conf(Rtnl.IPV4_DEVCONF_ACCEPT_LOCAL)).hasValue(1);
            assertThat(up.ipv4Conf(Rtnl.IPV4_DEVCONF_PROMOTE_SECONDARIES)).hasValue(1);
            assertThat(sysctl("ipv4/conf/vrrp.42/arp_ignore")).isEqualTo("1");
            assertThat(sysctl("ipv4/conf/vrrp.42/accept_local")).isEqualTo("1");
            assertThat(sysctl("ipv6/conf/vrrp.42/addr_gen_mode")).isEqualTo("1");
            assertThat(TestNetns.ipIn(ns, "-6", "addr", "show", "dev", "vrrp.42")).doesNotContain("fe80");

            nl.setIpv4Conf(base.ifindex(), Map.of(Rtnl.IPV4_DEVCONF_ARP_IGNORE, 1, Rtnl.IPV4_DEVCONF_ARPFILTER, 1));
            assertThat(nl.link("veth0").orElseThrow().ipv4Conf(Rtnl.IPV4_DEVCONF_ARPFILTER)).hasValue(1);
            nl.setIpv4Conf(base.ifindex(), Map.of(Rtnl.IPV4_DEVCONF_ARP_IGNORE, 0, Rtnl.IPV4_DEVCONF_ARPFILTER, 0));
            assertThat(sysctl("ipv4/conf/veth0/arp_filter")).isEqualTo("0");

            // A shared MAC made private again, as keepalived updates a macvlan of the wrong mode.
            TestNetns.ipIn(ns, "link", "add", "old.1", "link", "veth0", "type", "macvlan", "mode", "bridge");
            Link old = nl.link("old.1").orElseThrow();
            assertThat(old.isPrivateMacvlan()).isFalse();
            nl.updateMacvlan(old.ifindex(), new byte[] {0, 0, 0x5e, 0, 1, 1});
            assertThat(nl.link("old.1").orElseThrow().isPrivateMacvlan()).isTrue();
            assertThat(nl.deleteLink(old.ifindex())).isTrue();

            assertThat(nl.deleteLink(vmac.ifindex())).isTrue();
            assertThat(nl.deleteLink(vmac.ifindex())).as("gone already").isFalse();
            assertThat(nl.link("vrrp.42")).isEmpty();
        }
    }

    /** Whether this kernel makes links of {@code kind} (ipvlan and vrf are options many kernels leave out). */
    private static boolean kernelHas(String kind, String... args) {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("ip", "-n", ns, "link", "add", "probe-" + kind));
        cmd.addAll(java.util.List.of(args)); // ip's words: "link DEV type ipvlan", "type vrf table N"
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() == 0) {
                TestNetns.ipIn(ns, "link", "del", "probe-" + kind);
                return true;
            }
            // Only the kernel's own "no such link type" skips; any other failure is the test's.
            if (!out.contains("Unknown device type")) {
                throw new AssertionError("probing the " + kind + " link type failed: " + out);
            }
            return false;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An L2 ipvlan in each of keepalived's flags (bridge, private, vepa), decoded back. */
    @Test
    void ipvlanInEachMode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(kernelHas("ipvlan", "link", "veth0", "type", "ipvlan"), "kernel without CONFIG_IPVLAN (no ipvlan link type)");
        try (NetlinkClient nl = in(NetlinkClient::open)) {
            Link base = nl.link("veth0").orElseThrow();
            int[] flags = {0, Rtnl.IPVLAN_F_PRIVATE, Rtnl.IPVLAN_F_VEPA};
            String[] words = {"bridge", "private", "vepa"};
            for (int k = 0; k < flags.length; k++) {
                int f = flags[k];
                Link ipv = in(() -> nl.createIpvlan("ipv.4" + f, base.ifindex(), f, 0));
                assertThat(ipv.isL2Ipvlan(f)).as(words[k]).isTrue();
                assertThat(ipv.isUp()).isTrue();
                assertThat(ipv.parentIndex()).isEqualTo(base.ifindex());
                assertThat(ipv.masterIndex()).isZero();
                assertThat(TestNetns.ipIn(ns, "-d", "link", "show", "ipv.4" + f)).contains("mode l2 " + words[k]);
                assertThat(nl.deleteLink(ipv.ifindex())).isTrue();
            }
        }
    }

    /** A macvlan on a base enslaved to a VRF goes into the same VRF (IFLA_MASTER), as keepalived puts it. */
    @Test
    void macvlanInItsBasesVrf() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(kernelHas("vrf", "type", "vrf", "table", "1041"), "kernel without CONFIG_NET_VRF (no vrf link type)");
        TestNetns.ipIn(ns, "link", "add", "vrf-blue", "type", "vrf", "table", "1042");
        try (NetlinkClient nl = in(NetlinkClient::open)) {
            TestNetns.ipIn(ns, "link", "set", "vrf-blue", "up");
            TestNetns.ipIn(ns, "link", "add", "vb0", "type", "veth", "peer", "name", "vb1");
            TestNetns.ipIn(ns, "link", "set", "vb0", "master", "vrf-blue");
            Link vrf = nl.link("vrf-blue").orElseThrow();
            assertThat(vrf.isVrf()).isTrue();
            assertThat(vrf.vrfTable()).isEqualTo(1042);
            Link enslaved = nl.link("vb0").orElseThrow();
            assertThat(enslaved.masterIndex()).isEqualTo(vrf.ifindex());
            Link mv = in(() -> nl.createMacvlan("vrrp.43", enslaved.ifindex(), new byte[] {0, 0, 0x5e, 0, 1, 43},
                    vrf.ifindex()));
            assertThat(mv.masterIndex()).isEqualTo(vrf.ifindex());
            assertThat(TestNetns.ipIn(ns, "link", "show", "master", "vrf-blue")).contains("vb0", "vrrp.43");
            assertThat(nl.deleteLink(mv.ifindex())).isTrue();
        } finally {
            new ProcessBuilder("ip", "-n", ns, "link", "del", "vb0").start().waitFor(); // absent if the add failed
            TestNetns.ipIn(ns, "link", "del", "vrf-blue");
        }
    }
}
