package org.keepvip.agent.unix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The agent's libc calls, direct-mapped in one place: every package that needs a system call the
 * JDK lacks (scripts and FIFOs, trackers, probes, packet sockets, the loop's readiness, the control
 * socket, the umask, thread scheduling) calls it here, and keeps only its own constants and structure layouts. Every
 * call that can fail throws {@link LastErrorException} carrying errno. (netlink binds its own few
 * socket calls: it must not depend on the agent.)
 *
 * <p>Overloads map to the same symbol with the argument types each caller needs (a {@code byte[]}
 * copied both ways, or native memory it holds).
 */
public final class Libc {
    public static final int EPERM = 1;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    /** socket(2)'s domains and types. */
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_PACKET = 17;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;

    static {
        Native.register("c");
    }

    private Libc() {}

    // ------------------------------------------------------------ files and descriptors

    public static native int open(String path, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native NativeLong read(int fd, Pointer buf, NativeLong count) throws LastErrorException;

    public static native NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    public static native NativeLong write(int fd, Pointer buf, NativeLong count) throws LastErrorException;

    public static native int mkfifo(String path, int mode) throws LastErrorException;

    public static native int chown(String path, int uid, int gid) throws LastErrorException;

    public static native int umask(int mask);

    public static native int poll(Pointer fds, NativeLong nfds, int timeout) throws LastErrorException;

    public static native int ppoll(Pointer fds, NativeLong nfds, Pointer timeout, Pointer sigmask)
            throws LastErrorException;

    public static native int eventfd(int initval, int flags) throws LastErrorException;

    public static native int inotify_init1(int flags) throws LastErrorException;

    public static native int inotify_add_watch(int fd, String path, int mask) throws LastErrorException;

    public static native NativeLong syscall(NativeLong number, int arg1, int arg2) throws LastErrorException;

    // ------------------------------------------------------------ processes and users

    /** The size of a memory page in bytes; cannot fail. */
    public static native int getpagesize();

    public static native int kill(int pid, int sig) throws LastErrorException;

    public static native int geteuid();

    public static native int getegid();

    public static native Pointer getpwnam(String name);

    public static native Pointer getpwuid(int uid);

    public static native Pointer getgrnam(String name);

    public static native Pointer getgrgid(int gid);

    /** gettid(2) through syscall: glibc has a wrapper only since 2.30, and a missing symbol fails every call here. */
    public static int gettid() {
        return syscall(new NativeLong(Platform.isIntel() ? 186 : 178), 0, 0).intValue(); // x86_64; the generic table (aarch64, riscv64)
    }

    // ------------------------------------------------------------ scheduling and limits

    /** glibc's wrapper; on Linux {@code pid} may be any thread id of the process (0: the caller). */
    public static native int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;

    public static native int sched_getscheduler(int pid) throws LastErrorException;

    public static native int sched_getparam(int pid, int[] param) throws LastErrorException;

    public static native int sched_setaffinity(int pid, NativeLong size, long[] mask) throws LastErrorException;

    /** On Linux, {@code which} PRIO_PROCESS with {@code who} 0 is the calling thread. */
    public static native int setpriority(int which, int who, int prio) throws LastErrorException;

    public static native int getpriority(int which, int who) throws LastErrorException;

    /** {@code rlim}: {@code struct rlimit} on 64-bit Linux, the soft and the hard limit. */
    public static native int setrlimit(int resource, long[] rlim) throws LastErrorException;

    public static native int mlockall(int flags) throws LastErrorException;

    /** A system call with a structure argument (sched_setattr(2)), written to native memory first. */
    public static native NativeLong syscall(NativeLong number, int arg1, Pointer arg2, int arg3)
            throws LastErrorException;

    // ------------------------------------------------------------ sockets

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

    public static native int connect(int fd, byte[] addr, int addrlen) throws LastErrorException;

    public static native int setsockopt(int fd, int level, int name, byte[] value, int length)
            throws LastErrorException;

    public static native int ioctl(int fd, long request, byte[] ifreq) throws LastErrorException;

    public static native int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

    public static native NativeLong send(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    public static native NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    public static native NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen)
            throws LastErrorException;

    public static native NativeLong recvfrom(int fd, byte[] buf, NativeLong len, int flags, byte[] addr,
            int[] addrLen) throws LastErrorException;
}
