package org.keepvip.agent.packet;

import org.keepvip.agent.unix.Libc;
import org.keepvip.netlink.MacAddress;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@link InterfaceInfo} in the calling thread's network namespace.
 *
 * <p>Must work on a thread that entered a namespace with {@code setns}, where
 * {@code java.net.NetworkInterface}, {@code /proc/net} (the process's namespace) and
 * {@code /sys/class/net} (the namespace that mounted sysfs) all show the wrong interfaces. So: ifindex,
 * MAC and primary IPv4 come from {@code ioctl}s on a datagram socket made on this thread (a socket
 * belongs to its creator's namespace), and the link-local IPv6 address from
 * {@code /proc/thread-self/net/if_inet6}, which follows the thread.
 */
public final class InterfaceFacts {
    private static final Path IF_INET6 = Path.of("/proc/thread-self/net/if_inet6");
    private static final int SCOPE_LINK = 0x20;
    private static final int IFA_F_DADFAILED = 0x08;

    private InterfaceFacts() {}

    /** Looks up {@code name}; fails with a clear message if it does not exist or is not Ethernet. */
    public static InterfaceInfo lookup(String name) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length > 15) {
            throw new IOException("invalid interface name '" + name + "' (1..15 characters)");
        }
        int fd = querySocket(name);
        try {
            int index = ifreqInt(ioctl(fd, LinuxSockets.SIOCGIFINDEX, name));
            byte[] hw = ioctl(fd, LinuxSockets.SIOCGIFHWADDR, name);
            int hwType = Short.toUnsignedInt(ByteBuffer.wrap(hw, 16, 2).order(ByteOrder.nativeOrder()).getShort());
            if (hwType != LinuxSockets.ARPHRD_ETHER) {
                throw new IOException("interface " + name + " is not Ethernet (ARPHRD " + hwType + ")");
            }
            MacAddress mac = MacAddress.of(hw, 18);
            return new InterfaceInfo(name, index, mac, primaryIpv4(fd, name), linkLocal(index));
        } finally {
            LinuxSockets.closeQuietly(fd);
        }
    }

    /** The interface's MTU (SIOCGIFMTU), in the calling thread's namespace. */
    public static int mtu(String name) throws IOException {
        int fd = querySocket(name);
        try {
            return ifreqInt(ioctl(fd, LinuxSockets.SIOCGIFMTU, name));
        } finally {
            LinuxSockets.closeQuietly(fd);
        }
    }

    /** A socket for the ioctls, in the calling thread's namespace; the caller closes it. */
    private static int querySocket(String name) throws IOException {
        try {
            return LinuxSockets.datagramSocket(Libc.AF_INET);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a socket to query " + name + ": errno " + e.getErrorCode(), e);
        }
    }

    private static Optional<Inet4Address> primaryIpv4(int fd, String name) throws IOException {
        byte[] r = ifreq(name);
        try {
            Libc.ioctl(fd, LinuxSockets.SIOCGIFADDR, r);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LinuxSockets.EADDRNOTAVAIL) {
                return Optional.empty();
            }
            throw new IOException("SIOCGIFADDR " + name + ": errno " + e.getErrorCode(), e);
        }
        // struct sockaddr_in at offset 16: family(2) port(2) addr(4)
        byte[] a = new byte[4];
        System.arraycopy(r, 20, a, 0, 4);
        return Optional.of((Inet4Address) InetAddress.getByAddress(a));
    }

    private static Optional<Inet6Address> linkLocal(int index) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(IF_INET6, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // IPv6 disabled in this namespace
        }
        // address ifindex prefixlen scope flags name, all hex but the name
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || Integer.parseInt(f[1], 16) != index || Integer.parseInt(f[3], 16) != SCOPE_LINK
                    || (Integer.parseInt(f[4], 16) & IFA_F_DADFAILED) != 0) {
                continue;
            }
            return Optional.of(Inet6Address.getByAddress(null, HexFormat.of().parseHex(f[0]), index));
        }
        return Optional.empty();
    }

    private static byte[] ioctl(int fd, long request, String name) throws IOException {
        byte[] req = ifreq(name);
        try {
            Libc.ioctl(fd, request, req);
        } catch (LastErrorException e) {
            String why = e.getErrorCode() == LinuxSockets.ENODEV ? "no such interface" : "errno " + e.getErrorCode();
            throw new IOException("interface " + name + ": " + why, e);
        }
        return req;
    }

    private static byte[] ifreq(String name) {
        byte[] req = new byte[LinuxSockets.IFREQ_SIZE];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, req, 0, n.length);
        return req;
    }

    private static int ifreqInt(byte[] req) {
        return ByteBuffer.wrap(req, 16, 4).order(ByteOrder.nativeOrder()).getInt();
    }
}
