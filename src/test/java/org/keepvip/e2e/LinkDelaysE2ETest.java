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
 * interface_up_down_delays on a real carrier loss: a cut shorter than the down delay leaves the
 * MASTER alone; a longer one puts it in FAULT only once the delay has run out.
 */
class LinkDelaysE2ETest {
    static final String VIP = "192.0.2.232";

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    @Test
    void aCutShorterThanTheDownDelayIsIgnoredAndALongerOneCountsAfterIt() throws Exception {
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva",
                    "interface_up_down_delays {\n    eth0 3 0\n}\n" + Configs.v2Multicast(62, 150, VIP, false));
            Await.until(Duration.ofSeconds(8), "a MASTER with the VIP", () -> Agents.holds(lab, a, VIP));

            lab.cutLink(a);
            Await.until(Duration.ofSeconds(3), "the cut seen and held back",
                    () -> Agents.read(ka.process().log()).contains("(eth0) link down - acting on it in 3.0 s"));
            lab.restoreLink(a);
            Await.until(Duration.ofSeconds(3), "the restore seen within the delay",
                    () -> Agents.read(ka.process().log()).contains("(eth0) link up again within its delay"));
            assertThat(ka.state()).contains("MASTER");
            // A FAULT of the short cut would have been logged before the line just awaited.
            assertThat(Agents.read(ka.process().log())).as("no FAULT from the short cut")
                    .doesNotContain("Entering FAULT STATE");

            long t0 = System.nanoTime();
            lab.cutLink(a);
            Await.until(Duration.ofSeconds(8), "FAULT after the down delay", () -> ka.state().orElse("").equals("FAULT"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("ms from the cut to FAULT").isGreaterThanOrEqualTo(2900);
            // The line of the FAULT just seen may not be written yet (async log writer): await it, then count.
            String log = ka.process().awaitOccurrences("Entering FAULT STATE", 1);
            assertThat(log.split("Entering FAULT STATE", -1)).as("one FAULT: the short cut made none").hasSize(2);
            lab.restoreLink(a);
            Await.until(Duration.ofSeconds(8), "MASTER again at once (no up delay)",
                    () -> ka.state().orElse("").equals("MASTER"));
        }
    }
}
