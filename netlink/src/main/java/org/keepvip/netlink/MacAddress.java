package org.keepvip.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * A 48-bit Ethernet address, held as a long so the record stays immutable and cheap to compare:
 * the one MAC type of keepvip, for what netlink reports (links, neighbours, next hops) and for the
 * frames the agent builds. Link-layer addresses of another length (tunnels, InfiniBand) are not
 * Ethernet addresses; netlink reports them as absent.
 *
 * @param value the address in the low 48 bits
 */
public record MacAddress(long value) {
    /** ff:ff:ff:ff:ff:ff, the destination of a gratuitous ARP. */
    public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);
    /** 01:00:5e:00:00:12, the Ethernet group of 224.0.0.18. */
    public static final MacAddress VRRP_IPV4_GROUP = new MacAddress(0x0100_5E00_0012L);
    /** 33:33:00:00:00:12, the Ethernet group of ff02::12. */
    public static final MacAddress VRRP_IPV6_GROUP = new MacAddress(0x3333_0000_0012L);
    /** 33:33:00:00:00:01, the Ethernet group of ff02::1 (all nodes), where unsolicited NAs go. */
    public static final MacAddress IPV6_ALL_NODES = new MacAddress(0x3333_0000_0001L);

    public MacAddress {
        if (value < 0 || value > 0xFFFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("MAC address out of range: 0x" + Long.toHexString(value));
        }
    }

    /** From 6 bytes at {@code offset}. */
    public static MacAddress of(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < 6) {
            throw new IllegalArgumentException("need 6 bytes at offset " + offset + ", have " + bytes.length);
        }
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (bytes[offset + i] & 0xFF);
        }
        return new MacAddress(v);
    }

    /** From exactly 6 bytes. */
    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("MAC address length " + bytes.length + " (expected: 6)");
        }
        return of(bytes, 0);
    }

    /** Parses {@code 02:00:00:00:00:02} (colons or dashes, any case). */
    public static MacAddress parse(String text) {
        String hex = text.trim().replace(":", "").replace("-", "");
        if (hex.length() != 12) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        try {
            return of(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'", e);
        }
    }

    /** The Ethernet group address an IPv4 or IPv6 multicast group maps to (RFC 1112, RFC 2464). */
    public static MacAddress forMulticastGroup(InetAddress group) {
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(group.getHostAddress() + " is not a multicast address");
        }
        byte[] a = group.getAddress();
        if (group instanceof Inet4Address) {
            return new MacAddress(0x0100_5E00_0000L | ((a[1] & 0x7FL) << 16) | ((a[2] & 0xFFL) << 8) | (a[3] & 0xFFL));
        }
        return new MacAddress(0x3333_0000_0000L | ((a[12] & 0xFFL) << 24) | ((a[13] & 0xFFL) << 16)
                | ((a[14] & 0xFFL) << 8) | (a[15] & 0xFFL));
    }

    public byte[] bytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (value >>> (40 - 8 * i));
        }
        return b;
    }

    /** True for 00:00:00:00:00:00 (loopback's and unresolved entries' address). */
    public boolean isZero() {
        return value == 0;
    }

    /** Puts the 6 bytes at the buffer's position. */
    public void writeTo(ByteBuffer buf) {
        buf.put(bytes());
    }

    public boolean isMulticast() {
        return (value & 0x0100_0000_0000L) != 0;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes());
    }
}
