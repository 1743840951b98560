package org.keepvip.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.KeepalivedConfig;

/** Which GARPs and NAs wait, and how long: per garp_group, per interface, per message kind. */
class AnnouncePacingTest {
    private static final long MS = 1_000_000;

    @TempDir
    java.nio.file.Path dir;

    private AnnouncePacing pacing(String text) {
        try {
            java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve("k.conf"), text
                    + "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n"
                    + "  192.0.2.9/24\n }\n}\n");
            KeepalivedConfig c = ConfigParser.parse(f.toString(), new FileConfigSource(), null).config();
            return new AnnouncePacing(c.host(), c.global());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void withoutAGapEverythingGoesAtOnce() {
        AnnouncePacing p = pacing("");
        assertThat(p.unpaced("eth0")).isTrue();
        assertThat(p.book("eth0", new boolean[] {false, false, true}, 0)).containsExactly(0, 0, 0);
    }

    @Test
    void aGroupSpacesGarpsAndNasApartAndItsInterfacesShareTheSchedule() {
        AnnouncePacing p = pacing("garp_group {\n garp_interval 0.1\n gna_interval 0.05\n interfaces { eth0 eth1 }\n}\n");
        assertThat(p.unpaced("eth0")).isFalse();
        assertThat(p.book("eth0", new boolean[] {false, true, false, true}, 0))
                .containsExactly(0, 0, 100 * MS, 50 * MS);
        // eth1 shares eth0's schedule: its first GARP waits for the slot after eth0's two.
        assertThat(p.book("eth1", new boolean[] {false}, 10 * MS)).containsExactly(190 * MS);
        // Once the gap has passed, the next one goes at once.
        assertThat(p.book("eth1", new boolean[] {false}, 500 * MS)).containsExactly(0);
        assertThat(p.unpaced("eth2")).isTrue();
    }

    @Test
    void theGlobalIntervalsPaceEveryOtherInterfaceOnItsOwn() {
        AnnouncePacing p = pacing("global_defs {\n vrrp_garp_interval 0.02\n}\n"
                + "garp_group {\n gna_interval 1\n interface eth1\n}\n");
        assertThat(p.book("eth0", new boolean[] {false, false}, 0)).containsExactly(0, 20 * MS);
        assertThat(p.book("eth2", new boolean[] {false, false}, 0)).containsExactly(0, 20 * MS);
        // eth1's group sets no GARP gap: its GARPs are not paced by the global one.
        assertThat(p.book("eth1", new boolean[] {false, false, true, true}, 0))
                .containsExactly(0, 0, 0, Duration.ofSeconds(1).toNanos());
        assertThat(List.of(p.unpaced("eth1"))).containsExactly(false);
    }
}
