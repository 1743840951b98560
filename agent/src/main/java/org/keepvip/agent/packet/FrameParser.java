package org.keepvip.agent.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import org.keepvip.vrrp.packet.InternetChecksum;

/**
 * Reads a captured Ethernet frame down to the VRRP payload. Pure and total: any byte array gives
 * a {@link ReceivedVrrp} or a {@link ParseResult.Dropped}, never an exception.
 *
 * <p>Checks are those the kernel makes before a raw socket would see the packet (IPv4 header
 * checksum, lengths, no fragments); the VRRP-level checks (keepalived/vrrp/vrrp.c, vrrp_check_packet) come later.
 */
public final class FrameParser {
    private static final int MAX_VLAN_TAGS = 2;
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT_HEADER = 44;
    private static final int DESTINATION_OPTIONS = 60;

    private FrameParser() {}

    public static ParseResult parse(byte[] frame, String interfaceName, long receivedAtNanos) {
        if (frame.length < EtherType.HEADER_LENGTH) {
            return drop(DropReason.FRAME_TOO_SHORT, "length " + frame.length + " (expected: 14+)");
        }
        int off = 12;
        int etherType = u16(frame, off);
        for (int tags = 0; (etherType == EtherType.VLAN || etherType == EtherType.QINQ) && tags < MAX_VLAN_TAGS; tags++) {
            off += 4;
            if (frame.length < off + 2) {
                return drop(DropReason.FRAME_TOO_SHORT, "length " + frame.length + " ends inside a VLAN tag");
            }
            etherType = u16(frame, off);
        }
        int ip = off + 2;
        MacAddress srcMac = MacAddress.of(frame, 6);
        return switch (etherType) {
            case EtherType.IPV4 -> ipv4(frame, ip, srcMac, interfaceName, receivedAtNanos);
            case EtherType.IPV6 -> ipv6(frame, ip, srcMac, interfaceName, receivedAtNanos);
            default -> drop(DropReason.NOT_IP, String.format("EtherType 0x%04x", etherType));
        };
    }

    private static ParseResult ipv4(byte[] f, int ip, MacAddress srcMac, String ifname, long nanos) {
        int received = f.length - ip;
        if (received < VrrpFrames.IPV4_HEADER_LENGTH) {
            return drop(DropReason.IP_HEADER_TRUNCATED, "IPv4 " + received + " bytes (expected: 20+)");
        }
        int version = (f[ip] & 0xFF) >>> 4;
        if (version != 4) {
            return drop(DropReason.IP_VERSION_MISMATCH, "version " + version + " in an IPv4 frame");
        }
        int headerLength = (f[ip] & 0x0F) * 4;
        if (headerLength < VrrpFrames.IPV4_HEADER_LENGTH) {
            return drop(DropReason.IPV4_BAD_HEADER_LENGTH, "header length " + headerLength);
        }
        if (received < headerLength) {
            return drop(DropReason.IP_HEADER_TRUNCATED, "IPv4 " + received + " bytes (header: " + headerLength + ")");
        }
        if (InternetChecksum.compute(f, ip, headerLength) != 0) {
            return drop(DropReason.IPV4_BAD_CHECKSUM, String.format("header checksum 0x%04x", u16(f, ip + 10)));
        }
        int totalLength = u16(f, ip + 2);
        if (totalLength < headerLength || totalLength > received) {
            return drop(DropReason.IP_TRUNCATED, "total length " + totalLength + ", received " + received);
        }
        int fragment = u16(f, ip + 6);
        if ((fragment & 0x3FFF) != 0) { // MF flag or a non-zero offset
            return drop(DropReason.FRAGMENT, String.format("flags/offset 0x%04x", fragment));
        }
        int protocol = f[ip + 9] & 0xFF;
        if (protocol != VrrpFrames.PROTOCOL) {
            return drop(DropReason.NOT_VRRP, "protocol " + protocol);
        }
        InetAddress src = address(f, ip + 12, 4);
        InetAddress dst = address(f, ip + 16, 4);
        return new ReceivedVrrp(ifname, nanos, srcMac, src, dst, f[ip + 8] & 0xFF, protocol, totalLength, received,
                Arrays.copyOfRange(f, ip + headerLength, ip + totalLength));
    }

    private static ParseResult ipv6(byte[] f, int ip, MacAddress srcMac, String ifname, long nanos) {
        int received = f.length - ip;
        if (received < VrrpFrames.IPV6_HEADER_LENGTH) {
            return drop(DropReason.IP_HEADER_TRUNCATED, "IPv6 " + received + " bytes (expected: 40+)");
        }
        int version = (f[ip] & 0xFF) >>> 4;
        if (version != 6) {
            return drop(DropReason.IP_VERSION_MISMATCH, "version " + version + " in an IPv6 frame");
        }
        int totalLength = VrrpFrames.IPV6_HEADER_LENGTH + u16(f, ip + 4);
        if (totalLength > received) {
            return drop(DropReason.IP_TRUNCATED, "total length " + totalLength + ", received " + received);
        }
        int next = f[ip + 6] & 0xFF;
        int off = ip + VrrpFrames.IPV6_HEADER_LENGTH;
        int end = ip + totalLength;
        // The kernel walks these before a raw socket sees the packet; so do we.
        while (next == HOP_BY_HOP || next == ROUTING || next == DESTINATION_OPTIONS || next == FRAGMENT_HEADER) {
            if (next == FRAGMENT_HEADER) {
                return drop(DropReason.FRAGMENT, "IPv6 fragment header");
            }
            if (end - off < 8) {
                return drop(DropReason.IPV6_BAD_EXTENSION_HEADER, "header " + next + " truncated");
            }
            int length = ((f[off + 1] & 0xFF) + 1) * 8;
            if (end - off < length) {
                return drop(DropReason.IPV6_BAD_EXTENSION_HEADER, "header " + next + " length " + length
                        + ", " + (end - off) + " bytes left");
            }
            next = f[off] & 0xFF;
            off += length;
        }
        if (next != VrrpFrames.PROTOCOL) {
            return drop(DropReason.NOT_VRRP, "next header " + next);
        }
        InetAddress src = address(f, ip + 8, 16);
        InetAddress dst = address(f, ip + 24, 16);
        return new ReceivedVrrp(ifname, nanos, srcMac, src, dst, f[ip + 7] & 0xFF, next, totalLength, received,
                Arrays.copyOfRange(f, off, end));
    }

    private static ParseResult.Dropped drop(DropReason reason, String detail) {
        return new ParseResult.Dropped(reason, detail);
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static InetAddress address(byte[] b, int off, int len) {
        try {
            byte[] a = Arrays.copyOfRange(b, off, off + len);
            // Inet6Address even for ::ffff:a.b.c.d, which InetAddress.getByAddress would turn into IPv4.
            return len == 4 ? InetAddress.getByAddress(a) : Inet6Address.getByAddress(null, a, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }
}
