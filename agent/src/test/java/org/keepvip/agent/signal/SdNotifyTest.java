package org.keepvip.agent.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SdNotifyTest {
    private static final int MSG_DONTWAIT = 0x40;

    /** A bound AF_UNIX datagram socket playing systemd. */
    private static final class Receiver implements AutoCloseable {
        final int fd;

        Receiver(String path) {
            fd = TestLibc.socket(1, 2, 0);
            byte[] addr = SdNotify.sockaddr(path);
            TestLibc.bind(fd, addr, addr.length);
        }

        String receive(long millis) throws InterruptedException {
            byte[] buf = new byte[4096];
            long end = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < end) {
                try {
                    long n = TestLibc.recv(fd, buf, new NativeLong(buf.length), MSG_DONTWAIT).longValue();
                    return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
                } catch (LastErrorException e) {
                    Thread.sleep(10);
                }
            }
            return null;
        }

        @Override
        public void close() {
            TestLibc.close(fd);
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

    private static final class TestLibc {
        static {
            Native.register("c");
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

        static native NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }
}
