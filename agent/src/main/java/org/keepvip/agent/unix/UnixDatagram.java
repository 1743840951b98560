package org.keepvip.agent.unix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * AF_UNIX datagram sockets through JNA: Java's Unix-domain channels are stream-only, and both
 * syslog's {@code /dev/log} and systemd's {@code $NOTIFY_SOCKET} are datagram sockets. Every call that can fail throws {@link LastErrorException}
 * carrying errno. Sends never wait ({@code MSG_DONTWAIT}) and never raise SIGPIPE
 * ({@code MSG_NOSIGNAL}). Sockets are close-on-exec so notify scripts do not inherit them.
 */
public final class UnixDatagram {
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int SUN_PATH_MAX = 108;

    public static final int ENOENT = 2;
    public static final int EAGAIN = 11;
    public static final int ENOBUFS = 105;
    public static final int EMSGSIZE = 90;

    private UnixDatagram() {}

    /** A new unbound, unconnected datagram socket. */
    public static int open() throws LastErrorException {
        return Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    }

    /** Connects {@code fd} to {@code path}; throws IllegalArgumentException for an unusable path. */
    public static void connect(int fd, String path) throws LastErrorException {
        byte[] addr = sockaddr(path);
        Libc.connect(fd, addr, addr.length);
    }

    /** Binds {@code fd} to {@code path} (the receiving side: tests, or a syslog daemon). */
    public static void bind(int fd, String path) throws LastErrorException {
        byte[] addr = sockaddr(path);
        Libc.bind(fd, addr, addr.length);
    }

    /** Sends one datagram on a connected socket without waiting; returns the bytes sent. */
    public static long send(int fd, byte[] datagram, int length) throws LastErrorException {
        return Libc.send(fd, datagram, new NativeLong(length), MSG_DONTWAIT | MSG_NOSIGNAL).longValue();
    }

    /** Receives one datagram without waiting; throws with errno EAGAIN when none is queued. */
    public static int receive(int fd, byte[] buf) throws LastErrorException {
        return (int) Libc.recv(fd, buf, new NativeLong(buf.length), MSG_DONTWAIT).longValue();
    }

    /** Closes {@code fd}, ignoring errors (there is nothing a caller could do about them). */
    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // the descriptor is gone either way
        }
    }

    /** struct sockaddr_un: sa_family_t (native order), then the path; a leading '@' means abstract. */
    public static byte[] sockaddr(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length == 0 || p.length >= SUN_PATH_MAX) {
            throw new IllegalArgumentException("Unix socket path length " + p.length + " (expected: 1-"
                    + (SUN_PATH_MAX - 1) + ")");
        }
        boolean abstractNs = p[0] == '@';
        byte[] a = new byte[2 + p.length + (abstractNs ? 0 : 1)];
        a[ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : 1] = (byte) Libc.AF_UNIX;
        System.arraycopy(p, 0, a, 2, p.length);
        if (abstractNs) {
            a[2] = 0;
        }
        return a;
    }

}
