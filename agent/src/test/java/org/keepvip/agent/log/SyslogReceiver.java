package org.keepvip.agent.log;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.keepvip.agent.unix.UnixDatagram;

/** A bound AF_UNIX datagram socket playing syslogd, through the appender's own JNA binding. */
final class SyslogReceiver implements AutoCloseable {
    final Path dir;
    final Path path;
    private int fd;

    SyslogReceiver() throws IOException {
        dir = Files.createTempDirectory("kvt-syslog");
        path = dir.resolve("log");
        bind();
    }

    /** (Re)creates the socket file, as a restarted syslog daemon does. */
    void bind() {
        fd = UnixDatagram.open();
        UnixDatagram.bind(fd, path.toString());
    }

    /** Closes and unlinks the socket, as a stopped syslog daemon does. */
    void unbind() throws IOException {
        UnixDatagram.closeQuietly(fd);
        fd = -1;
        Files.deleteIfExists(path);
    }

    /** The next datagram, or null after {@code millis}. */
    String receive(long millis) throws InterruptedException {
        byte[] buf = new byte[65536];
        long end = System.nanoTime() + millis * 1_000_000;
        do {
            try {
                int n = UnixDatagram.receive(fd, buf);
                return new String(buf, 0, n, StandardCharsets.UTF_8);
            } catch (LastErrorException e) {
                Thread.sleep(5);
            }
        } while (System.nanoTime() < end);
        return null;
    }

    @Override
    public void close() throws IOException {
        unbind();
        Files.deleteIfExists(dir);
    }
}
