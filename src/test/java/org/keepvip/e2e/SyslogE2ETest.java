package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
            int fd = Libc.socket(1, 2, 0);
            try {
                byte[] addr = sockaddr(sock.toString());
                Libc.bind(fd, addr, addr.length);
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
                Libc.close(fd);
            }
        }
    }

    private static void drain(int fd, List<String> into) {
        byte[] buf = new byte[65536];
        while (true) {
            try {
                long n = Libc.recv(fd, buf, new NativeLong(buf.length), 0x40 /* MSG_DONTWAIT */).longValue();
                into.add(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
            } catch (LastErrorException e) {
                return;
            }
        }
    }

    private static byte[] sockaddr(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        byte[] a = new byte[2 + p.length + 1];
        a[ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : 1] = 1;
        System.arraycopy(p, 0, a, 2, p.length);
        return a;
    }

    private static final class Libc {
        static {
            Native.register("c");
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

        static native NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }
}
