package org.keepvip.vrrp.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The Internet checksum (RFC 1071): the one's-complement of the one's-complement sum of 16-bit
 * big-endian words. Used for VRRP, and reusable for IPv4 headers and ICMPv6.
 *
 * <p>Partial sums are plain {@code long} accumulators so that a pseudo-header and a message can be
 * summed separately and combined: {@code finish(add(ipv4PseudoHeader(...), msg, 0, msg.length))}.
 * Only the last chunk summed may have odd length (its final byte is padded with a zero byte).
 */
public final class InternetChecksum {

    private InternetChecksum() {
    }

    /** Adds {@code length} bytes of {@code data} from {@code offset} to the accumulator {@code acc}. */
    public static long add(long acc, byte[] data, int offset, int length) {
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            acc += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        if (i < end) {
            acc += (data[i] & 0xFF) << 8;
        }
        return acc;
    }

    /** Adds one 16-bit word. */
    public static long addWord(long acc, int word) {
        return acc + (word & 0xFFFF);
    }

    /** Folds the carries into 16 bits (the one's-complement sum, not yet complemented). */
    public static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }

    /** The checksum to write into the header: the complement of the folded sum. */
    public static int finish(long acc) {
        return ~fold(acc) & 0xFFFF;
    }

    /** The checksum of {@code data[offset, offset+length)} with no pseudo-header. */
    public static int compute(byte[] data, int offset, int length) {
        return finish(add(0, data, offset, length));
    }

    /**
     * True when a region that already contains its checksum field sums to all ones, i.e. the
     * checksum is valid ({@code acc} includes any pseudo-header).
     */
    public static boolean verifies(long acc) {
        return fold(acc) == 0xFFFF;
    }

    /** Partial sum of the IPv4 pseudo-header: src, dst, zero, protocol, upper-layer length. */
    public static long ipv4PseudoHeader(Inet4Address source, Inet4Address destination, int protocol,
                                        int upperLayerLength) {
        long acc = add(0, source.getAddress(), 0, 4);
        acc = add(acc, destination.getAddress(), 0, 4);
        acc = addWord(acc, protocol & 0xFF);
        return addWord(acc, upperLayerLength);
    }

    /**
     * Partial sum of the IPv6 pseudo-header (the one of TCP, UDP and ICMPv6 over IPv6): src, dst, 32-bit upper-layer length,
     * three zero bytes, next header.
     */
    public static long ipv6PseudoHeader(Inet6Address source, Inet6Address destination, int nextHeader,
                                        long upperLayerLength) {
        long acc = add(0, source.getAddress(), 0, 16);
        acc = add(acc, destination.getAddress(), 0, 16);
        acc = addWord(acc, (int) (upperLayerLength >>> 16));
        acc = addWord(acc, (int) upperLayerLength);
        return addWord(acc, nextHeader & 0xFF);
    }

    /** The pseudo-header sum for whichever family the two addresses are (both must be the same). */
    public static long pseudoHeader(InetAddress source, InetAddress destination, int protocol, int upperLayerLength) {
        if (source instanceof Inet4Address s4 && destination instanceof Inet4Address d4) {
            return ipv4PseudoHeader(s4, d4, protocol, upperLayerLength);
        }
        if (source instanceof Inet6Address s6 && destination instanceof Inet6Address d6) {
            return ipv6PseudoHeader(s6, d6, protocol, upperLayerLength);
        }
        throw new IllegalArgumentException("source " + source + " and destination " + destination
                + " are not of one address family");
    }
}
