package org.keepvip.agent.signal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Run by {@link CapabilitiesTest} in a child JVM as an unprivileged user: does the two privileged
 * things keepvip needs, with JNA and no external command, and prints the outcome of each.
 * <ol>
 *   <li>Opens an AF_PACKET raw socket (what pcap needs): needs CAP_NET_RAW.
 *   <li>Adds an IPv4 address to {@code lo} with an rtnetlink RTM_NEWADDR and reads the ACK: needs
 *       CAP_NET_ADMIN.
 *   <li>Moves its own thread into SCHED_BATCH, as the daemon does with its background threads: needs
 *       nothing.
 * </ol>
 * Output: {@code packet=ok|errno N}, {@code netlink=ok|errno N} and {@code sched=ok|errno N}, one per line.
 */
public final class CapProbe {
    private static final int AF_NETLINK = 16;
    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final int ETH_P_ALL_BE = 0x0300; // htons(0x0003)
    private static final int RTM_NEWADDR = 20;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_ACK = 4;
    private static final int NLM_F_EXCL = 0x200;
    private static final int NLM_F_CREATE = 0x400;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;

    private CapProbe() {}

    public static void main(String[] args) throws Exception {
        byte[] addr = InetAddress.getByName(args[0]).getAddress();
        int ifindex = Integer.parseInt(args[1]);
        System.out.println("packet=" + packetSocket());
        System.out.println("netlink=" + addAddress(addr, ifindex));
        System.out.println("sched=" + batchScheduling());
    }

    private static final int SCHED_BATCH = 3;

    private static String batchScheduling() {
        try {
            Libc.sched_setscheduler(0, SCHED_BATCH, new int[] {0});
            return Libc.sched_getscheduler(0) == SCHED_BATCH ? "ok" : "not applied";
        } catch (LastErrorException e) {
            return "errno " + e.getErrorCode();
        }
    }

    private static String packetSocket() {
        try {
            int fd = Libc.socket(AF_PACKET, SOCK_RAW, ETH_P_ALL_BE);
            Libc.close(fd);
            return "ok";
        } catch (LastErrorException e) {
            return "errno " + e.getErrorCode();
        }
    }

    private static String addAddress(byte[] addr, int ifindex) {
        int fd;
        try {
            fd = Libc.socket(AF_NETLINK, SOCK_RAW, 0);
        } catch (LastErrorException e) {
            return "socket errno " + e.getErrorCode();
        }
        try {
            ByteBuffer b = ByteBuffer.allocate(16 + 8 + 8 + 8).order(ByteOrder.nativeOrder());
            b.putInt(b.capacity()).putShort((short) RTM_NEWADDR)
                    .putShort((short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL))
                    .putInt(1).putInt(0);
            b.put((byte) 2).put((byte) 32).put((byte) 0).put((byte) 0).putInt(ifindex); // ifaddrmsg
            b.putShort((short) 8).putShort((short) IFA_LOCAL).put(addr);
            b.putShort((short) 8).putShort((short) IFA_ADDRESS).put(addr);
            byte[] kernel = new byte[12];
            kernel[0] = (byte) AF_NETLINK; // sockaddr_nl, pid 0 = the kernel (little-endian family)
            if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN) {
                kernel[0] = 0;
                kernel[1] = (byte) AF_NETLINK;
            }
            byte[] msg = b.array();
            Libc.sendto(fd, msg, new NativeLong(msg.length), 0, kernel, kernel.length);
            byte[] reply = new byte[8192];
            long n = Libc.recv(fd, reply, new NativeLong(reply.length), 0).longValue();
            ByteBuffer r = ByteBuffer.wrap(reply, 0, (int) n).order(ByteOrder.nativeOrder());
            if (n < 20 || r.getShort(4) != NLMSG_ERROR) {
                return "unexpected reply";
            }
            int error = r.getInt(16);
            return error == 0 ? "ok" : "errno " + -error;
        } catch (LastErrorException e) {
            return "errno " + e.getErrorCode();
        } finally {
            Libc.close(fd);
        }
    }

    private static final class Libc {
        static {
            Native.register("c");
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen)
                throws LastErrorException;

        static native NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        static native int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;

        static native int sched_getscheduler(int pid) throws LastErrorException;
    }
}
