package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.LabProcess;
import org.keepvip.e2e.lab.Node;

/**
 * reload_time_file: a changed configuration takes effect at the time written in the file, not
 * before, and the file is gone afterwards; keepvip and keepalived (a lab each) given the same files
 * hold the same addresses after the scheduled reload.
 */
class ReloadTimeFileE2ETest {
    static final String VIP1 = "192.0.2.241";
    static final String VIP2 = "192.0.2.242";

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
        LabAssumptions.assumeBinaries("keepalived");
    }

    static String config(Path timeFile, String... vips) {
        return """
                global_defs {
                    reload_time_file %s
                }
                vrrp_instance VI_R {
                    state MASTER
                    interface eth0
                    virtual_router_id 91
                    priority 150
                    advert_int 1
                    virtual_ipaddress {
                        %s
                    }
                }
                """.formatted(timeFile, String.join("\n        ", List.of(vips).stream().map(v -> v + "/24").toList()));
    }

    /** Runs one agent through a scheduled reload; returns the node's addresses on eth0 after it. */
    static List<String> scheduledReload(boolean keepalived) throws Exception {
        try (Lab lab = Lab.builder().host(keepalived ? "k" : "v").build()) {
            Node n = lab.node(keepalived ? "k" : "v");
            Path timeFile = lab.tempDir().resolve("reload.time");
            String label = keepalived ? "karl" : "kvrl";
            Path log;
            if (keepalived) {
                log = Agents.keepalived(lab, n, label, config(timeFile, VIP1)).log();
            } else {
                log = Agents.keepvip(lab, n, label, config(timeFile, VIP1)).process().log();
            }
            Await.until(Duration.ofSeconds(8), "MASTER with " + VIP1, () -> lab.hasAddress(n, VIP1));
            // The new file is in place; nothing happens until the time in reload.time.
            lab.writeFile(label + ".conf", config(timeFile, VIP1, VIP2));
            String at = LocalDateTime.ofInstant(Instant.now().plusSeconds(4), ZoneOffset.UTC)
                    .format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "Z";
            Files.writeString(timeFile, at + "\n");
            Await.until(Duration.ofSeconds(2), "the reload scheduled",
                    () -> Agents.read(log).contains("Scheduling reload for"));
            assertThat(lab.hasAddress(n, VIP2)).as("not before the time").isFalse();
            Await.until(Duration.ofSeconds(12), VIP2 + " after the scheduled reload (log: " + log + ")",
                    () -> lab.hasAddress(n, VIP2));
            assertThat(Instant.now()).as("not before " + at)
                    .isAfterOrEqualTo(LocalDateTime.parse(LocalDateTime.now(ZoneOffset.UTC).toLocalDate() + "T"
                            + at.substring(0, 8)).toInstant(ZoneOffset.UTC));
            Await.until(Duration.ofSeconds(2), "the time file removed", () -> !Files.exists(timeFile));
            return lab.addresses(n).stream().filter(a -> a.startsWith("192.0.2.24")).sorted().toList();
        }
    }

    @Test
    void aReloadHappensAtTheTimeInTheFileAsKeepalivedDoesIt() throws Exception {
        List<String> keepvip = scheduledReload(false);
        assertThat(keepvip).containsExactly(VIP1 + "/24", VIP2 + "/24");
        assertThat(scheduledReload(true)).as("keepalived with the same files").isEqualTo(keepvip);
    }
}
