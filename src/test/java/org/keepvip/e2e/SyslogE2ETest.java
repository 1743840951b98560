package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.unix.UnixDatagram;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;

/** {@code keepvip run -S 3}: the real daemon's transitions reach a syslog socket as local3 records. */
class SyslogE2ETest {
    static final String VIP = "192.0.2.205";

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    @Test
    void dashS3SendsTheTransitionsToTheSyslogSocketAndNotToTheConsole() throws Exception {
        try (Lab lab = Lab.builder().host("a").build()) {
            Node a = lab.node("a");
            Path sock = lab.tempDir().resolve("dev-log");
            int fd = UnixDatagram.open();
            try {
                UnixDatagram.bind(fd, sock.toString());
                Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", Configs.v2Multicast(57, 150, VIP, false),
                        "-S", "3", "--syslog-socket", sock.toString());
                long pid = ka.process().pid();
                List<String> records = new ArrayList<>();
                Await.until(Duration.ofSeconds(10), "Entering MASTER STATE in syslog (" + records + ")", () -> {
                    drain(fd, records);
                    return records.stream().anyMatch(r -> r.endsWith("(VI_1) Entering MASTER STATE"));
                });
                // local3 (19) * 8 + info (6) = 158
                assertThat(records).anySatisfy(r -> assertThat(r).matches(
                        "<158>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d keepvip\\[" + pid
                                + "\\]: \\(VI_1\\) Entering MASTER STATE"));
                assertThat(records).noneMatch(r -> r.contains("\n"));
                assertThat(Agents.read(ka.process().log())).as("no console without -l")
                        .doesNotContain("Entering MASTER STATE");
            } finally {
                UnixDatagram.closeQuietly(fd);
            }
        }
    }

    private static void drain(int fd, List<String> into) {
        byte[] buf = new byte[65536];
        while (true) {
            try {
                int n = UnixDatagram.receive(fd, buf);
                into.add(new String(buf, 0, n, StandardCharsets.UTF_8));
            } catch (LastErrorException e) {
                return; // EAGAIN: nothing more queued
            }
        }
    }
}
