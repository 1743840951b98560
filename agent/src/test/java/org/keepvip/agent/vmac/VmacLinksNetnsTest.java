package org.keepvip.agent.vmac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.netlink.NetNamespace;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.KeepalivedConfig;

/**
 * {@link VmacLinks} against the kernel, in a namespace of the test's own: what it makes, the
 * sysctls it sets, a name taken by another interface, a killed run's macvlan adopted, a reload that
 * drops an instance, and everything undone at close.
 */
class VmacLinksNetnsTest {
    private static final String NS = "kvt" + ProcessHandle.current().pid()
            + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 16), 36) + "-vmac";

    @TempDir
    Path dir;

    private boolean created;
    private ExecutorService in;

    @AfterEach
    void removeNamespace() throws Exception {
        if (in != null) {
            in.shutdownNow();
        }
        if (created) {
            run("ip", "netns", "del", NS);
        }
    }

    private KeepalivedConfig parse(String text) throws IOException {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, text);
        return ConfigParser.parse(f.toString(), new FileConfigSource(), null).config();
    }

    private static String instance(String name, int vrid, String extra) {
        return """
                vrrp_instance %s {
                    interface v0
                    virtual_router_id %d
                    use_vmac %s
                    virtual_ipaddress {
                        192.0.2.%d/24
                    }
                }
                """.formatted(name, vrid, extra, vrid);
    }

    private String sysctl(String path) throws Exception {
        return run("ip", "netns", "exec", NS, "cat", "/proc/sys/net/" + path).trim();
    }

    private String link(String name) throws Exception {
        return run("ip", "-n", NS, "-d", "link", "show", "dev", name);
    }

    private boolean exists(String name) throws Exception {
        return run("ip", "-n", NS, "-o", "link", "show").contains(" " + name + "@");
    }

    @Test
    void makesSetsUpAndUndoes() throws Exception {
        assumeTrue(isRoot(), "needs root");
        run("ip", "netns", "add", NS);
        created = true;
        run("ip", "-n", NS, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        run("ip", "-n", NS, "link", "set", "v0", "up");
        run("ip", "-n", NS, "link", "set", "v1", "up");
        // Taken names: vrrp.12 by a veth (keepalived then tries vrrp1.12), and a killed run's macvlan for VRID 13.
        run("ip", "-n", NS, "link", "add", "vrrp.12", "type", "veth", "peer", "name", "x12");
        run("ip", "-n", NS, "link", "add", "old13", "link", "v0", "address", "00:00:5e:00:01:0d", "type", "macvlan",
                "mode", "private");
        run("ip", "netns", "exec", NS, "sh", "-c", "echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter;"
                + " echo 1 > /proc/sys/net/ipv4/conf/default/rp_filter; echo 0 > /proc/sys/net/ipv4/conf/v0/rp_filter;"
                + " echo 0 > /proc/sys/net/ipv4/conf/v0/arp_ignore; echo 0 > /proc/sys/net/ipv4/conf/v0/arp_filter");

        KeepalivedConfig both = parse(instance("VI_1", 11, "") + instance("VI_2", 12, "") + instance("VI_3", 13, "mine"));
        in = NetNamespace.newExecutor(NS);
        NetlinkClient nl = in.submit(() -> NetlinkClient.open()).get(10, TimeUnit.SECONDS);
        VmacLinks links = new VmacLinks(nl, new Sysctl());
        Map<String, String> names = in.submit(() -> links.ensure(VmacPlan.links(both))).get(10, TimeUnit.SECONDS);
        assertThat(names).containsExactly(Map.entry("instance:VI_1", "vrrp.11"), Map.entry("instance:VI_2", "vrrp1.12"),
                Map.entry("instance:VI_3", "old13"));

        assertThat(link("vrrp.11")).contains("vrrp.11@v0", "link/ether 00:00:5e:00:01:0b", "macvlan mode private",
                "state UP", "addrgenmode none");
        assertThat(link("vrrp1.12")).contains("link/ether 00:00:5e:00:01:0c");
        for (String s : List.of("arp_ignore", "accept_local", "promote_secondaries")) {
            assertThat(sysctl("ipv4/conf/vrrp.11/" + s)).as(s).isEqualTo("1");
        }
        assertThat(sysctl("ipv4/conf/vrrp.11/rp_filter")).isEqualTo("0");
        assertThat(sysctl("ipv6/conf/vrrp.11/disable_ipv6")).isEqualTo("1");
        assertThat(sysctl("ipv4/conf/v0/arp_ignore")).isEqualTo("1");
        assertThat(sysctl("ipv4/conf/v0/arp_filter")).isEqualTo("1");
        assertThat(sysctl("ipv4/conf/all/rp_filter")).isEqualTo("0");
        assertThat(sysctl("ipv4/conf/default/rp_filter")).as("raised to all's").isEqualTo("2");
        assertThat(sysctl("ipv4/conf/v0/rp_filter")).as("raised to all's").isEqualTo("2");
        assertThat(sysctl("ipv4/conf/old13/arp_ignore")).as("adopted as it is").isEqualTo("0");

        // A reload without VI_2: its macvlan goes, the others stay.
        KeepalivedConfig one = parse(instance("VI_1", 11, "") + instance("VI_3", 13, "mine"));
        in.submit(() -> {
            links.ensure(VmacPlan.links(one));
            links.retain(VmacPlan.links(one));
            return null;
        }).get(10, TimeUnit.SECONDS);
        assertThat(exists("vrrp1.12")).isFalse();
        assertThat(exists("vrrp.11")).isTrue();
        assertThat(sysctl("ipv4/conf/v0/arp_ignore")).as("vrrp.11 still holds it").isEqualTo("1");

        in.submit(() -> {
            links.close();
            nl.close();
            return null;
        }).get(10, TimeUnit.SECONDS);
        assertThat(exists("vrrp.11")).isFalse();
        assertThat(exists("old13")).as("an adopted one is ours too, as in keepalived").isFalse();
        assertThat(sysctl("ipv4/conf/all/rp_filter")).isEqualTo("2");
        assertThat(sysctl("ipv4/conf/default/rp_filter")).isEqualTo("1");
        assertThat(sysctl("ipv4/conf/v0/rp_filter")).isEqualTo("0");
        assertThat(sysctl("ipv4/conf/v0/arp_ignore")).isEqualTo("0");
        assertThat(sysctl("ipv4/conf/v0/arp_filter")).isEqualTo("0");
        assertThat(link("vrrp.12")).as("the veth that had the name is left alone").contains("vrrp.12@x12");
    }

    /**
     * The base deleted takes the macvlan with it; it cannot be made while the base is gone, and is
     * made again, same name and MAC, when the base comes back.
     */
    @Test
    void aMacvlanWhoseBaseWentIsMadeWhenTheBaseComesBack() throws Exception {
        assumeTrue(isRoot(), "needs root");
        run("ip", "netns", "add", NS);
        created = true;
        run("ip", "-n", NS, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        run("ip", "-n", NS, "link", "set", "v0", "up");
        KeepalivedConfig c = parse(instance("VI_1", 21, ""));
        in = NetNamespace.newExecutor(NS);
        NetlinkClient nl = in.submit(() -> NetlinkClient.open()).get(10, TimeUnit.SECONDS);
        VmacLinks links = new VmacLinks(nl, new Sysctl());
        try {
            assertThat(in.submit(() -> links.ensure(VmacPlan.links(c))).get(10, TimeUnit.SECONDS))
                    .containsExactly(Map.entry("instance:VI_1", "vrrp.21"));
            int ifindex = in.submit(() -> nl.link("vrrp.21").orElseThrow().ifindex()).get(10, TimeUnit.SECONDS);

            run("ip", "-n", NS, "link", "del", "v0");
            assertThat(exists("vrrp.21")).as("gone with its base").isFalse();
            assertThat(in.submit(() -> links.recreate(ifindex)).get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(links.waitsFor("v0")).isTrue();
            assertThat(links.names()).isEmpty();

            run("ip", "-n", NS, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            assertThat(in.submit(() -> links.baseAdded("v1")).get(10, TimeUnit.SECONDS)).as("not its base").isEmpty();
            assertThat(in.submit(() -> links.baseAdded("v0")).get(10, TimeUnit.SECONDS))
                    .containsExactly(Map.entry("instance:VI_1", "vrrp.21"));
            assertThat(links.waitsFor("v0")).isFalse();
            assertThat(link("vrrp.21")).contains("vrrp.21@v0", "link/ether 00:00:5e:00:01:15", "macvlan mode private")
                    .as("administratively up (the new veth is not, so no carrier)").containsPattern("<[A-Z,-]*,UP[,>]");
            assertThat(sysctl("ipv4/conf/v0/arp_ignore")).as("the new base's arp settings, as at start").isEqualTo("1");
        } finally {
            in.submit(() -> {
                links.close();
                nl.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
        }
        assertThat(exists("vrrp.21")).isFalse();
    }

    /**
     * The monitor's questions do not wait for a holder busy making links: while a reload's ensure is
     * stuck in the middle of setting up a new macvlan (a sysctl write that does not return, standing
     * in for a slow kernel), isOurs, hasBase and waitsFor answer at once, the link being set up
     * already counted as ours; once ensure is done they see everything it made.
     */
    @Test
    void theMonitorsQuestionsDoNotWaitForALinkBeingMade() throws Exception {
        assumeTrue(isRoot(), "needs root");
        run("ip", "netns", "add", NS);
        created = true;
        run("ip", "-n", NS, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        run("ip", "-n", NS, "link", "set", "v0", "up");
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean slow = new AtomicBoolean();
        Sysctl stalling = new Sysctl() {
            @Override
            public void write(String family, String ifname, String name, int value) throws IOException {
                if (slow.get() && ifname.equals("vrrp.42")) {
                    stuck.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.write(family, ifname, name, value);
            }
        };
        in = NetNamespace.newExecutor(NS);
        NetlinkClient nl = in.submit(() -> NetlinkClient.open()).get(10, TimeUnit.SECONDS);
        VmacLinks links = new VmacLinks(nl, stalling);
        ExecutorService asker = Executors.newSingleThreadExecutor();
        try {
            in.submit(() -> links.ensure(VmacPlan.links(parse(instance("VI_1", 41, ""))))).get(10, TimeUnit.SECONDS);
            int first = in.submit(() -> nl.link("vrrp.41").orElseThrow().ifindex()).get(10, TimeUnit.SECONDS);
            slow.set(true);
            KeepalivedConfig two = parse(instance("VI_1", 41, "") + instance("VI_2", 42, ""));
            var reload = in.submit(() -> links.ensure(VmacPlan.links(two)));
            assertThat(stuck.await(10, TimeUnit.SECONDS)).as("ensure reached the stalled step").isTrue();
            int second = Integer.parseInt(run("ip", "netns", "exec", NS, "cat", "/sys/class/net/vrrp.42/ifindex").trim());
            // From another thread, as the monitor asks: each answer within a second, not after the stall.
            var answers = asker.submit(() -> List.of(links.isOurs(first), links.isOurs(second), links.hasBase("v0"),
                    links.waitsFor("v0"), links.isOurs(1))).get(1, TimeUnit.SECONDS);
            assertThat(answers).containsExactly(true, true, true, false, false);
            release.countDown();
            assertThat(reload.get(10, TimeUnit.SECONDS)).containsOnlyKeys("instance:VI_1", "instance:VI_2");
            assertThat(links.isOurs(second)).isTrue();
        } finally {
            release.countDown();
            asker.shutdownNow();
            in.submit(() -> {
                links.close();
                nl.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
        }
        assertThat(exists("vrrp.42")).isFalse();
    }

    /** use_ipvlan: an L2 ipvlan with the flag and its address, IPv6 off; deleted at close. Needs ipvlan in the kernel. */
    @Test
    void anIpvlanWithItsAddress() throws Exception {
        assumeTrue(isRoot(), "needs root");
        run("ip", "netns", "add", NS);
        created = true;
        run("ip", "-n", NS, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        run("ip", "-n", NS, "link", "set", "v0", "up");
        Process probe = new ProcessBuilder("ip", "-n", NS, "link", "add", "link", "v0", "name", "probe", "type", "ipvlan")
                .redirectErrorStream(true).start();
        assumeKernelHas(probe, "kernel without CONFIG_IPVLAN (no ipvlan link type)");
        run("ip", "-n", NS, "link", "del", "probe");
        KeepalivedConfig c = parse("""
                vrrp_instance VI_I {
                    interface v0
                    virtual_router_id 84
                    use_ipvlan 192.0.2.84/24 vepa
                    virtual_ipaddress {
                        192.0.2.231/24
                    }
                }
                """);
        in = NetNamespace.newExecutor(NS);
        NetlinkClient nl = in.submit(() -> NetlinkClient.open()).get(10, TimeUnit.SECONDS);
        VmacLinks links = new VmacLinks(nl, new Sysctl());
        assertThat(in.submit(() -> links.ensure(VmacPlan.links(c))).get(10, TimeUnit.SECONDS))
                .containsExactly(Map.entry("instance:VI_I", "vrrp.84"));
        assertThat(link("vrrp.84")).contains("vrrp.84@v0", "mode l2 vepa").containsPattern("<[A-Z,-]*,UP[,>]");
        assertThat(run("ip", "-n", NS, "-4", "addr", "show", "dev", "vrrp.84")).contains("inet 192.0.2.84/24");
        assertThat(sysctl("ipv6/conf/vrrp.84/disable_ipv6")).isEqualTo("1");
        in.submit(() -> {
            links.close();
            nl.close();
            return null;
        }).get(10, TimeUnit.SECONDS);
        assertThat(exists("vrrp.84")).isFalse();
    }

    /**
     * use_ipvlan names an interface the operator made as a macvlan: not taken for the ipvlan (its
     * VIPs would go on a macvlan), refused, and left as it was, also at close. Needs no ipvlan in the
     * kernel: nothing is made.
     */
    @Test
    void anIpvlanNameTakenByAMacvlanIsRefused() throws Exception {
        assumeTrue(isRoot(), "needs root");
        run("ip", "netns", "add", NS);
        created = true;
        run("ip", "-n", NS, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        run("ip", "-n", NS, "link", "set", "v0", "up");
        run("ip", "-n", NS, "link", "add", "ipv85", "link", "v0", "type", "macvlan", "mode", "bridge");
        KeepalivedConfig c = parse("""
                vrrp_instance VI_I {
                    interface v0
                    virtual_router_id 85
                    use_ipvlan ipv85 192.0.2.85/24 vepa
                    virtual_ipaddress {
                        192.0.2.232/24
                    }
                }
                """);
        in = NetNamespace.newExecutor(NS);
        NetlinkClient nl = in.submit(() -> NetlinkClient.open()).get(10, TimeUnit.SECONDS);
        VmacLinks links = new VmacLinks(nl, new Sysctl());
        try {
            assertThat(in.submit(() -> links.ensure(VmacPlan.links(c))).get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(links.names()).isEmpty();
            assertThat(link("ipv85")).contains("ipv85@v0", "macvlan mode bridge");
            assertThat(run("ip", "-n", NS, "addr", "show", "dev", "ipv85")).doesNotContain("192.0.2.85");
        } finally {
            in.submit(() -> {
                links.close();
                nl.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
        }
        assertThat(exists("ipv85")).as("not ours: left at close").isTrue();
    }

    /**
     * A macvlan on a base in a VRF is made in the VRF, and follows the base out of it and into it
     * again (keepalived: netlink_link_add_vmac(), update_vmac_vrfs()). Needs VRF in the kernel.
     */
    @Test
    void aMacvlanFollowsItsBasesVrf() throws Exception {
        assumeTrue(isRoot(), "needs root");
        run("ip", "netns", "add", NS);
        created = true;
        Process probe = new ProcessBuilder("ip", "-n", NS, "link", "add", "blue", "type", "vrf", "table", "1042")
                .redirectErrorStream(true).start();
        assumeKernelHas(probe, "kernel without CONFIG_NET_VRF (no vrf link type)");
        run("ip", "-n", NS, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        run("ip", "-n", NS, "link", "set", "v0", "master", "blue");
        run("ip", "-n", NS, "link", "set", "v0", "up");
        KeepalivedConfig c = parse(instance("VI_1", 31, ""));
        in = NetNamespace.newExecutor(NS);
        NetlinkClient nl = in.submit(() -> NetlinkClient.open()).get(10, TimeUnit.SECONDS);
        VmacLinks links = new VmacLinks(nl, new Sysctl());
        try {
            in.submit(() -> links.ensure(VmacPlan.links(c))).get(10, TimeUnit.SECONDS);
            assertThat(link("vrrp.31")).contains("master blue");
            run("ip", "-n", NS, "link", "set", "v0", "nomaster");
            in.submit(() -> {
                links.followVrf("v0");
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertThat(link("vrrp.31")).doesNotContain("master blue");
            run("ip", "-n", NS, "link", "set", "v0", "master", "blue");
            in.submit(() -> {
                links.followVrf("v0");
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertThat(link("vrrp.31")).contains("master blue");
        } finally {
            in.submit(() -> {
                links.close();
                nl.close();
                return null;
            }).get(10, TimeUnit.SECONDS);
        }
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    /** Skips when the probe failed for the kernel's lack of the link type, fails on any other failure. */
    private static void assumeKernelHas(Process probe, String lack) throws Exception {
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = probe.waitFor();
        assumeTrue(rc == 0 || !out.contains("Unknown device type"), lack);
        assertThat(rc).as("the probe: " + out).isZero();
    }
}
