package org.keepvip.agent.packet;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import org.keepvip.agent.unix.Libc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The packet layer's socket and ioctl constants and helpers; the calls are {@link Libc}'s (errors as {@link LastErrorException}). */
final class LinuxSockets {
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCGIFADDR = 0x8915;
    static final long SIOCGIFHWADDR = 0x8927;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCGIFINDEX = 0x8933;
    static final int IFREQ_SIZE = 40;
    static final int ARPHRD_ETHER = 1;
    static final int EADDRNOTAVAIL = 99;
    static final int ENODEV = 19;

    private LinuxSockets() {}

    /** A socket of the given family in the calling thread's network namespace. */
    static int datagramSocket(int family) throws LastErrorException {
        return Libc.socket(family, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    }

    /** An int socket option's value, in the host's byte order. */
    static byte[] intValue(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do: the descriptor is gone either way
        }
    }
}
