package org.keepvip.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;
import org.keepvip.e2e.lab.Subnet;

/**
 * The master's adverts to the backup lost, delayed, duplicated and reordered at 100 ms adverts
 * (b's master_down_interval 360.9 ms). The impairment is {@code advert_impairment.py}, a userspace
 * netem between b and the lab's switch (this kernel has no sch_netem), which logs what it did to
 * each advert. For each phase the adverts reaching b are captured on b; a gap longer than b's down
 * timer (three lost in a row, at most, a fourth late) is what may make b take over. Asserted: b's
 * takeovers in a phase are no more than such gaps in it (0 spurious takeovers), and the phases
 * without loss (jitter, duplication, reordering) have neither. The runs of lost adverts and the
 * takeovers are printed per phase.
 */
class AdvertImpairmentE2ETest {
    static final String VIP = "192.0.2.232";
    static final int ADVERT_MS = 100;
    static final int ADVERTS = 120;
    /** Capture and timer disagree by scheduling only: a gap this much shorter than the timer still counts. */
    static final double TOLERANCE_MS = 10;

    record Phase(String name, String settings, boolean lossy) {}

    static final List<Phase> PHASES = List.of(
            new Phase("loss5", "loss=0.05", true),
            new Phase("loss20", "loss=0.20", true),
            new Phase("loss50", "loss=0.50", true),
            new Phase("jitter50", "delay=50 jitter=50", false),
            new Phase("dup50", "dup=0.5", false),
            new Phase("reorder25", "reorder=0.25 reorder_ms=150", false));

    @BeforeAll
    static void prerequisites() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("tcpdump");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs python3");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void takeoversHappenOnlyWhereTheDownTimersWorthOfAdvertsWasLost() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").build()) {
            Node sw = new Node("sw", lab.switchNamespace(), "q-b", Subnet.ONE, "", "", "", "");
            Node b = lab.node("b");
            // b's switch port leaves the bridge; the relay joins it to a new port of the bridge.
            for (String[] cmd : List.of(new String[] {"ip", "link", "set", b.switchPort(), "nomaster"},
                    new String[] {"ip", "link", "add", "q-b", "type", "veth", "peer", "name", "q-br"},
                    new String[] {"ip", "link", "set", "q-br", "master", Subnet.ONE.bridge()},
                    new String[] {"ip", "link", "set", "q-br", "up"},
                    new String[] {"ip", "link", "set", "q-b", "up"})) {
                lab.exec(sw, cmd).orThrow();
            }
            Path settings = lab.writeFile("impairment", "none\n");
            Path script = Path.of(getClass().getResource("/advert_impairment.py").toURI());
            LabProcess relay = lab.start(sw, "impairment", "/usr/bin/python3", "-u", script.toString(), "q-b",
                    b.switchPort(), lab.node("a").ipv4(), settings.toString());
            Await.until(Duration.ofSeconds(10), "relay ready", () -> relay.output().contains("ready"));

            PlainPair p = new PlainPair(lab, VIP, 82, ADVERT_MS, List.of(), List.of());
            double downMs = p.masterDownMs();
            List<String> report = new ArrayList<>();
            int spurious = 0;
            for (Phase ph : PHASES) {
                Await.until(Duration.ofSeconds(10), "b BACKUP before " + ph.name(),
                        () -> "BACKUP".equals(PlainPair.state(p.socketB)));
                long before = p.takeoversByB();
                Files.writeString(settings, ph.name() + " " + ph.settings() + "\n");
                double[] gaps = AdvertCapture.start(lab, b, p.a, "capture-" + ph.name(), ADVERTS)
                        .awaitGaps(Duration.ofSeconds(120));
                Files.writeString(settings, "none\n");
                long takeovers = p.takeoversByB() - before;
                long longGaps = java.util.Arrays.stream(gaps).filter(g -> g >= downMs - TOLERANCE_MS).count();
                Runs runs = Runs.of(relay.output(), ph.name());
                // The relay's log is the record of what it dropped: a run of three lost adverts (a gap of
                // four intervals, longer than b's down timer) explains a takeover too when it fell just
                // after the capture's last advert, before the phase's impairment was switched off.
                long explained = Math.max(longGaps, runs.atLeast3());
                String line = String.format("%-9s %s; lost %d of %d, longest run %d, runs >= 3: %d; gaps >= %.0f ms:"
                        + " %d; b took over %d time(s); spurious %d", ph.name(), AdvertCapture.summary(gaps),
                        runs.lost(), runs.seen(), runs.longest(), runs.atLeast3(), downMs - TOLERANCE_MS, longGaps,
                        takeovers, Math.max(0, takeovers - explained));
                System.out.println("[impairment] " + line);
                report.add(line);
                spurious += (int) Math.max(0, takeovers - explained);
                if (!ph.lossy()) {
                    assertThat(runs.lost()).as(ph.name() + ": nothing lost").isZero();
                }
            }
            System.out.println("[impairment] spurious takeovers in all: " + spurious);
            assertThat(spurious).as("takeovers without a gap of b's down timer:\n" + String.join("\n", report))
                    .isZero();
            assertThat(p.ka.output()).doesNotContain("Exception");
            assertThat(p.kb.output()).doesNotContain("Exception");
        }
    }

    /** The relay's decisions for one phase: adverts seen, lost, and runs of consecutive losses. */
    record Runs(int seen, int lost, int longest, int atLeast3) {
        static Runs of(String relayLog, String phase) {
            int seen = 0;
            int lost = 0;
            int run = 0;
            int longest = 0;
            int atLeast3 = 0;
            for (String l : relayLog.lines().filter(l -> l.startsWith(phase + " ")).toList()) {
                seen++;
                if (l.endsWith(" drop")) {
                    lost++;
                    run++;
                    longest = Math.max(longest, run);
                    if (run == 3) {
                        atLeast3++;
                    }
                } else {
                    run = 0;
                }
            }
            return new Runs(seen, lost, longest, atLeast3);
        }
    }
}
