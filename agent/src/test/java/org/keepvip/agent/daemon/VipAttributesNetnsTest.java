package org.keepvip.agent.daemon;

import org.keepvip.agent.kernel.KernelVips;
import org.keepvip.agent.kernel.NetlinkVips;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.netlink.NetNamespace;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.ParseResult;
import org.keepvip.vrrp.config.InstanceSpec;

/**
 * A {@code virtual_ipaddress} line's kernel attributes (brd, scope, label, -nodad, preferred_lft,
 * peer, home, mngtmpaddr, noprefixroute) reach the kernel: the line is parsed, mapped and added through netlink in a namespace of the
 * test's own, and {@code ip -d addr} shows what was added. Before, only address, prefix and label
 * survived the mapping, so {@code scope link} was added as global.
 */
class VipAttributesNetnsTest {
    private static final String NS = "kvt" + ProcessHandle.current().pid()
            + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 16), 36) + "-vipattr";

    @TempDir
    Path dir;

    private boolean created;

    @AfterEach
    void removeNamespace() throws Exception {
        if (created) {
            run("ip", "netns", "del", NS);
        }
    }

    @Test
    void everyAttributeOfTheLineIsAddedAsConfigured() throws Exception {
        assumeTrue(isRoot(), "needs root");
        run("ip", "netns", "add", NS);
        created = true;
        run("ip", "-n", NS, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        run("ip", "-n", NS, "link", "set", "v0", "up");
        run("ip", "-n", NS, "link", "set", "v1", "up");

        List<VipSpec> vips = new java.util.ArrayList<>(vips(parse(51, """
                192.0.2.50/24 brd + scope link label v0:vip
                198.51.100.7/32 no_track
                192.0.2.60 peer 198.51.100.61/30 noprefixroute
                """)));
        vips.addAll(vips(parse(52, """
                2001:db8::50/64 -nodad preferred_lft 30
                2001:db8::51/128
                2001:db8::70/64 mngtmpaddr home
                """)));

        NetNamespace.call(NS, () -> {
            try (NetlinkClient netlink = NetlinkClient.open()) {
                new NetlinkVips(netlink).add(vips);
            }
            return null;
        });

        String v4 = run("ip", "-n", NS, "-4", "addr", "show", "dev", "v0");
        assertThat(v4).contains("inet 192.0.2.50/24 brd 192.0.2.255 scope link v0:vip");
        assertThat(v4).contains("inet 198.51.100.7/32 scope global v0");
        assertThat(v4).contains("inet 192.0.2.60 peer 198.51.100.61/30 scope global noprefixroute v0");
        String v6 = run("ip", "-n", NS, "-6", "addr", "show", "dev", "v0");
        assertThat(line(v6, "2001:db8::50/64")).as("-nodad: duplicate address detection runs").doesNotContain("nodad");
        assertThat(after(v6, "2001:db8::50/64")).contains("preferred_lft 30sec");
        assertThat(line(v6, "2001:db8::51/128")).as("keepalived's default").contains("nodad");
        assertThat(after(v6, "2001:db8::51/128")).as("a /128 is never preferred as a source").contains("preferred_lft 0sec");
        assertThat(line(v6, "2001:db8::70/64")).contains("home", "mngtmpaddr");

        List<VipSpec> removed = NetNamespace.call(NS, () -> {
            try (NetlinkClient netlink = NetlinkClient.open()) {
                return new NetlinkVips(netlink).remove(vips);
            }
        });
        assertThat(removed).containsExactlyElementsOf(vips);
        assertThat(run("ip", "-n", NS, "addr", "show", "dev", "v0")).doesNotContain("192.0.2.50", "192.0.2.60", "2001:db8::5",
                "2001:db8::70");
    }

    private static List<VipSpec> vips(InstanceSpec instance) {
        return instance.virtualIps().stream().map(v -> KernelVips.ofInstance(instance, v)).toList();
    }

    private InstanceSpec parse(int vrid, String vipLines) throws IOException {
        Path f = dir.resolve("keepalived-" + vrid + ".conf");
        Files.writeString(f, """
                vrrp_instance VI_%d {
                    state BACKUP
                    interface v0
                    virtual_router_id %d
                    priority 100
                    virtual_ipaddress {
                %s    }
                }
                """.formatted(vrid, vrid, vipLines.indent(8)));
        ParseResult r = ConfigParser.parse(f.toString(), new FileConfigSource(), null);
        assertThat(r.hasErrors()).as(r.diagnostics().toString()).isFalse();
        return r.config().instance("VI_" + vrid).orElseThrow();
    }

    /** The `ip addr` line of {@code cidr}. */
    private static String line(String ipAddr, String cidr) {
        return ipAddr.lines().filter(l -> l.contains(" " + cidr + " ")).findFirst().orElseThrow();
    }

    /** The line of {@code cidr} and the lifetime line after it. */
    private static String after(String ipAddr, String cidr) {
        List<String> lines = ipAddr.lines().toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).contains(" " + cidr + " ")) {
                return lines.get(i) + "\n" + lines.get(i + 1);
            }
        }
        throw new AssertionError(cidr + " not in:\n" + ipAddr);
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Runs a command, fails the test on a non-zero exit, returns stdout. */
    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
