package org.keepvip.agent.signal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * systemd's {@code sd_notify}: a datagram to {@code $NOTIFY_SOCKET}, so the unit can be
 * {@code Type=notify} and systemd knows when keepvip is ready (adverts running) and stopping.
 * Java's Unix-domain channels are stream-only, so the socket is made with JNA. A path starting
 * with {@code @} is in the abstract namespace. Failures are reported as {@code false}, never
 * thrown: a missing notification must not stop the daemon.
 */
public final class SdNotify {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH_MAX = 108;

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
        byte[] addr = sockaddr(socket);
        if (addr == null) {
            return false;
        }
        byte[] msg = state.getBytes(StandardCharsets.UTF_8);
        int fd;
        try {
            fd = Libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            return false;
        }
        try {
            long n = Libc.sendto(fd, msg, new NativeLong(msg.length), MSG_NOSIGNAL, addr, addr.length).longValue();
            return n == msg.length;
        } catch (LastErrorException e) {
            return false;
        } finally {
            try {
                Libc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do
            }
        }
    }

    /** struct sockaddr_un: sa_family_t (native order) then the path; '@' means abstract. */
    static byte[] sockaddr(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length == 0 || p.length >= SUN_PATH_MAX) {
            return null;
        }
        boolean abstractNs = p[0] == '@';
        int len = 2 + p.length + (abstractNs ? 0 : 1);
        byte[] a = new byte[len];
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        a[little ? 0 : 1] = (byte) AF_UNIX;
        System.arraycopy(p, 0, a, 2, p.length);
        if (abstractNs) {
            a[2] = 0;
        }
        return a;
    }

    private static final class Libc {
        static {
            Native.register("c");
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen)
                throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }
}
