package org.keepvip.agent.signal;

import com.sun.jna.LastErrorException;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.keepvip.agent.unix.UnixDatagram;

/**
 * systemd's {@code sd_notify}: a datagram to {@code $NOTIFY_SOCKET}, so the unit can be
 * {@code Type=notify} and systemd knows when keepvip is ready (adverts running) and stopping.
 * The socket is a {@link UnixDatagram}. A path starting with {@code @} is in the abstract namespace. Failures are reported as {@code false}, never
 * thrown: a missing notification must not stop the daemon.
 */
public final class SdNotify {
    private final String socket;

    private SdNotify(String socket) {
        this.socket = socket;
    }

    /** The notifier for {@code $NOTIFY_SOCKET}, empty when not started by systemd with Type=notify. */
    public static Optional<SdNotify> fromEnvironment() {
        String s = System.getenv("NOTIFY_SOCKET");
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(new SdNotify(s));
    }

    /** A notifier for an explicit socket path (tests, or a non-standard supervisor). */
    public static SdNotify to(String socket) {
        return new SdNotify(socket);
    }

    public boolean ready() {
        return send("READY=1\nSTATUS=running\nMAINPID=" + ProcessHandle.current().pid());
    }

    public boolean reloading() {
        return send("RELOADING=1");
    }

    public boolean stopping() {
        return send("STOPPING=1");
    }

    public boolean status(String text) {
        return send("STATUS=" + text);
    }

    /** Sends {@code state} (newline-separated assignments) as one datagram. */
    public boolean send(String state) {
        byte[] msg = state.getBytes(StandardCharsets.UTF_8);
        int fd = -1;
        try {
            fd = UnixDatagram.open();
            UnixDatagram.connect(fd, socket);
            return UnixDatagram.send(fd, msg, msg.length) == msg.length;
        } catch (LastErrorException | IllegalArgumentException e) {
            return false; // no such socket, or a path no socket can have
        } finally {
            UnixDatagram.closeQuietly(fd);
        }
    }
}
