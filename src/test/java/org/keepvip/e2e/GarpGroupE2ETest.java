package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/** A garp_group's garp_interval spaces the gratuitous ARPs of a takeover on the wire. */
class GarpGroupE2ETest {
    static final String VIP = "192.0.2.235";
    static final String VIP2 = "192.0.2.236";
    static final int GARPS = 6;

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("tcpdump");
    }

    @Test
    void gratuitousArpsLeaveAtLeastTheGroupsIntervalApart() throws Exception {
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            LabProcess dump = lab.start(a, "tcpdump", "tcpdump", "-i", "eth0", "-n", "-p", "-tt",
                    "--time-stamp-precision=nano", "-c", Integer.toString(GARPS), "arp");
            Await.until(Duration.ofSeconds(5), "tcpdump listening",
                    () -> Agents.read(dump.log()).contains("listening on"));
            String config = "garp_group {\n    garp_interval 0.2\n    interface eth0\n}\n"
                    + Configs.v2Multicast(66, 150, VIP, false)
                            .replace(VIP + "/24", VIP + "/24\n        " + VIP2 + "/24")
                            .replace("advert_int 1", "advert_int 1\n    garp_master_repeat 3\n    garp_master_delay 0");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", config);
            try {
                Await.until(Duration.ofSeconds(15), GARPS + " GARPs captured", () -> !dump.isAlive());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + Agents.read(dump.log()) + "\n"
                        + Agents.read(ka.process().log()), e);
            }
            List<BigDecimal> stamps = Agents.read(dump.log()).lines().filter(l -> l.contains("ARP"))
                    .map(l -> new BigDecimal(l.substring(0, l.indexOf(' ')))).toList();
            assertThat(stamps).hasSize(GARPS);
            for (int i = 1; i < stamps.size(); i++) {
                double gapMs = stamps.get(i).subtract(stamps.get(i - 1)).doubleValue() * 1000;
                assertThat(gapMs).as("gap before GARP %d, ms", i + 1).isGreaterThanOrEqualTo(195);
            }
        }
    }
}
