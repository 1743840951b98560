package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * use_vmac in the kernel and on the wire: keepvip's MASTER holds its VIP on a private macvlan
 * vrrp.VRID with 00:00:5e:00:01:VRID and its adverts leave with that source MAC; it fails over both
 * ways with keepalived using use_vmac on the other node; and the same file run alone by keepvip and
 * by keepalived (a lab each) leaves the same links, addresses and sysctls, as MASTER and after exit
 * (no macvlan left, every sysctl back; keepalived alone leaves the base's arp_ignore/arp_filter at 1).
 */
class VmacE2ETest {
    static final String VIP = "192.0.2.230";
    static final int VRID = 83;
    static final String VMAC_NAME = "vrrp." + VRID;
    static final String VMAC = "00:00:5e:00:01:53";
    static final Duration TAKEOVER = Duration.ofSeconds(8);
    static final List<String> SYSCTLS = List.of(
            "ipv4/conf/all/rp_filter", "ipv4/conf/default/rp_filter", "ipv4/conf/eth0/rp_filter",
            "ipv4/conf/eth0/arp_ignore", "ipv4/conf/eth0/arp_filter", "ipv4/conf/eth0/accept_local",
            "ipv4/conf/eth0/promote_secondaries", "ipv4/conf/lo/rp_filter");
    static final List<String> VMAC_SYSCTLS = List.of(
            "ipv4/conf/" + VMAC_NAME + "/rp_filter", "ipv4/conf/" + VMAC_NAME + "/arp_ignore",
            "ipv4/conf/" + VMAC_NAME + "/arp_filter", "ipv4/conf/" + VMAC_NAME + "/accept_local",
            "ipv4/conf/" + VMAC_NAME + "/promote_secondaries", "ipv6/conf/" + VMAC_NAME + "/disable_ipv6",
            "ipv6/conf/" + VMAC_NAME + "/addr_gen_mode");

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("keepalived", "tcpdump");
    }

    static String config(int priority) {
        return """
                vrrp_instance VI_V {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority %d
                    advert_int 1
                    use_vmac
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(VRID, priority, VIP);
    }

    /** Whether {@code node} holds {@code vip} on any interface (the VMAC's, here). */
    static boolean holds(Lab lab, Node node, String vip) {
        return lab.addressesByInterface(node).values().stream().flatMap(List::stream)
                .anyMatch(a -> a.startsWith(vip + "/"));
    }

    static void awaitHolder(Lab lab, Node holder, Node... nodes) {
        Await.until(TAKEOVER, VIP + " held by " + holder.name() + " only",
                () -> Arrays.stream(nodes).allMatch(n -> holds(lab, n, VIP) == n.equals(holder)));
    }

    /** The macvlan as {@code ip -d -j link} reports it, without what differs between labs (indexes, stats). */
    static Map<String, String> link(Lab lab, Node n) {
        var r = lab.exec(n, "ip", "-d", "-j", "link", "show", "dev", VMAC_NAME);
        Map<String, String> out = new LinkedHashMap<>();
        if (!r.ok()) {
            return out;
        }
        JsonObject o = JsonParser.parseString(r.orThrow()).getAsJsonArray().get(0).getAsJsonObject();
        out.put("ifname", o.get("ifname").getAsString());
        out.put("link", o.has("link") ? o.get("link").getAsString() : "");
        out.put("address", o.get("address").getAsString());
        out.put("flags", o.get("flags").toString());
        out.put("mtu", o.get("mtu").getAsString());
        JsonObject info = o.getAsJsonObject("linkinfo");
        out.put("kind", info.get("info_kind").getAsString());
        out.put("mode", info.getAsJsonObject("info_data").get("mode").getAsString());
        return out;
    }

    /** Addresses on the macvlan: address/prefix, family, scope and label. */
    static List<String> vmacAddresses(Lab lab, Node n) {
        var r = lab.exec(n, "ip", "-j", "addr", "show", "dev", VMAC_NAME);
        List<String> out = new ArrayList<>();
        if (!r.ok()) {
            return out;
        }
        for (JsonElement l : JsonParser.parseString(r.orThrow()).getAsJsonArray()) {
            for (JsonElement a : l.getAsJsonObject().getAsJsonArray("addr_info")) {
                JsonObject o = a.getAsJsonObject();
                out.add(o.get("local").getAsString() + "/" + o.get("prefixlen").getAsInt() + " " + o.get("family")
                        .getAsString() + " " + o.get("scope").getAsString() + " "
                        + (o.has("label") ? o.get("label").getAsString() : "-"));
            }
        }
        out.sort(null);
        return out;
    }

    static Map<String, String> sysctls(Lab lab, Node n, List<String> names) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : names) {
            var r = lab.exec(n, "cat", "/proc/sys/net/" + s);
            out.put(s, r.ok() ? r.orThrow().trim() : "absent");
        }
        return out;
    }

    /** Everything the VMAC settles in the kernel while MASTER. */
    static Map<String, Object> masterState(Lab lab, Node n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("link", link(lab, n));
        out.put("addresses", vmacAddresses(lab, n));
        out.put("sysctls", sysctls(lab, n, SYSCTLS));
        out.put("vmac sysctls", sysctls(lab, n, VMAC_SYSCTLS));
        out.put("eth0 addresses", lab.addresses(n).stream().filter(x -> !x.startsWith("fe80:")).toList());
        return out;
    }

    /** The source MACs of {@code count} adverts from {@code from}, seen on {@code observer}'s cable. */
    static List<String> advertSourceMacs(Lab lab, Node observer, Node from, int count) {
        LabProcess dump = lab.start(observer, "tcpdump-" + from.name() + System.nanoTime(), "tcpdump", "-i", "eth0",
                "-n", "-e", "-p", "-c", Integer.toString(count), "ip proto 112 and src host " + from.ipv4());
        assertThat(dump.awaitExit(Duration.ofSeconds(15))).as("tcpdump: " + dump.output()).isZero();
        return dump.output().lines().filter(l -> l.contains("VRRP")).map(l -> l.split("\\s+")[1]).toList();
    }

    @Test
    void keepvipOnAVmacFailsOverBothWaysWithKeepalivedOnAVmac() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Map<String, String> before = sysctls(lab, a, SYSCTLS);
            Agents.Keepvip kv = Agents.keepvip(lab, a, "kva", config(150));
            LabProcess ka = Agents.keepalived(lab, b, "kab", config(100));

            awaitHolder(lab, a, a, b);
            assertThat(lab.addressesByInterface(a).get(VMAC_NAME)).contains(VIP + "/24");
            assertThat(lab.addresses(a)).noneMatch(x -> x.startsWith(VIP + "/"));
            Map<String, String> link = link(lab, a);
            assertThat(link).containsEntry("kind", "macvlan").containsEntry("mode", "private")
                    .containsEntry("address", VMAC).containsEntry("link", "eth0");
            assertThat(link.get("flags")).contains("\"UP\"");
            assertThat(advertSourceMacs(lab, b, a, 3)).containsOnly(VMAC).hasSize(3);
            assertThat(kv.state()).contains("MASTER");
            // keepalived's BACKUP has its macvlan up, without the VIP.
            assertThat(link(lab, b)).containsEntry("address", VMAC).containsEntry("mode", "private");
            assertThat(link(lab, b).get("flags")).contains("\"UP\"");

            lab.cutLink(a);
            awaitHolder(lab, b, a, b);
            assertThat(lab.addressesByInterface(b).get(VMAC_NAME)).contains(VIP + "/24");
            lab.restoreLink(a);
            awaitHolder(lab, a, a, b);
            assertThat(advertSourceMacs(lab, b, a, 2)).containsOnly(VMAC);

            // keepvip stops: keepalived takes over, and keepvip leaves no macvlan and every sysctl as it found it.
            kv.process().stop(Duration.ofSeconds(10));
            awaitHolder(lab, b, a, b);
            assertThat(advertSourceMacs(lab, a, b, 2)).as("keepalived's adverts").containsOnly(VMAC);
            assertThat(link(lab, a)).as("no macvlan left").isEmpty();
            assertThat(sysctls(lab, a, SYSCTLS)).isEqualTo(before);
            assertThat(ka.isAlive()).isTrue();
            String log = Agents.read(ka.log());
            assertThat(log).doesNotContainPattern(KeepalivedInteropE2ETest.COMPLAINT);
            assertThat(Agents.read(kv.process().log())).contains("Success creating VMAC interface " + VMAC_NAME,
                    "Success removing VMAC interface " + VMAC_NAME);
        }
    }

    /**
     * vmac_xmit_base: the VIP still on the macvlan, adverts from the base interface with its own MAC,
     * next to keepalived doing the same; then a reload that drops use_vmac moves the VIP to eth0 and
     * deletes the macvlan, as keepalived deletes the VMAC of an instance a reload changed.
     */
    @Test
    void xmitBaseSendsFromTheInterfaceAndAReloadRemovesTheVmac() throws Exception {
        String xmitBase = "use_vmac\n    vmac_xmit_base";
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip kv = Agents.keepvip(lab, a, "kva", config(150).replace("use_vmac", xmitBase));
            LabProcess ka = Agents.keepalived(lab, b, "kab", config(100).replace("use_vmac", xmitBase));
            awaitHolder(lab, a, a, b);
            assertThat(lab.addressesByInterface(a).get(VMAC_NAME)).contains(VIP + "/24");
            assertThat(advertSourceMacs(lab, b, a, 3)).containsOnly(lab.mac(a)).hasSize(3);
            assertThat(link(lab, a)).containsEntry("address", VMAC);

            java.nio.file.Files.writeString(kv.config(), config(150).replace("    use_vmac\n", ""));
            kv.process().signal("HUP");
            Await.until(Duration.ofSeconds(5), "the VIP on eth0 and no macvlan",
                    () -> lab.hasAddress(a, VIP) && link(lab, a).isEmpty());
            assertThat(kv.state()).contains("MASTER");
            assertThat(holds(lab, b, VIP)).isFalse();
            assertThat(ka.isAlive()).isTrue();
        }
    }

    /**
     * The same file, run alone by keepvip and by keepalived (a lab each): the same macvlan, addresses
     * and sysctls as MASTER, and the same after exit.
     */
    @Test
    void keepvipLeavesTheSameLinkAddressesAndSysctlsAsKeepalived() throws Exception {
        Map<String, Object> keepvipMaster;
        Map<String, String> keepvipAfter;
        Map<String, String> keepvipBefore;
        try (Lab lab = Lab.builder().host("v").build()) {
            Node v = lab.node("v");
            keepvipBefore = sysctls(lab, v, SYSCTLS);
            Agents.Keepvip kv = Agents.keepvip(lab, v, "kvv", config(150));
            Await.until(TAKEOVER, "keepvip MASTER on its VMAC", () -> holds(lab, v, VIP));
            keepvipMaster = masterState(lab, v);
            kv.process().stop(Duration.ofSeconds(10));
            assertThat(link(lab, v)).as("no macvlan left").isEmpty();
            keepvipAfter = sysctls(lab, v, SYSCTLS);
        }
        try (Lab lab = Lab.builder().host("k").build()) {
            Node k = lab.node("k");
            assertThat(sysctls(lab, k, SYSCTLS)).as("both labs start alike").isEqualTo(keepvipBefore);
            LabProcess keepalived = Agents.keepalived(lab, k, "kak", config(150));
            Await.until(TAKEOVER, "keepalived MASTER on its VMAC", () -> holds(lab, k, VIP));
            Map<String, Object> keepalivedMaster = masterState(lab, k);
            assertThat(keepvipMaster).as("keepvip's vs keepalived's (log: %s)", keepalived.log())
                    .isEqualTo(keepalivedMaster);
            keepalived.stop(Duration.ofSeconds(10));
            assertThat(link(lab, k)).isEmpty();
            assertThat(keepvipAfter).isEqualTo(keepvipBefore);
            // keepalived 2.2.7 means to put the base's arp_ignore/arp_filter back, but its netlink
            // monitor overwrites the saved values with the ones it set (keepalived_netlink.c:
            // parse_af_spec()), so it leaves them at 1: the one difference, on purpose.
            Map<String, String> keepalivedAfter = new LinkedHashMap<>(sysctls(lab, k, SYSCTLS));
            assertThat(keepalivedAfter).containsEntry("ipv4/conf/eth0/arp_ignore", "1")
                    .containsEntry("ipv4/conf/eth0/arp_filter", "1");
            keepalivedAfter.put("ipv4/conf/eth0/arp_ignore", keepvipBefore.get("ipv4/conf/eth0/arp_ignore"));
            keepalivedAfter.put("ipv4/conf/eth0/arp_filter", keepvipBefore.get("ipv4/conf/eth0/arp_filter"));
            assertThat(keepalivedAfter).as("everything else as keepvip leaves it").isEqualTo(keepvipAfter);
        }
    }

    /** The macvlan's ifindex, or -1 when there is none. */
    static int ifindex(Lab lab, Node n, String ifname) {
        var r = lab.exec(n, "ip", "-j", "link", "show", "dev", ifname);
        return r.ok() ? JsonParser.parseString(r.orThrow()).getAsJsonArray().get(0).getAsJsonObject().get("ifindex")
                .getAsInt() : -1;
    }

    /** Source MACs of {@code count} adverts {@code n} sends out of eth0 (captured on its own eth0). */
    static List<String> ownAdvertSourceMacs(Lab lab, Node n, int count) {
        LabProcess dump = lab.start(n, "tcpdump-own" + System.nanoTime(), "tcpdump", "-i", "eth0", "-n", "-e", "-p",
                "-Q", "out", "-c", Integer.toString(count), "ip proto 112");
        assertThat(dump.awaitExit(Duration.ofSeconds(15))).as("tcpdump: " + dump.output()).isZero();
        return dump.output().lines().filter(l -> l.contains("VRRP")).map(l -> l.split("\\s+")[1]).toList();
    }

    /**
     * Deletes the MASTER's macvlan from outside ({@code ip link del}) and waits until it is back with
     * the VIP on it; returns the kernel state then.
     */
    static Map<String, Object> afterVmacDeleted(Lab lab, Node n, java.nio.file.Path log) {
        int before = ifindex(lab, n, VMAC_NAME);
        assertThat(before).isPositive();
        lab.exec(n, "ip", "link", "del", VMAC_NAME).orThrow();
        try {
            Await.until(Duration.ofSeconds(20), VMAC_NAME + " made again, up, with the VIP on it", () -> {
                int now = ifindex(lab, n, VMAC_NAME);
                return now > 0 && now != before && link(lab, n).getOrDefault("flags", "").contains("\"UP\"")
                        && vmacAddresses(lab, n).stream().anyMatch(a -> a.startsWith(VIP + "/24"));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; link " + link(lab, n) + ", addresses "
                    + lab.addressesByInterface(n) + ", log:\n" + Agents.read(log), e);
        }
        return masterState(lab, n);
    }

    /**
     * A VMAC deleted from outside is made again with its name, MAC, mode and settings, and the MASTER
     * puts its VIP back on it and advertises from it again, as keepalived does with the same file
     * (keepalived_netlink.c: netlink_if_link_filter(), vrrp_if.c: recreate_vmac_thread()): the kernel
     * state afterwards is the same under both.
     */
    @Test
    void aVmacDeletedFromOutsideIsMadeAgainAsKeepalivedMakesIt() throws Exception {
        Map<String, Object> keepvipAfter;
        try (Lab lab = Lab.builder().host("v").build()) {
            Node v = lab.node("v");
            Agents.Keepvip kv = Agents.keepvip(lab, v, "kvr", config(150));
            Await.until(TAKEOVER, "keepvip MASTER on its VMAC", () -> holds(lab, v, VIP));
            Map<String, Object> first = masterState(lab, v);
            keepvipAfter = afterVmacDeleted(lab, v, kv.process().log());
            assertThat(keepvipAfter).as("as it was before the deletion").isEqualTo(first);
            assertThat(ownAdvertSourceMacs(lab, v, 2)).as("adverts from the new macvlan").containsOnly(VMAC);
            assertThat(kv.state()).contains("MASTER");
            // Awaited: keepvip's log writer thread may still be behind the VMAC seen made again.
            String log = kv.process().awaitOccurrences("Success creating VMAC interface " + VMAC_NAME, 2);
            assertThat(log).contains("Interface " + VMAC_NAME + " deleted");
            assertThat(log.split("Success creating VMAC interface " + VMAC_NAME, -1)).hasSize(3);
            kv.process().stop(Duration.ofSeconds(10));
            assertThat(link(lab, v)).as("the new macvlan is removed at exit").isEmpty();
        }
        try (Lab lab = Lab.builder().host("k").build()) {
            Node k = lab.node("k");
            LabProcess keepalived = Agents.keepalived(lab, k, "kakr", config(150));
            Await.until(TAKEOVER, "keepalived MASTER on its VMAC", () -> holds(lab, k, VIP));
            Map<String, Object> keepalivedAfter = afterVmacDeleted(lab, k, keepalived.log());
            assertThat(keepvipAfter).as("keepvip's vs keepalived's (log: %s)", keepalived.log())
                    .isEqualTo(keepalivedAfter);
        }
    }

    static final String IGMP_LLM = "ipv4/igmp_link_local_mcast_reports";

    static String vmacAddrConfig() {
        return """
                global_defs {
                    disable_local_igmp
                }
                vrrp_instance VI_V {
                    state BACKUP
                    interface eth0
                    virtual_router_id %d
                    priority 150
                    advert_int 1
                    use_vmac_addr
                    virtual_ipaddress {
                        %s/24
                        198.51.100.230/24 dev eth1
                    }
                }
                """.formatted(VRID, VIP);
    }

    /** Every macvlan (as {@code ip -d -j link} reports it, without indexes), addresses and the sysctls of eth0, eth1 and the macvlans. */
    static Map<String, Object> vmacAddrState(Lab lab, Node n) {
        Map<String, Object> out = new LinkedHashMap<>();
        var r = lab.exec(n, "ip", "-d", "-j", "link", "show", "type", "macvlan");
        List<String> names = new ArrayList<>();
        Map<String, Object> links = new java.util.TreeMap<>();
        for (JsonElement e : JsonParser.parseString(r.orThrow()).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            String name = o.get("ifname").getAsString();
            names.add(name);
            links.put(name, Map.of("link", o.has("link") ? o.get("link").getAsString() : "",
                    "address", o.get("address").getAsString(), "flags", o.get("flags").toString(),
                    "mode", o.getAsJsonObject("linkinfo").getAsJsonObject("info_data").get("mode").getAsString()));
        }
        out.put("macvlans", links);
        Map<String, List<String>> addrs = new java.util.TreeMap<>(lab.addressesByInterface(n));
        addrs.replaceAll((k, v) -> v.stream().filter(x -> !x.startsWith("fe80:")).sorted().toList());
        out.put("addresses", addrs);
        List<String> sysctls = new ArrayList<>(SYSCTLS);
        sysctls.add(IGMP_LLM);
        for (String name : java.util.stream.Stream.concat(java.util.stream.Stream.of("eth1"), names.stream()).toList()) {
            for (String x : List.of("arp_ignore", "arp_filter", "accept_local", "rp_filter", "promote_secondaries")) {
                sysctls.add("ipv4/conf/" + name + "/" + x);
            }
        }
        out.put("sysctls", sysctls(lab, n, sysctls));
        return out;
    }

    /**
     * use_vmac_addr: the VIP on another interface (dev eth1) goes on a macvlan of its own on eth1,
     * the one on the instance's interface stays there; with disable_local_igmp, no IGMP reports for
     * 224.0.0.x while running. The same file under keepalived leaves the same links, addresses and
     * sysctls as MASTER, and no macvlan and the IGMP setting back after exit.
     */
    @Test
    void useVmacAddrLeavesTheSameKernelStateAsKeepalived() throws Exception {
        Map<String, Object> keepvipMaster;
        try (Lab lab = Lab.builder().host("v").extraInterfaces(1).build()) {
            Node v = lab.node("v");
            Agents.Keepvip kv = Agents.keepvip(lab, v, "kvva", vmacAddrConfig());
            Await.until(TAKEOVER, "keepvip MASTER with both VIPs",
                    () -> holds(lab, v, VIP) && holds(lab, v, "198.51.100.230"));
            keepvipMaster = vmacAddrState(lab, v);
            assertThat(lab.addressesByInterface(v).get("eth0")).contains(VIP + "/24");
            assertThat(sysctls(lab, v, List.of(IGMP_LLM))).containsEntry(IGMP_LLM, "0");
            assertThat(keepvipMaster.get("macvlans").toString()).contains("link=eth1", "address=" + VMAC,
                    "mode=private");
            kv.process().stop(Duration.ofSeconds(10));
            assertThat(lab.exec(v, "ip", "-j", "link", "show", "type", "macvlan").orThrow().trim())
                    .as("no macvlan left").isIn("[]", "");
            assertThat(sysctls(lab, v, List.of(IGMP_LLM))).containsEntry(IGMP_LLM, "1");
        }
        try (Lab lab = Lab.builder().host("k").extraInterfaces(1).build()) {
            Node k = lab.node("k");
            LabProcess keepalived = Agents.keepalived(lab, k, "kakva", vmacAddrConfig());
            Await.until(TAKEOVER, "keepalived MASTER with both VIPs",
                    () -> holds(lab, k, VIP) && holds(lab, k, "198.51.100.230"));
            assertThat(keepvipMaster).as("keepvip's vs keepalived's (log: %s)", keepalived.log())
                    .isEqualTo(vmacAddrState(lab, k));
            keepalived.stop(Duration.ofSeconds(10));
            assertThat(lab.exec(k, "ip", "-j", "link", "show", "type", "macvlan").orThrow().trim())
                    .as("no macvlan left").isIn("[]", "");
            assertThat(sysctls(lab, k, List.of(IGMP_LLM))).containsEntry(IGMP_LLM, "1");
        }
    }

    /**
     * The gratuitous ARPs {@code n} sends on eth1 for the use_vmac_addr VIP, from the macvlan's MAC,
     * in the {@code seconds} after the takeover's burst: their senders' MACs and addresses.
     */
    static List<String> extraGarps(Lab lab, Node n, int count, int seconds) {
        LabProcess dump = lab.start(n, "tcpdump-garp" + System.nanoTime(), "timeout", Integer.toString(seconds),
                "tcpdump", "-i", "eth1", "-n", "-e", "-p", "-Q", "out", "-c", Integer.toString(count),
                "arp and ether src " + VMAC);
        dump.awaitExit(Duration.ofSeconds(seconds + 5));
        return dump.output().lines().filter(l -> l.contains("ARP")).map(l -> l.split("\\s+")[1] + " "
                + (l.contains("198.51.100.230") ? "198.51.100.230" : "other")).toList();
    }

    /**
     * vrrp_garp_extra_if 1: while MASTER, a GARP every second for the VIP on the other interface's
     * macvlan, leaving eth1 with the virtual MAC, as keepalived sends them with the same file; none
     * on eth1 from a MASTER without it, once the takeover's burst is over.
     */
    @Test
    void garpExtraIfRefreshesTheOtherInterfaceAsKeepalivedDoes() throws Exception {
        String withExtra = vmacAddrConfig().replace("disable_local_igmp", "vrrp_garp_extra_if 1\n    vrrp_garp_master_delay 0");
        for (boolean keepalivedSide : new boolean[] {false, true}) {
            try (Lab lab = Lab.builder().host("g").extraInterfaces(1).build()) {
                Node g = lab.node("g");
                Object agent = keepalivedSide ? Agents.keepalived(lab, g, "kagx", withExtra)
                        : Agents.keepvip(lab, g, "kvgx", withExtra);
                Await.until(TAKEOVER, "MASTER with both VIPs", () -> holds(lab, g, "198.51.100.230"));
                extraGarps(lab, g, 5, 2); // the takeover's burst (garp_master_repeat 5), if still going
                List<String> garps = extraGarps(lab, g, 3, 6);
                assertThat(garps).as((keepalivedSide ? "keepalived" : "keepvip") + ": " + agent)
                        .containsExactly(VMAC + " 198.51.100.230", VMAC + " 198.51.100.230", VMAC + " 198.51.100.230");
            }
        }
        try (Lab lab = Lab.builder().host("n").extraInterfaces(1).build()) {
            Node n = lab.node("n");
            Agents.keepvip(lab, n, "kvnx", vmacAddrConfig().replace("disable_local_igmp", "vrrp_garp_master_delay 0"));
            Await.until(TAKEOVER, "MASTER with both VIPs", () -> holds(lab, n, "198.51.100.230"));
            extraGarps(lab, n, 5, 2);
            assertThat(extraGarps(lab, n, 1, 4)).as("no refresh without vrrp_garp_extra_if").isEmpty();
        }
    }

    /** IPv6: the same file alone under keepvip and keepalived (a lab each) leaves the same macvlan state. */
    @Test
    void ipv6KeepvipLeavesTheSameVmacAsKeepalived() throws Exception {
        String vip = "2001:db8:1::230";
        String file = Configs.v3Ipv6(VRID, 150, vip).replace("version 3", "version 3\n    use_vmac");
        Map<String, Object> keepvipMaster;
        try (Lab lab = Lab.builder().host("v").build()) {
            Node v = lab.node("v");
            Agents.Keepvip kv = Agents.keepvip(lab, v, "kvv6", file);
            Await.until(TAKEOVER, "keepvip MASTER on its VMAC", () -> holds(lab, v, vip));
            keepvipMaster = ipv6State(lab, v);
            assertThat(keepvipMaster.get("link").toString()).contains("address=00:00:5e:00:02:53", "mode=private");
            assertThat(keepvipMaster.get("addresses").toString()).contains(
                    vip + "/64 inet6 global -", "BASE-LINK-LOCAL/64 inet6 link -");
            assertThat(advertSourceMacsOn(lab, v, VMAC_NAME, 2)).containsOnly("00:00:5e:00:02:53");
            kv.process().stop(Duration.ofSeconds(10));
            assertThat(link(lab, v)).as("no macvlan left").isEmpty();
        }
        try (Lab lab = Lab.builder().host("k").build()) {
            Node k = lab.node("k");
            LabProcess keepalived = Agents.keepalived(lab, k, "kak6", file);
            Await.until(TAKEOVER, "keepalived MASTER on its VMAC", () -> holds(lab, k, vip));
            assertThat(keepvipMaster).as("keepvip's vs keepalived's (log: %s)", keepalived.log())
                    .isEqualTo(ipv6State(lab, k));
        }
    }

    /** The IPv6 macvlan's state, its link-local address named for what it is: the base's. */
    static Map<String, Object> ipv6State(Lab lab, Node n) {
        String baseLinkLocal = lab.addresses(n).stream().filter(x -> x.startsWith("fe80:")).findFirst().orElse("none");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("link", link(lab, n));
        out.put("addresses", vmacAddresses(lab, n).stream().map(x -> x.replace(baseLinkLocal, "BASE-LINK-LOCAL/64"))
                .toList());
        out.put("vmac sysctls", sysctls(lab, n, List.of("ipv6/conf/" + VMAC_NAME + "/disable_ipv6",
                "ipv6/conf/" + VMAC_NAME + "/addr_gen_mode", "ipv4/conf/" + VMAC_NAME + "/arp_ignore")));
        out.put("sysctls", sysctls(lab, n, SYSCTLS));
        return out;
    }

    /** Source MACs of adverts leaving {@code ifname} of {@code node}. */
    static List<String> advertSourceMacsOn(Lab lab, Node node, String ifname, int count) {
        LabProcess dump = lab.start(node, "tcpdump-" + ifname + System.nanoTime(), "tcpdump", "-i", ifname,
                "-n", "-e", "-p", "-c", Integer.toString(count), "ip6 proto 112");
        assertThat(dump.awaitExit(Duration.ofSeconds(15))).as("tcpdump: " + dump.output()).isZero();
        return dump.output().lines().filter(l -> l.contains("VRRP")).map(l -> l.split("\\s+")[1]).toList();
    }
}
