package org.keepvip.agent.packet;

import java.net.Inet6Address;

/** The RFC 1071 one's-complement checksum used by IPv4 headers, ICMPv6 and VRRP. */
public final class InternetChecksum {
    private InternetChecksum() {}

    /** Checksum of {@code len} bytes at {@code off}: the value to store in a zeroed checksum field. */
    public static int of(byte[] data, int off, int len) {
        return finish(sum(0, data, off, len));
    }

    /**
     * Checksum over the IPv6 pseudo-header (RFC 8200 §8.1: source, destination, upper-layer length,
     * next header) followed by {@code len} bytes at {@code off}.
     */
    public static int withIpv6PseudoHeader(Inet6Address src, Inet6Address dst, int nextHeader,
                                           byte[] data, int off, int len) {
        long s = sum(0, src.getAddress(), 0, 16);
        s = sum(s, dst.getAddress(), 0, 16);
        s += (len >>> 16) + (len & 0xFFFF) + nextHeader;
        return finish(sum(s, data, off, len));
    }

    /** Adds 16-bit big-endian words to a running sum; an odd last byte is padded with zero. */
    static long sum(long acc, byte[] data, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            acc += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        if (i < end) {
            acc += (data[i] & 0xFF) << 8;
        }
        return acc;
    }

    static int finish(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) (~acc & 0xFFFF);
    }
}
