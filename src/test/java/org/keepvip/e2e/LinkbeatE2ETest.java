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
 * linkbeat_interfaces: the link state of eth0 comes from asking the driver once a second (a veth
 * answers ETHTOOL_GLINK), so a pulled cable is seen as keepalived sees it, "Linkbeat reports eth0 down",
 * and the instance goes to FAULT; back up, it returns.
 */
class LinkbeatE2ETest {
    static final String VIP = "192.0.2.231";
    static final Duration TAKEOVER = Duration.ofSeconds(8);

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    static String config(int priority) {
        return """
                linkbeat_interfaces {
                    eth0 ETHTOOL
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 74
                    priority %d
                    advert_int 1
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(priority, VIP);
    }

    @Test
    void aPulledCableIsSeenByPollingTheDriver() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", config(150));
            Agents.keepvip(lab, b, "kvb", config(100));
            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            // Each line is awaited: keepvip's log writer thread writes it some time after the state seen.
            assertThat(ka.process().awaitOutput("Using MII-BMSR/ETHTOOL NIC polling thread(s)..."))
                    .contains("Using MII-BMSR/ETHTOOL NIC polling thread(s)...");

            lab.cutLink(a);
            Await.until(Duration.ofSeconds(5), "a FAULT", () -> ka.state().orElse("").equals("FAULT"));
            assertThat(ka.process().awaitOutput("Linkbeat reports eth0 down")).contains("Linkbeat reports eth0 down");
            awaitHolder(lab, VIP, b, TAKEOVER, a, b);

            lab.restoreLink(a);
            awaitHolder(lab, VIP, a, TAKEOVER, a, b);
            assertThat(ka.process().awaitOutput("Linkbeat reports eth0 up")).contains("Linkbeat reports eth0 up");
        }
    }
}
