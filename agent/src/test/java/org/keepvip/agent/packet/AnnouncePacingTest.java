package org.keepvip.agent.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keepvip.agent.config.FileConfigSource;
import org.keepvip.vrrp.config.ConfigParser;
import org.keepvip.vrrp.config.KeepalivedConfig;

/** Which GARPs and NAs wait, and how long: per garp_group, per interface, per message kind. */
class AnnouncePacingTest {
    private static final long MS = 1_000_000;

    record Timer(long at, Runnable task) {}

    long now;
    final List<Timer> timers = new java.util.ArrayList<>();
    final List<String> sent = new java.util.ArrayList<>();

    /** Moves the clock to {@code t} ms and runs the timers due by then, in order. */
    void advanceTo(long ms) {
        while (true) {
            Timer next = timers.stream().filter(t -> t.at() <= ms * MS).min(java.util.Comparator.comparingLong(Timer::at))
                    .orElse(null);
            if (next == null) {
                now = ms * MS;
                return;
            }
            timers.remove(next);
            now = Math.max(now, next.at());
            next.task().run();
        }
    }

    Runnable send(String what) {
        return () -> sent.add(what + "@" + now / MS);
    }

    @TempDir
    java.nio.file.Path dir;

    private AnnouncePacing pacing(String text) {
        try {
            java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve("k.conf"), text
                    + "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n"
                    + "  192.0.2.9/24\n }\n}\n");
            KeepalivedConfig c = ConfigParser.parse(f.toString(), new FileConfigSource(), null).config();
            return new AnnouncePacing(c.host(), c.global(), () -> now, (task, ns) -> timers.add(new Timer(now + ns, task)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void withoutAGapEverythingGoesAtOnce() {
        AnnouncePacing p = pacing("");
        assertThat(p.unpaced("eth0")).isTrue();
        p.submit("eth0", false, send("g1"));
        p.submit("eth0", false, send("g2"));
        assertThat(sent).containsExactly("g1@0", "g2@0");
        assertThat(timers).isEmpty();
    }

    @Test
    void aGroupSpacesGarpsAndNasApartAndItsInterfacesShareTheSchedule() {
        AnnouncePacing p = pacing("garp_group {\n garp_interval 0.1\n gna_interval 0.05\n interfaces { eth0 eth1 }\n}\n");
        assertThat(p.unpaced("eth0")).isFalse();
        p.submit("eth0", false, send("g1"));
        p.submit("eth0", true, send("n1"));
        p.submit("eth0", false, send("g2"));
        p.submit("eth0", true, send("n2"));
        p.submit("eth1", false, send("g3")); // eth1 shares eth0's schedule
        assertThat(sent).containsExactly("g1@0", "n1@0");
        advanceTo(1000);
        assertThat(sent).containsExactly("g1@0", "n1@0", "n2@50", "g2@100", "g3@200");
        p.submit("eth1", false, send("g4")); // long after: at once
        assertThat(sent).last().isEqualTo("g4@1000");
        assertThat(p.unpaced("eth2")).isTrue();
    }

    @Test
    void aLateTimerNeverShortensTheGapOnTheWire() {
        AnnouncePacing p = pacing("garp_group {\n garp_interval 0.2\n interface eth0\n}\n");
        p.submit("eth0", false, send("g1"));
        p.submit("eth0", false, send("g2"));
        p.submit("eth0", false, send("g3"));
        // The timer fires 70 ms late: g2 goes at 270, and g3 still waits its full gap after it.
        Timer t = timers.remove(0);
        now = 270 * MS;
        t.task().run();
        advanceTo(1000);
        assertThat(sent).containsExactly("g1@0", "g2@270", "g3@470");
    }

    @Test
    void theGlobalIntervalsPaceEveryOtherInterfaceOnItsOwn() {
        AnnouncePacing p = pacing("global_defs {\n vrrp_garp_interval 0.02\n}\n"
                + "garp_group {\n gna_interval 1\n interface eth1\n}\n");
        p.submit("eth0", false, send("a1"));
        p.submit("eth0", false, send("a2"));
        p.submit("eth2", false, send("b1"));
        p.submit("eth1", false, send("c1")); // the group sets no GARP gap: not paced by the global one
        p.submit("eth1", false, send("c2"));
        p.submit("eth1", true, send("n1"));
        p.submit("eth1", true, send("n2"));
        advanceTo(5000);
        assertThat(sent).containsExactly("a1@0", "b1@0", "c1@0", "c2@0", "n1@0", "a2@20", "n2@1000");
    }
}
