package org.keepvip.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Direct-mapped libc calls used by this module. Every call that can fail throws
 * {@link LastErrorException} carrying errno, so no caller has to read errno by hand.
 */
final class Libc {
    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private Libc() {}

    static native int open(String path, int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

    static native int getsockname(int fd, byte[] addr, int[] addrlen) throws LastErrorException;

    /*
     * sendto and recvfrom return ssize_t, read here as int: the low 32 bits of the return register,
     * exact on 32- and 64-bit Linux for any length under 2 GiB and for -1. A NativeLong return costs
     * a reflective construction per call in JNA (Klass.newInstance), on every VIP change.
     */

    static native int sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen)
            throws LastErrorException;

    /** Into native memory: a byte[] argument would be copied both ways in full (64 KiB) on every call. */
    static native int recvfrom(int fd, Pointer buf, NativeLong len, int flags, byte[] addr, int[] addrlen)
            throws LastErrorException;

    static native int setsockopt(int fd, int level, int optname, byte[] optval, int optlen)
            throws LastErrorException;

    static native int getsockopt(int fd, int level, int optname, byte[] optval, int[] optlen)
            throws LastErrorException;
}
