package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * What keepalived watches among what it installed, in the kernel: a static route and a static
 * address deleted from outside come back, a virtual route deleted takes its MASTER out of MASTER
 * (and it comes back with its routes), and a track_group's member goes to FAULT while the interface
 * of a static address naming the group is down.
 */
class RouteTrackingE2ETest {
    static final String VIP = "192.0.2.230";
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    static String config(int priority, String staticAddress) {
        return """
                track_group TG {
                    group { VI_1 }
                }
                static_ipaddress {
                    %s/32 dev eth1 track_group TG
                }
                static_routes {
                    198.51.100.16/28 via 192.0.2.254 dev eth0 table 100
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 73
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                    virtual_routes {
                        198.51.100.128/25 via 192.0.2.254 dev eth0 table 101
                    }
                }
                """.formatted(staticAddress, priority, VIP);
    }

    private static boolean hasRoute(Lab lab, Node n, String table, String dst) {
        var r = lab.exec(n, "ip", "route", "show", "table", table);
        return r.ok() && r.stdout().contains(dst);
    }

    private static boolean hasAddress(Lab lab, Node n, String dev, String address) {
        return lab.exec(n, "ip", "-4", "addr", "show", "dev", dev).orThrow().contains(address + "/32");
    }

    @Test
    void deletedEntriesComeBackAVirtualRouteDeletedMovesTheMasterAndATrackGroupFollowsItsInterface()
            throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").extraInterfaces(1).build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", config(150, "198.51.100.1"));
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", config(100, "198.51.100.2"));
            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(3), "a's virtual route", () -> hasRoute(lab, a, "101", "198.51.100.128/25"));

            // A static route and a static address deleted from outside are restored.
            lab.exec(a, "ip", "route", "del", "198.51.100.16/28", "table", "100").orThrow();
            Await.until(Duration.ofSeconds(3), "the static route restored", () -> hasRoute(lab, a, "100", "198.51.100.16/28"));
            lab.exec(a, "ip", "addr", "del", "198.51.100.1/32", "dev", "eth1").orThrow();
            Await.until(Duration.ofSeconds(3), "the static address restored",
                    () -> hasAddress(lab, a, "eth1", "198.51.100.1"));
            // Awaited: the log writer thread can write the lines after the kernel shows the restoration.
            assertThat(ka.process().awaitOutput("Restoring deleted static route 198.51.100.16/28",
                    "Restoring deleted static address 198.51.100.1/32 dev eth1")).contains(
                    "Restoring deleted static route 198.51.100.16/28",
                    "Restoring deleted static address 198.51.100.1/32 dev eth1");

            // The MASTER's virtual route deleted: it leaves MASTER (b takes over), then preempts back.
            lab.exec(a, "ip", "route", "del", "198.51.100.128/25", "table", "101").orThrow();
            Await.until(TAKEOVER, "a leaving MASTER for its deleted route", () -> Agents.read(ka.process().log())
                    .contains("(VI_1) virtual route 198.51.100.128/25 dev eth0 table 101 was deleted from outside,"
                            + " leaving MASTER"));
            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            Await.until(TAKEOVER, "a's virtual route back", () -> hasRoute(lab, a, "101", "198.51.100.128/25"));
            assertThat(kb.status().instances().get(0).state()).isEqualTo("BACKUP");

            // track_group: a's eth1 (its static address's) down puts VI_1 in FAULT; up again, a takes over again.
            lab.exec(a, "ip", "link", "set", "eth1", "down").orThrow();
            awaitHolder(lab, VIP, b, TAKEOVER, a, b);
            Await.until(Duration.ofSeconds(3), "a FAULT", () -> ka.state().orElse("").equals("FAULT"));
            lab.exec(a, "ip", "link", "set", "eth1", "up").orThrow();
            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            assertThat(hasAddress(lab, a, "eth1", "198.51.100.1")).isTrue();
            assertThat(Agents.read(ka.process().log())).doesNotContain("cannot add", "cannot remove");
        }
    }
}
