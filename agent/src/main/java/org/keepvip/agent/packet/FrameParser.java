package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import org.keepvip.vrrp.packet.InternetChecksum;

/**
 * Reads a captured Ethernet frame down to the VRRP payload. Pure and total: any byte array gives
 * a {@link ReceivedVrrp} or a {@link FrameVerdict.Dropped}, never an exception.
 *
 * <p>Checks are those the kernel makes before keepalived's raw socket would see the packet (IPv4
 * header checksum, lengths and options, martian sources, IPv6 extension headers and their options);
 * the VRRP-level checks (keepalived/vrrp/vrrp.c, vrrp_check_packet) come later. One difference on
 * purpose: the kernel reassembles fragments before a raw socket reads them, this parser drops every
 * fragment (see docs/operations.md, "Bad packets": an advert is far below any MTU, so no VRRP
 * speaker ever fragments one).
 */
public final class FrameParser {
    private static final int MAX_VLAN_TAGS = 2;
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT_HEADER = 44;
    private static final int DESTINATION_OPTIONS = 60;
    private static final int IPV4_OPTION_END = 0;
    private static final int IPV4_OPTION_NOP = 1;
    private static final int IPV4_OPTION_LSRR = 131;
    private static final int IPV4_OPTION_SSRR = 137;
    private static final int IPV6_OPTION_PAD1 = 0;
    private static final int IPV6_OPTION_PADN = 1;
    private static final int IPV6_OPTION_ROUTER_ALERT = 5;

    private FrameParser() {}

    public static FrameVerdict parse(byte[] frame, String interfaceName, long receivedAtNanos) {
        return parse(frame, interfaceName, receivedAtNanos, null);
    }

    /**
     * As {@link #parse(byte[], String, long)}, and drops a unicast frame addressed to a MAC other
     * than {@code ownMac}: a capture sees those when the link floods them (a bridge that has not
     * learnt the address, a hub) or the interface is promiscuous (someone runs tcpdump), while the
     * kernel hands them to no socket (PACKET_OTHERHOST). Null {@code ownMac} skips the check.
     */
    public static FrameVerdict parse(byte[] frame, String interfaceName, long receivedAtNanos, MacAddress ownMac) {
        if (frame.length < EtherType.HEADER_LENGTH) {
            return drop(DropReason.FRAME_TOO_SHORT, "length " + frame.length + " (expected: 14+)");
        }
        if (ownMac != null && (frame[0] & 1) == 0) {
            MacAddress dst = MacAddress.of(frame, 0);
            if (!dst.equals(ownMac)) {
                return drop(DropReason.OTHER_HOST, "destination MAC " + dst + " (ours: " + ownMac + ")");
            }
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

    private static FrameVerdict ipv4(byte[] f, int ip, MacAddress srcMac, String ifname, long nanos) {
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
        if (headerLength > VrrpFrames.IPV4_HEADER_LENGTH) {
            FrameVerdict.Dropped bad = ipv4Options(f, ip + VrrpFrames.IPV4_HEADER_LENGTH, ip + headerLength);
            if (bad != null) {
                return bad;
            }
        }
        String martian = martianIpv4(f, ip + 12);
        if (martian != null) {
            return drop(DropReason.MARTIAN_SOURCE, martian);
        }
        InetAddress src = address(f, ip + 12, 4);
        InetAddress dst = address(f, ip + 16, 4);
        return new ReceivedVrrp(ifname, nanos, srcMac, src, dst, f[ip + 8] & 0xFF, protocol, totalLength, received,
                Arrays.copyOfRange(f, ip + headerLength, ip + totalLength));
    }

    private static FrameVerdict ipv6(byte[] f, int ip, MacAddress srcMac, String ifname, long nanos) {
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
        boolean first = true;
        while (next == HOP_BY_HOP || next == ROUTING || next == DESTINATION_OPTIONS || next == FRAGMENT_HEADER) {
            if (next == FRAGMENT_HEADER) {
                return drop(DropReason.FRAGMENT, "IPv6 fragment header");
            }
            if (next == HOP_BY_HOP && !first) {
                return drop(DropReason.IPV6_BAD_EXTENSION_HEADER, "hop-by-hop options after another header");
            }
            if (end - off < 8) {
                return drop(DropReason.IPV6_BAD_EXTENSION_HEADER, "header " + next + " truncated");
            }
            int length = ((f[off + 1] & 0xFF) + 1) * 8;
            if (end - off < length) {
                return drop(DropReason.IPV6_BAD_EXTENSION_HEADER, "header " + next + " length " + length
                        + ", " + (end - off) + " bytes left");
            }
            if (next == ROUTING && (f[off + 3] & 0xFF) != 0) {
                // Segments left: we are not its final destination, so the kernel would not deliver it.
                return drop(DropReason.IPV6_ROUTING_HEADER, (f[off + 3] & 0xFF) + " segments left");
            }
            if (next == HOP_BY_HOP || next == DESTINATION_OPTIONS) {
                FrameVerdict.Dropped bad = ipv6Options(f, off + 2, off + length, next);
                if (bad != null) {
                    return bad;
                }
            }
            next = f[off] & 0xFF;
            off += length;
            first = false;
        }
        if (next != VrrpFrames.PROTOCOL) {
            return drop(DropReason.NOT_VRRP, "next header " + next);
        }
        String martian = martianIpv6(f, ip + 8);
        if (martian != null) {
            return drop(DropReason.MARTIAN_SOURCE, martian);
        }
        InetAddress src = address(f, ip + 8, 16);
        InetAddress dst = address(f, ip + 24, 16);
        return new ReceivedVrrp(ifname, nanos, srcMac, src, dst, f[ip + 7] & 0xFF, next, totalLength, received,
                Arrays.copyOfRange(f, off, end));
    }

    /**
     * The IPv4 options in {@code f[from, to)}, as the kernel's ip_options_compile and ip_rcv_options
     * judge a received packet: a malformed list is dropped, and so is a source route (the kernel
     * drops it unless accept_source_route is on, which it is not by default); others are skipped.
     */
    private static FrameVerdict.Dropped ipv4Options(byte[] f, int from, int to) {
        int at = from;
        while (at < to) {
            int type = f[at] & 0xFF;
            if (type == IPV4_OPTION_END) {
                return null;
            }
            if (type == IPV4_OPTION_NOP) {
                at++;
                continue;
            }
            if (to - at < 2) {
                return drop(DropReason.IPV4_BAD_OPTIONS, "option " + type + " without its length");
            }
            int length = f[at + 1] & 0xFF;
            if (length < 2 || length > to - at) {
                return drop(DropReason.IPV4_BAD_OPTIONS, "option " + type + " length " + length + ", "
                        + (to - at) + " bytes left");
            }
            if (type == IPV4_OPTION_LSRR || type == IPV4_OPTION_SSRR) {
                return drop(DropReason.IPV4_SOURCE_ROUTE, "option " + type);
            }
            at += length;
        }
        return null;
    }

    /**
     * The options of a hop-by-hop or destination options header in {@code f[from, to)}, as the
     * kernel's ip6_parse_tlv: padding and router alert are known; an unknown option whose type says
     * "discard" (its two high bits not 00, RFC 8200 4.2) drops the packet.
     */
    private static FrameVerdict.Dropped ipv6Options(byte[] f, int from, int to, int header) {
        int at = from;
        while (at < to) {
            int type = f[at] & 0xFF;
            if (type == IPV6_OPTION_PAD1) {
                at++;
                continue;
            }
            if (to - at < 2 || (f[at + 1] & 0xFF) + 2 > to - at) {
                return drop(DropReason.IPV6_BAD_EXTENSION_HEADER, "option " + type + " of header " + header
                        + " overruns it");
            }
            boolean known = type == IPV6_OPTION_PADN || (type == IPV6_OPTION_ROUTER_ALERT && header == HOP_BY_HOP);
            if (!known && (type >>> 6) != 0) {
                return drop(DropReason.IPV6_UNKNOWN_OPTION, String.format("option 0x%02x in header %d", type, header));
            }
            at += (f[at + 1] & 0xFF) + 2;
        }
        return null;
    }

    /**
     * Why the kernel would drop a packet from this IPv4 source (ip_route_input's martian checks:
     * multicast, limited broadcast, loopback), or null. 0.0.0.0/8, which the kernel lets through to
     * link-local groups, is refused too: no VRRP router sends from it.
     */
    private static String martianIpv4(byte[] f, int at) {
        int first = f[at] & 0xFF;
        if (first >= 224 && first <= 239) {
            return "multicast source";
        }
        if ((f[at] & f[at + 1] & f[at + 2] & f[at + 3]) == (byte) 0xFF) {
            return "broadcast source";
        }
        if (first == 127) {
            return "loopback source";
        }
        if (first == 0) {
            return "source in 0.0.0.0/8";
        }
        return null;
    }

    /** As {@link #martianIpv4} for IPv6 (ipv6_rcv): multicast and loopback sources, and the unspecified :: too. */
    private static String martianIpv6(byte[] f, int at) {
        if ((f[at] & 0xFF) == 0xFF) {
            return "multicast source";
        }
        for (int i = 0; i < 15; i++) {
            if (f[at + i] != 0) {
                return null;
            }
        }
        int last = f[at + 15] & 0xFF;
        return last == 1 ? "loopback source" : last == 0 ? "unspecified source" : null;
    }

    private static FrameVerdict.Dropped drop(DropReason reason, String detail) {
        return new FrameVerdict.Dropped(reason, detail);
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
