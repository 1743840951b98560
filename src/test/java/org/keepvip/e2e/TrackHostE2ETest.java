package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * vrrp_track_host in a pair with a gateway: the master's path to the gateway is cut at the switch
 * (bridge port isolation of the master's and the gateway's ports: no carrier is lost, and the VRRP
 * link between the two hosts stays up), so only the master's ARP and ICMPv6 probes go unanswered.
 * It goes to FAULT (weight 0) and the VIP moves to the backup within fall × interval + one advert
 * interval of the cut; healing brings the master's tracker back after rise answers and, with
 * preemption, the VIP back to it.
 */
class TrackHostE2ETest {
    static final String VIP = "192.0.2.233";
    static final double ADVERT = 0.1;
    static final double INTERVAL = 0.2;
    /**
     * The fall-th lost probe is known up to one interval plus the timeout later than fall intervals
     * after the cut (the first probe the cut loses leaves up to an interval after it); a timeout well
     * under the interval (the LAN answers in well under a millisecond) and b's short skew (priority
     * 200: 22 ms) keep the worst case, 0.6 + 0.03 + 0.022 s, within fall × interval + advert_int.
     */
    static final double TIMEOUT = 0.03;
    static final int FALL = 3;
    static final int RISE = 2;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    static String config(Node n, int priority, Node gw) {
        return """
                global_defs {
                    router_id %s
                }
                vrrp_track_host gw {
                    address %s
                    interface eth0
                    method arp
                    interval %s
                    timeout %s
                    rise %d
                    fall %d
                }
                vrrp_track_host gw6 {
                    address %s
                    interface eth0
                    method icmp
                    interval %s
                    timeout %s
                    rise %d
                    fall %d
                    weight -10
                }
                vrrp_instance VI_1 {
                    interface eth0
                    version 3
                    virtual_router_id 83
                    priority %d
                    advert_int %s
                    virtual_ipaddress {
                        %s/24
                    }
                    track_host {
                        gw
                        gw6
                    }
                }
                """.formatted(n.name(), gw.ipv4(), INTERVAL, TIMEOUT, RISE, FALL, gw.ipv6(), INTERVAL, TIMEOUT, RISE, FALL,
                priority,
                ADVERT, VIP);
    }

    @Test
    void aMasterCutOffFromItsGatewayGivesUpTheVipAndTakesItBackWhenHealed() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").router().build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Node gw = lab.router().orElseThrow();
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kv-a", config(a, 250, gw));
            Agents.awaitHolder(lab, VIP, a, Duration.ofSeconds(20), a, b);
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kv-b", config(b, 200, gw));
            Await.until(Duration.ofSeconds(20), "b BACKUP, both gateways reachable from a", () ->
                    kb.state().orElse("").equals("BACKUP") && hosts(ka).stream().allMatch(t -> Boolean.TRUE.equals(t.up())));

            long cutAt = isolate(lab, a, gw, true);
            Agents.awaitHolder(lab, VIP, b, Duration.ofSeconds(10), a, b);
            Await.until(Duration.ofSeconds(5), "a in FAULT", () -> ka.state().orElse("").equals("FAULT"));
            long takenAt = logTime(kb, "(VI_1) Entering MASTER STATE", cutAt);
            double bound = FALL * INTERVAL + ADVERT;
            System.out.printf("[track_host] the VIP was on b %d ms after a's path to the gateway was cut (bound %.0f"
                    + " ms: fall %d x interval %.1f s + advert %.1f s)%n", takenAt - cutAt, bound * 1000, FALL,
                    INTERVAL, ADVERT);
            for (Agents.Keepvip k : List.of(ka, kb)) {
                Agents.read(k.process().log()).lines().filter(l -> l.length() > 23 && (l.contains("VRRP_Track_host")
                        || l.contains("STATE") || l.contains("priority 0"))).forEach(l -> {
                            long t = LocalDateTime.parse(l.substring(0, 23), STAMP).atZone(ZoneId.systemDefault())
                                    .toInstant().toEpochMilli();
                            if (t >= cutAt) {
                                System.out.printf("[track_host] %s +%d ms: %s%n", k.node().name(), t - cutAt,
                                        l.substring(24));
                            }
                        });
            }
            assertThat(takenAt - cutAt).as("cut to b's MASTER").isLessThanOrEqualTo((long) (bound * 1000));
            for (StatusSnapshot.Tracker t : hosts(ka)) {
                assertThat(t.up()).as(t.name()).isFalse();
                assertThat(t.lostInARow()).as(t.name()).isGreaterThanOrEqualTo(FALL);
                assertThat(t.answered()).as(t.name()).isPositive();
            }
            assertThat(hosts(kb)).as("b still reaches the gateway").allMatch(t -> Boolean.TRUE.equals(t.up()));
            assertThat(ka.process().awaitOutput("VRRP_Track_host(gw) " + gw.ipv4() + " unreachable"))
                    .contains("VRRP_Track_host(gw) " + gw.ipv4() + " unreachable");

            long healAt = isolate(lab, a, gw, false);
            Agents.awaitHolder(lab, VIP, a, Duration.ofSeconds(10), a, b);
            long backAt = logTime(ka, "(VI_1) Entering MASTER STATE", healAt);
            System.out.printf("[track_host] healed: the VIP back on a %d ms later (rise %d x interval %.1f s, then"
                    + " a preempts b)%n", backAt - healAt, RISE, INTERVAL);
            Await.until(Duration.ofSeconds(5), "b BACKUP again", () -> kb.state().orElse("").equals("BACKUP"));
            assertThat(hosts(ka)).allMatch(t -> Boolean.TRUE.equals(t.up()));
            assertThat(ka.process().output()).doesNotContain("Exception");
        }
    }

    private static List<StatusSnapshot.Tracker> hosts(Agents.Keepvip k) {
        try {
            return k.status().trackers().stream().filter(t -> t.kind().equals("host")).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    /**
     * Isolates (or rejoins) a's and the gateway's switch ports from each other; every other port
     * still reaches both. Returns the wall-clock time the second port's change returned: the cut took
     * effect in its netlink request, at the end of a command whose start-up (fork, exec, linking) takes
     * tens of milliseconds on a loaded host.
     */
    private static long isolate(Lab lab, Node a, Node gw, boolean on) throws Exception {
        long at = 0;
        for (Node n : List.of(a, gw)) {
            long start = System.currentTimeMillis();
            Process p = new ProcessBuilder("ip", "netns", "exec", lab.switchNamespace(), "bridge", "link", "set",
                    "dev", n.switchPort(), "isolated", on ? "on" : "off").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("bridge isolation: %s", out).isZero();
            at = System.currentTimeMillis();
            System.out.printf("[track_host] isolated %s of %s: the command took %d ms%n", on ? "on" : "off",
                    n.name(), at - start);
        }
        return at;
    }

    /**
     * The daemon's own time stamp of the first line containing {@code text} logged at or after
     * {@code after}. Awaited: the log writer thread writes a takeover's lines once its VIPs are in,
     * which can be after the VIP is seen on the interface.
     */
    private static long logTime(Agents.Keepvip k, String text, long after) {
        return Await.value(LabProcess.LOG_LAG, "'" + text + "' in " + k.process().log(), () -> Agents.read(
                k.process().log()).lines().filter(l -> l.contains(text) && l.length() > 23)
                .map(l -> LocalDateTime.parse(l.substring(0, 23), STAMP).atZone(ZoneId.systemDefault())
                        .toInstant().toEpochMilli())
                .filter(t -> t >= after - 1).findFirst());
    }
}
