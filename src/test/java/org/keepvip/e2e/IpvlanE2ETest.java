package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.CommandResult;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * use_ipvlan: the same file run alone by keepvip and by keepalived (a lab each) leaves the same
 * ipvlan (name, L2 mode, flags, base, MAC, up), the same addresses on it (its own and the VIP) and
 * the same sysctls as MASTER, with adverts sourced from the ipvlan's address; and no ipvlan after
 * exit. Skipped where the kernel has no ipvlan link type.
 */
class IpvlanE2ETest {
    static final String VIP = "192.0.2.231";
    static final String OWN = "192.0.2.84";
    static final String NAME = "ipv84";
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("keepalived", "tcpdump");
    }

    static String config() {
        return """
                vrrp_instance VI_I {
                    state BACKUP
                    interface eth0
                    virtual_router_id 84
                    priority 150
                    advert_int 1
                    use_ipvlan %s %s/24 private
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(NAME, OWN, VIP);
    }

    static void assumeIpvlan(Lab lab, Node n) {
        CommandResult probe = lab.exec(n, "ip", "link", "add", "link", "eth0", "name", "kvprobe", "type", "ipvlan");
        if (probe.ok()) {
            lab.exec(n, "ip", "link", "del", "kvprobe").orThrow();
            return;
        }
        // Only the kernel's own "no such link type" skips; any other failure is the test's.
        Assumptions.assumeFalse(probe.stderr().contains("Unknown device type"),
                "kernel without CONFIG_IPVLAN (no ipvlan link type)");
        throw new AssertionError("probing the ipvlan link type failed: " + probe.stderr());
    }

    /** The ipvlan as {@code ip -d -j link} reports it, without indexes and counters; empty when absent. */
    static Map<String, String> link(Lab lab, Node n) {
        var r = lab.exec(n, "ip", "-d", "-j", "link", "show", "dev", NAME);
        Map<String, String> out = new LinkedHashMap<>();
        if (!r.ok()) {
            return out;
        }
        JsonObject o = JsonParser.parseString(r.orThrow()).getAsJsonArray().get(0).getAsJsonObject();
        out.put("link", o.has("link") ? o.get("link").getAsString() : "");
        out.put("address", o.get("address").getAsString());
        out.put("flags", o.get("flags").toString());
        out.put("mtu", o.get("mtu").getAsString());
        out.put("master", o.has("master") ? o.get("master").getAsString() : "");
        JsonObject info = o.getAsJsonObject("linkinfo");
        out.put("kind", info.get("info_kind").getAsString());
        out.put("data", info.get("info_data").toString());
        return out;
    }

    static List<String> addresses(Lab lab, Node n) {
        var r = lab.exec(n, "ip", "-j", "addr", "show", "dev", NAME);
        List<String> out = new ArrayList<>();
        if (!r.ok()) {
            return out;
        }
        for (JsonElement l : JsonParser.parseString(r.orThrow()).getAsJsonArray()) {
            for (JsonElement a : l.getAsJsonObject().getAsJsonArray("addr_info")) {
                JsonObject o = a.getAsJsonObject();
                out.add(o.get("local").getAsString() + "/" + o.get("prefixlen").getAsInt() + " "
                        + o.get("family").getAsString() + " " + o.get("scope").getAsString());
            }
        }
        out.sort(null);
        return out;
    }

    static Map<String, Object> state(Lab lab, Node n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("link", link(lab, n));
        out.put("addresses", addresses(lab, n));
        out.put("sysctls", VmacE2ETest.sysctls(lab, n, List.of("ipv6/conf/" + NAME + "/disable_ipv6",
                "ipv4/conf/eth0/arp_ignore", "ipv4/conf/eth0/arp_filter", "ipv4/conf/all/rp_filter")));
        out.put("eth0 addresses", lab.addresses(n).stream().filter(x -> !x.startsWith("fe80:")).toList());
        return out;
    }

    /** Source addresses of {@code count} adverts {@code n} sends out of eth0. */
    static List<String> advertSources(Lab lab, Node n, int count) {
        LabProcess dump = lab.start(n, "tcpdump-own" + System.nanoTime(), "tcpdump", "-i", "eth0", "-n", "-p",
                "-Q", "out", "-c", Integer.toString(count), "ip proto 112");
        assertThat(dump.awaitExit(Duration.ofSeconds(15))).as("tcpdump: " + dump.output()).isZero();
        return dump.output().lines().filter(l -> l.contains("VRRP")).map(l -> l.split("\\s+")[2]).toList();
    }

    @Test
    void keepvipLeavesTheSameIpvlanAsKeepalived() throws Exception {
        Map<String, Object> keepvip;
        try (Lab lab = Lab.builder().host("v").build()) {
            Node v = lab.node("v");
            assumeIpvlan(lab, v);
            Agents.Keepvip kv = Agents.keepvip(lab, v, "kvi", config());
            Await.until(TAKEOVER, "keepvip MASTER on its ipvlan",
                    () -> addresses(lab, v).stream().anyMatch(a -> a.startsWith(VIP + "/24")));
            keepvip = state(lab, v);
            assertThat(link(lab, v)).containsEntry("kind", "ipvlan").containsEntry("link", "eth0");
            assertThat(link(lab, v).get("data")).contains("l2", "private");
            assertThat(addresses(lab, v)).anyMatch(a -> a.startsWith(OWN + "/24"));
            assertThat(advertSources(lab, v, 2)).containsOnly(OWN);
            kv.process().stop(Duration.ofSeconds(10));
            assertThat(link(lab, v)).as("no ipvlan left").isEmpty();
            assertThat(Agents.read(kv.process().log())).contains("Success creating ipvlan interface " + NAME);
        }
        try (Lab lab = Lab.builder().host("k").build()) {
            Node k = lab.node("k");
            LabProcess keepalived = Agents.keepalived(lab, k, "kaki", config());
            Await.until(TAKEOVER, "keepalived MASTER on its ipvlan",
                    () -> addresses(lab, k).stream().anyMatch(a -> a.startsWith(VIP + "/24")));
            assertThat(keepvip).as("keepvip's vs keepalived's (log: %s)", keepalived.log()).isEqualTo(state(lab, k));
            assertThat(advertSources(lab, k, 2)).containsOnly(OWN);
            keepalived.stop(Duration.ofSeconds(10));
            assertThat(link(lab, k)).as("keepalived leaves no ipvlan either").isEmpty();
        }
    }
}
