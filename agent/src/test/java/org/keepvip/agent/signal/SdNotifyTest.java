package org.keepvip.agent.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.unix.UnixDatagram;

class SdNotifyTest {

    /** A bound AF_UNIX datagram socket playing systemd. */
    private static final class Receiver implements AutoCloseable {
        final int fd;

        Receiver(String path) {
            fd = UnixDatagram.open();
            UnixDatagram.bind(fd, path);
        }

        String receive(long millis) throws InterruptedException {
            byte[] buf = new byte[4096];
            long end = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < end) {
                try {
                    int n = UnixDatagram.receive(fd, buf);
                    return new String(buf, 0, n, StandardCharsets.UTF_8);
                } catch (LastErrorException e) {
                    Thread.sleep(10); // nothing queued yet: poll the non-blocking socket
                }
            }
            return null;
        }

        @Override
        public void close() {
            UnixDatagram.closeQuietly(fd);
        }
    }

    @Test
    void sendsReadyAndStoppingToAFilesystemSocket() throws Exception {
        Path dir = Files.createTempDirectory("kvt-sd");
        Path sock = dir.resolve("notify");
        try (Receiver r = new Receiver(sock.toString())) {
            SdNotify n = SdNotify.to(sock.toString());
            assertThat(n.ready()).isTrue();
            assertThat(r.receive(5000)).isEqualTo("READY=1\nSTATUS=running\nMAINPID=" + ProcessHandle.current().pid());
            assertThat(n.stopping()).isTrue();
            assertThat(r.receive(5000)).isEqualTo("STOPPING=1");
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void supportsTheAbstractNamespace() throws Exception {
        String name = "@kvt-sd-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (Receiver r = new Receiver(name)) {
            assertThat(SdNotify.to(name).status("2 instances")).isTrue();
            assertThat(r.receive(5000)).isEqualTo("STATUS=2 instances");
        }
    }

    @Test
    void failuresAreFalseNotExceptions() {
        assertThat(SdNotify.to("/nonexistent/dir/notify").ready()).isFalse();
        assertThat(SdNotify.to("").ready()).isFalse();
        assertThat(SdNotify.to("/" + "x".repeat(200)).ready()).isFalse();
    }
}
