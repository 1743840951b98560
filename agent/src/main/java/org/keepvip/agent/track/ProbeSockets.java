package org.keepvip.agent.track;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.keepvip.agent.unix.Libc;

/** The host probes' socket constants and address layouts (raw ICMP/ICMPv6, ARP packet sockets); the calls are {@link Libc}'s. */
final class ProbeSockets {
    static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_ICMPV6 = 58;
    static final int SOL_SOCKET = 1;
    static final int SO_BINDTODEVICE = 25;
    static final int SOL_RAW = 255;
    /** ICMP_FILTER (SOL_RAW) and ICMP6_FILTER (IPPROTO_ICMPV6) share the number. */
    static final int ICMP_FILTER = 1;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int ETH_P_ARP = 0x0806;
    static final int MSG_DONTWAIT = 0x40;

    private ProbeSockets() {}

    static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // the descriptor is gone either way
        }
    }

    static void setInt(int fd, int level, int name, int value) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        Libc.setsockopt(fd, level, name, v, 4);
    }

    /** Sends and receives through {@code ifname} only, whatever the routes say. */
    static void bindToDevice(int fd, String ifname) {
        byte[] name = (ifname + "\0").getBytes(StandardCharsets.US_ASCII);
        Libc.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length);
    }

    /** struct sockaddr_in: family in host order, port 0, the address. */
    static byte[] sockaddrIn(byte[] address) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.putShort((short) Libc.AF_INET).putShort((short) 0).put(address);
        return b.array();
    }

    /** struct sockaddr_in6 with a scope (the ifindex for a link-local or multicast address, else 0). */
    static byte[] sockaddrIn6(byte[] address, int scope) {
        ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        b.putShort((short) Libc.AF_INET6).putShort((short) 0).putInt(0).put(address).putInt(scope);
        return b.array();
    }

    /** struct sockaddr_ll for ARP on {@code ifindex}, to {@code mac} (null: only for bind). */
    static byte[] sockaddrLl(int ifindex, byte[] mac) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        b.putShort((short) Libc.AF_PACKET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) ETH_P_ARP).order(ByteOrder.nativeOrder());
        b.putInt(ifindex).putShort((short) 1).put((byte) 0).put((byte) (mac == null ? 0 : 6));
        if (mac != null) {
            b.put(mac);
        }
        return b.array();
    }
}
