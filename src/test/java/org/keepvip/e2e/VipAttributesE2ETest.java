package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/**
 * The running daemon adds each VIP with every attribute of its line: brd, scope, label, peer and
 * noprefixroute (IPv4), -nodad, preferred_lft, home and mngtmpaddr (IPv6), as {@code ip addr}
 * shows them once the lone node is MASTER.
 */
class VipAttributesE2ETest {
    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    @Test
    void aMastersVipsCarryEveryAttributeOfTheirLines() throws Exception {
        // scope link on a subnet of its own: the kernel refuses a secondary address whose scope
        // differs from its subnet's primary (EINVAL, "ipv4: Invalid scope value").
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            String config = """
                    vrrp_instance VI_1 {
                        state BACKUP
                        interface eth0
                        version 3
                        virtual_router_id 71
                        priority 150
                        advert_int 0.1
                        virtual_ipaddress {
                            198.51.100.240/24 brd + scope link label eth0:vip
                            192.0.2.241 peer 198.51.100.61/30 noprefixroute
                        }
                        virtual_ipaddress_excluded {
                            2001:db8:ffff::240/64 -nodad preferred_lft 30
                            2001:db8:ffff::241/64 home mngtmpaddr
                        }
                    }
                    """;
            Agents.Keepvip k = Agents.keepvip(lab, a, "kva", config);
            Await.until(Duration.ofSeconds(15), "a MASTER with its VIPs",
                    () -> lab.hasAddress(a, "192.0.2.241") && lab.hasAddress(a, "2001:db8:ffff::241"));
            String v4 = lab.exec(a, "ip", "-4", "addr", "show", "dev", "eth0").stdout();
            assertThat(v4).as(Agents.read(k.process().log()))
                    .contains("inet 198.51.100.240/24 brd 198.51.100.255 scope link eth0:vip")
                    .contains("inet 192.0.2.241 peer 198.51.100.61/30 scope global noprefixroute eth0");
            String v6 = lab.exec(a, "ip", "-6", "addr", "show", "dev", "eth0").stdout();
            String dad = v6.lines().filter(l -> l.contains("2001:db8:ffff::240/64")).findFirst().orElseThrow();
            assertThat(dad).as("-nodad: duplicate address detection runs").doesNotContain("nodad");
            assertThat(v6.substring(v6.indexOf("2001:db8:ffff::240/64"))).contains("preferred_lft 30sec");
            assertThat(v6.lines().filter(l -> l.contains("2001:db8:ffff::241/64")).findFirst().orElseThrow())
                    .contains("home", "mngtmpaddr", "nodad");
        }
    }
}
