package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * A third host sends classes of malformed and hostile VRRP packets (scapy, {@code
 * hostile_vrrp.py}) at a running pair with three instances: VRRPv2 over IPv4 with a password,
 * VRRPv3 over IPv6, VRRPv3 unicast over IPv4. Every packet would win the election if it were
 * accepted (priority 254). One class at a time: each must raise exactly its named drop counter in
 * {@code status --json} by the number sent, on exactly the nodes that received it, and nothing
 * else. At the end nobody has changed state, the logs hold no exception, each cause was logged
 * once however often it came, and a well-formed advert of each family does win (the packets
 * reached the daemons, and only their defect had them dropped).
 */
class HostilePacketsE2ETest {
    static final String VIP4 = "192.0.2.203";
    static final String VIP6 = "2001:db8:1::203";
    static final String VIP_UNICAST = "192.0.2.213";
    static final int VRID_V2 = 61;
    static final int VRID_V6 = 62;
    static final int VRID_UNICAST = 63;
    static final int COUNT = 3;
    static final List<String> INSTANCES = List.of("VI_1", "VI_6", "VI_3");

    /** A class of bad packets: its name in the script, the counter it must raise, and who gets it. */
    record Hostile(String name, String counter, boolean toBoth) {}

    /** eth0/CAUSE: dropped before any instance; VI_x/CAUSE: dropped by that instance. */
    static final List<Hostile> CLASSES = List.of(
            both("fragment_v4_first", "eth0/fragment"),
            both("fragment_v4_last", "eth0/fragment"),
            both("fragment_v6", "eth0/fragment"),
            both("fragment_v6_atomic", "eth0/fragment"),
            both("frame_to_another_mac", "eth0/other_host"),
            both("ip_header_checksum", "eth0/ipv4_bad_checksum"),
            both("ip_version_in_ipv4_frame", "eth0/ip_version_mismatch"),
            both("ip_total_length_beyond_frame", "eth0/ip_truncated"),
            both("ip_options_malformed", "eth0/ipv4_bad_options"),
            both("ip_options_source_route", "eth0/ipv4_source_route"),
            both("martian_source_loopback", "eth0/martian_source"),
            both("martian_source_multicast", "eth0/martian_source"),
            both("ipv6_unknown_option_discard", "eth0/ipv6_unknown_option"),
            both("ipv6_routing_header_segments_left", "eth0/ipv6_routing_header"),
            both("ipv6_extension_header_truncated", "eth0/ipv6_bad_extension_header"),
            both("vrid_0", "eth0/unknown_vrid"),
            both("vrid_foreign", "eth0/unknown_vrid"),
            both("vrid_foreign_v6", "eth0/unknown_vrid"),
            both("ttl_v4", "VI_1/bad_ttl"),
            both("hop_limit_v6", "VI_6/bad_ttl"),
            both("version_3_on_v2_instance", "VI_1/bad_version"),
            both("version_2_on_v3_instance", "VI_6/bad_version"),
            both("type_2", "VI_1/bad_type"),
            both("checksum_v2", "VI_1/bad_checksum"),
            both("checksum_v6", "VI_6/bad_checksum"),
            toA("checksum_v3_unicast", "VI_3/bad_checksum"),
            both("too_short", "VI_1/too_short"),
            both("too_short_v6", "VI_6/too_short"),
            both("too_long_v6", "VI_6/length_mismatch"),
            both("too_long", "VI_1/length_mismatch"),
            both("odd_length", "VI_1/length_mismatch"),
            both("count_ip_mismatch", "VI_1/length_mismatch"),
            both("interval_0_v2", "VI_1/interval_mismatch"),
            both("interval_0_v3", "VI_6/zero_interval"),
            both("auth_wrong_password", "VI_1/wrong_password"),
            both("auth_type_none_on_pass", "VI_1/auth_type_mismatch"),
            both("auth_type_invalid", "VI_1/invalid_auth_type"),
            toA("source_is_our_address", "VI_1/own_address"),
            toA("source_is_our_vip", "VI_1/own_vip"),
            both("destination_other_group", "VI_1/wrong_destination"),
            both("destination_other_group_v6", "VI_6/wrong_destination"),
            toA("unicast_to_multicast_instance", "VI_1/unicast_multicast_mismatch"),
            both("multicast_to_unicast_instance", "VI_3/unicast_multicast_mismatch"),
            toA("unicast_to_another_host", "VI_3/wrong_destination"));

    @BeforeAll
    static void prerequisites() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("python3");
        org.junit.jupiter.api.Assumptions.assumeTrue(scapyInstalled(), "needs Debian's python3-scapy (scripts/setup-debian)");
    }

    private static boolean scapyInstalled() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import scapy.all").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void eachHostileClassIsCountedUnderItsCauseAndChangesNothing() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").host("x").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Node x = lab.node("x");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", config(a, b, 150));
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", config(b, a, 100));
            for (String vip : List.of(VIP4, VIP6, VIP_UNICAST)) {
                Agents.awaitHolder(lab, vip, a, Duration.ofSeconds(10), a, b);
            }
            Await.until(Duration.ofSeconds(5), "b follows a on every instance", () -> INSTANCES.stream()
                    .allMatch(n -> "BACKUP".equals(state(kb, n)) && "MASTER".equals(state(ka, n))));
            Map<String, Long> mastersA = becameMaster(ka);
            Map<String, Long> mastersB = becameMaster(kb);

            try (Sender sender = Sender.start(lab, x, settings(a, x))) {
                Map<String, Long> beforeA = drops(ka);
                Map<String, Long> beforeB = drops(kb);
                for (Hostile h : CLASSES) {
                    Map<String, Long> baseA = beforeA;
                    Map<String, Long> baseB = beforeB;
                    sender.send(h.name());
                    Map<String, Long> wantA = Map.of(h.counter(), (long) COUNT);
                    Map<String, Long> wantB = h.toBoth() ? wantA : Map.of();
                    try {
                        Await.until(Duration.ofSeconds(5), h.name() + " counted as " + h.counter(), () ->
                                delta(baseA, drops(ka)).getOrDefault(h.counter(), 0L) >= COUNT
                                        && delta(baseB, drops(kb)).getOrDefault(h.counter(), 0L)
                                                >= (h.toBoth() ? COUNT : 0));
                    } catch (AssertionError e) {
                        throw new AssertionError(h.name() + " not counted as " + h.counter() + ": a counted "
                                + delta(baseA, drops(ka)) + " and is " + states(ka) + ", b counted "
                                + delta(baseB, drops(kb)) + " and is " + states(kb), e);
                    }
                    Map<String, Long> afterA = drops(ka);
                    Map<String, Long> afterB = drops(kb);
                    assertThat(delta(baseA, afterA)).as(h.name() + " on a").isEqualTo(wantA);
                    assertThat(delta(baseB, afterB)).as(h.name() + " on b").isEqualTo(wantB);
                    beforeA = afterA; // a straggler of this class would show up in the next one's delta
                    beforeB = afterB;
                }

                for (String n : INSTANCES) {
                    assertThat(state(ka, n)).as("a " + n).isEqualTo("MASTER");
                    assertThat(state(kb, n)).as("b " + n).isEqualTo("BACKUP");
                }
                assertThat(becameMaster(ka)).as("a never left MASTER").isEqualTo(mastersA);
                assertThat(becameMaster(kb)).as("b never became MASTER").isEqualTo(mastersB);
                for (Agents.Keepvip k : List.of(ka, kb)) {
                    String log = k.process().awaitOccurrences("fragmented IP packet", 1); // async log writer
                    assertThat(log).as(k.process().label() + " log").doesNotContain("Exception").doesNotContain("\tat ");
                    assertThat(log.split("fragmented IP packet", -1)).as("fragments logged once, then only counted")
                            .hasSize(2);
                }

                // Control: the same adverts, well-formed, do win; the drops above were for their defects.
                sender.send("control_valid_v2");
                sender.send("control_valid_v6");
                Await.until(Duration.ofSeconds(5), "a yields to valid priority-254 adverts of both families",
                        () -> "BACKUP".equals(state(ka, "VI_1")) && "BACKUP".equals(state(ka, "VI_6")));
            }
        }
    }

    private static Hostile both(String name, String counter) {
        return new Hostile(name, counter, true);
    }

    private static Hostile toA(String name, String counter) {
        return new Hostile(name, counter, false);
    }

    /** {@code state MASTER} for a: it takes over at start instead of after a down interval (a quicker test). */
    private static String config(Node self, Node peer, int priority) {
        return """
                vrrp_instance VI_1 {
                    state %10$s
                    interface eth0
                    virtual_router_id %1$d
                    priority %4$d
                    advert_int 1
                    authentication {
                        auth_type PASS
                        auth_pass s3cret
                    }
                    virtual_ipaddress {
                        %5$s/24
                    }
                }
                vrrp_instance VI_6 {
                    state %10$s
                    interface eth0
                    version 3
                    virtual_router_id %2$d
                    priority %4$d
                    advert_int 1
                    virtual_ipaddress {
                        %6$s/64
                    }
                }
                vrrp_instance VI_3 {
                    state %10$s
                    interface eth0
                    version 3
                    virtual_router_id %3$d
                    priority %4$d
                    advert_int 1
                    unicast_src_ip %8$s
                    unicast_peer {
                        %9$s
                    }
                    virtual_ipaddress {
                        %7$s/24
                    }
                }
                """.formatted(VRID_V2, VRID_V6, VRID_UNICAST, priority, VIP4, VIP6, VIP_UNICAST, self.ipv4(),
                peer.ipv4(), priority > 100 ? "MASTER" : "BACKUP");
    }

    private static String settings(Node a, Node x) {
        JsonObject o = new JsonObject();
        o.addProperty("count", COUNT);
        o.addProperty("sender_ipv4", x.ipv4());
        o.addProperty("sender_ipv6", "fe80::99");
        o.addProperty("sender_mac", x.mac());
        o.addProperty("a_ipv4", a.ipv4());
        o.addProperty("a_mac", a.mac());
        JsonObject v2 = new JsonObject();
        v2.addProperty("vrid", VRID_V2);
        v2.addProperty("vip", VIP4);
        v2.addProperty("password", "s3cret");
        o.add("v2", v2);
        JsonObject v6 = new JsonObject();
        v6.addProperty("vrid", VRID_V6);
        v6.addProperty("vip", VIP6);
        v6.addProperty("interval", 100);
        o.add("v6", v6);
        JsonObject unicast = new JsonObject();
        unicast.addProperty("vrid", VRID_UNICAST);
        unicast.addProperty("vip", VIP_UNICAST);
        unicast.addProperty("interval", 100);
        o.add("unicast", unicast);
        return o.toString();
    }

    /** Every drop counter of {@code k}: eth0/CAUSE for the interface, VI_x/CAUSE per instance. */
    private static Map<String, Long> drops(Agents.Keepvip k) {
        try {
            StatusSnapshot s = k.status();
            Map<String, Long> m = new TreeMap<>();
            for (StatusSnapshot.Interface i : s.interfaces()) {
                i.drops().forEach((cause, n) -> m.put(i.name() + "/" + cause, n));
            }
            for (StatusSnapshot.Instance i : s.instances()) {
                i.stats().drops().forEach((cause, n) -> m.put(i.name() + "/" + cause, n));
            }
            return m;
        } catch (IOException e) {
            throw new AssertionError(k.process().label() + " did not answer status", e);
        }
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((key, n) -> {
            long change = n - before.getOrDefault(key, 0L);
            if (change != 0) {
                d.put(key, change);
            }
        });
        return d;
    }

    private static String state(Agents.Keepvip k, String instance) {
        try {
            return k.status().instances().stream().filter(i -> i.name().equals(instance))
                    .map(StatusSnapshot.Instance::state).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Each instance's state and how often it became MASTER, for a failure message. */
    private static Map<String, String> states(Agents.Keepvip k) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            k.status().instances().forEach(i -> m.put(i.name(), i.state() + " (became master "
                    + i.stats().becameMaster() + "x, adverts received " + i.stats().advertsReceived() + ")"));
        } catch (IOException e) {
            m.put("status", e.toString());
        }
        return m;
    }

    private static Map<String, Long> becameMaster(Agents.Keepvip k) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        k.status().instances().forEach(i -> m.put(i.name(), i.stats().becameMaster()));
        return m;
    }

    /**
     * hostile_vrrp.py running in the sender's namespace: a class name on its stdin, "sent NAME" on
     * its stdout once that class's packets are out. The lab kills it if the test fails first.
     */
    private static final class Sender implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final BufferedReader out;
        private final Path errors;

        private Sender(Process process, Path errors) {
            this.process = process;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.errors = errors;
        }

        static Sender start(Lab lab, Node node, String settings) throws IOException, URISyntaxException {
            Path script = Path.of(HostilePacketsE2ETest.class.getResource("/hostile_vrrp.py").toURI());
            Path errors = lab.tempDir().resolve("hostile_vrrp.err");
            Process p = new ProcessBuilder("ip", "netns", "exec", node.namespace(), "/usr/bin/python3",
                    script.toString(), node.ifname(), settings)
                    .redirectError(errors.toFile()).start();
            Sender s = new Sender(p, errors);
            lab.track(s);
            return s;
        }

        void send(String name) throws IOException {
            in.write(name + "\n");
            in.flush();
            String line = out.readLine();
            assertThat(line).as("hostile_vrrp.py answer to " + name + " (stderr: " + Agents.read(errors) + ")")
                    .isEqualTo("sent " + name);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
