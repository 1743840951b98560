package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;

import org.keepvip.vrrp.packet.InternetChecksum;

/**
 * Builds the Ethernet + IP frame around a VRRP message, as keepalived's kernel path would
 * (keepalived/vrrp/vrrp.c, vrrp_build_ip4 and vrrp_build_ip6): protocol 112, TOS/traffic class 0xC0, TTL/hop limit 255 unless told otherwise,
 * IPv4 DF clear and the caller's identification. The VRRP bytes are taken as given: their checksum
 * (including the v3 pseudo-header) is the codec's job.
 */
public final class VrrpFrames {
    /** IP protocol number of VRRP. */
    public static final int PROTOCOL = 112;
    /** IP precedence 6 (internetwork control), what keepalived sets. */
    public static final int TOS = 0xC0;
    /** TTL / hop limit for every multicast advert and, unless {@code unicast_ttl}, unicast ones. */
    public static final int DEFAULT_TTL = 255;

    static final int IPV4_HEADER_LENGTH = 20;
    static final int IPV6_HEADER_LENGTH = 40;

    private VrrpFrames() {}

    /** Ethernet + IPv4 (20-byte header, no options) + {@code vrrp}. */
    public static byte[] ipv4(MacAddress srcMac, MacAddress dstMac, Inet4Address src, Inet4Address dst,
                              int ttl, int identification, byte[] vrrp) {
        checkTtl(ttl);
        int totalLength = IPV4_HEADER_LENGTH + vrrp.length;
        if (totalLength > 0xFFFF) {
            throw new IllegalArgumentException("VRRP message too long for IPv4: " + vrrp.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(EtherType.HEADER_LENGTH + totalLength);
        ethernet(b, dstMac, srcMac, EtherType.IPV4);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) TOS).putShort((short) totalLength)
                .putShort((short) identification).putShort((short) 0) // flags and offset: DF clear
                .put((byte) ttl).put((byte) PROTOCOL).putShort((short) 0)
                .put(src.getAddress()).put(dst.getAddress());
        b.putShort(ip + 10, (short) InternetChecksum.compute(b.array(), ip, IPV4_HEADER_LENGTH));
        b.put(vrrp);
        return b.array();
    }

    /** Ethernet + IPv6 (no extension headers) + {@code vrrp}. */
    public static byte[] ipv6(MacAddress srcMac, MacAddress dstMac, Inet6Address src, Inet6Address dst,
                              int hopLimit, byte[] vrrp) {
        checkTtl(hopLimit);
        if (vrrp.length > 0xFFFF) {
            throw new IllegalArgumentException("VRRP message too long for IPv6: " + vrrp.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(EtherType.HEADER_LENGTH + IPV6_HEADER_LENGTH + vrrp.length);
        ethernet(b, dstMac, srcMac, EtherType.IPV6);
        ipv6Header(b, TOS, vrrp.length, PROTOCOL, hopLimit, src, dst);
        b.put(vrrp);
        return b.array();
    }

    static void ethernet(ByteBuffer b, MacAddress dst, MacAddress src, int etherType) {
        dst.writeTo(b);
        src.writeTo(b);
        b.putShort((short) etherType);
    }

    static void ipv6Header(ByteBuffer b, int trafficClass, int payloadLength, int nextHeader, int hopLimit,
                           Inet6Address src, Inet6Address dst) {
        b.putInt(0x6000_0000 | (trafficClass << 20)) // version, traffic class, flow label 0
                .putShort((short) payloadLength).put((byte) nextHeader).put((byte) hopLimit)
                .put(src.getAddress()).put(dst.getAddress());
    }

    private static void checkTtl(int ttl) {
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("TTL/hop limit " + ttl + " (expected: 1..255)");
        }
    }
}
