package org.keepvip.agent.track;

import java.util.Arrays;

/**
 * The probes' messages, built and recognised without IO: ICMP and ICMPv6 echo, ARP request and
 * reply, neighbour solicitation and advertisement. A recogniser answers whether a message is the
 * answer to this probe, never throws for short or foreign input.
 */
final class ProbeFrames {
    static final int ICMP_ECHO_REPLY = 0;
    static final int ICMP_ECHO = 8;
    static final int ICMP6_ECHO = 128;
    static final int ICMP6_ECHO_REPLY = 129;
    static final int ND_NEIGHBOR_SOLICIT = 135;
    static final int ND_NEIGHBOR_ADVERT = 136;
    /** Not an answer to this probe. */
    static final int NO = -1;
    /** An answer that carries no sequence number (ARP, ND): it answers the probe outstanding. */
    static final int ANY = -2;
    private static final byte[] TAG = {'k', 'e', 'e', 'p', 'v', 'i', 'p', 0};

    private ProbeFrames() {}

    /** An echo request (ICMP type 8 or ICMPv6 type 128); ICMPv6's checksum is the kernel's. */
    static byte[] echoRequest(boolean v6, int id, int seq) {
        byte[] m = new byte[8 + TAG.length];
        m[0] = (byte) (v6 ? ICMP6_ECHO : ICMP_ECHO);
        put16(m, 4, id);
        put16(m, 6, seq);
        System.arraycopy(TAG, 0, m, 8, TAG.length);
        if (!v6) {
            put16(m, 2, checksum(m, 0, m.length));
        }
        return m;
    }

    /**
     * The sequence number of an IPv4 echo reply to {@code id} from {@code from}, as a raw ICMP
     * socket delivers it (with its IP header), or {@link #NO}.
     */
    static int echoReply4(byte[] b, int len, byte[] from, int id) {
        if (len < 20 || (b[0] >> 4 & 0xf) != 4) {
            return NO;
        }
        int ihl = (b[0] & 0xf) * 4;
        if (ihl < 20 || len < ihl + 8 || b[9] != 1 || !Arrays.equals(b, 12, 16, from, 0, 4)) {
            return NO;
        }
        if ((b[ihl] & 0xff) != ICMP_ECHO_REPLY || b[ihl + 1] != 0 || u16(b, ihl + 4) != id) {
            return NO;
        }
        return u16(b, ihl + 6);
    }

    /** The same for ICMPv6 (a raw socket gives no IP header; {@code source} comes from recvfrom). */
    static int echoReply6(byte[] b, int len, byte[] source, byte[] from, int id) {
        if (len < 8 || !Arrays.equals(source, from) || (b[0] & 0xff) != ICMP6_ECHO_REPLY || b[1] != 0
                || u16(b, 4) != id) {
            return NO;
        }
        return u16(b, 6);
    }

    /** An ARP request for {@code target} (ARP payload, the kernel adds the Ethernet header). */
    static byte[] arpRequest(byte[] mac, byte[] sender, byte[] target) {
        byte[] m = new byte[28];
        put16(m, 0, 1);          // Ethernet
        put16(m, 2, 0x0800);     // IPv4
        m[4] = 6;
        m[5] = 4;
        put16(m, 6, 1);          // request
        System.arraycopy(mac, 0, m, 8, 6);
        System.arraycopy(sender, 0, m, 14, 4);
        System.arraycopy(target, 0, m, 24, 4);
        return m;
    }

    /** {@link #ANY} for an ARP reply whose sender is {@code target}, else {@link #NO}. */
    static int arpReply(byte[] b, int len, byte[] target) {
        if (len < 28 || u16(b, 0) != 1 || u16(b, 2) != 0x0800 || b[4] != 6 || b[5] != 4 || u16(b, 6) != 2) {
            return NO;
        }
        return Arrays.equals(b, 14, 18, target, 0, 4) ? ANY : NO;
    }

    /** A neighbour solicitation for {@code target} with our link-layer address (RFC 4861, 4.3). */
    static byte[] neighborSolicitation(byte[] target, byte[] mac) {
        byte[] m = new byte[32];
        m[0] = (byte) ND_NEIGHBOR_SOLICIT;
        System.arraycopy(target, 0, m, 8, 16);
        m[24] = 1;               // source link-layer address option
        m[25] = 1;               // 8 bytes
        System.arraycopy(mac, 0, m, 26, 6);
        return m;
    }

    /** {@link #ANY} for a neighbour advertisement of {@code target}, else {@link #NO}. */
    static int neighborAdvert(byte[] b, int len, byte[] target) {
        if (len < 24 || (b[0] & 0xff) != ND_NEIGHBOR_ADVERT || b[1] != 0) {
            return NO;
        }
        return Arrays.equals(b, 8, 24, target, 0, 16) ? ANY : NO;
    }

    /** ff02::1:ffXX:XXXX, where a neighbour listens for solicitations of {@code target}. */
    static byte[] solicitedNode(byte[] target) {
        byte[] g = new byte[16];
        g[0] = (byte) 0xff;
        g[1] = 2;
        g[11] = 1;
        g[12] = (byte) 0xff;
        System.arraycopy(target, 13, g, 13, 3);
        return g;
    }

    /** The Internet checksum (RFC 1071). */
    static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += u16(b, off + i);
        }
        if ((len & 1) == 1) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 8);
        b[off + 1] = (byte) v;
    }
}
