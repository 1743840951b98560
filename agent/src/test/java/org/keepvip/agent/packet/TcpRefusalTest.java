package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SYN parsing and RST building against golden frames. The goldens were made by a separate script
 * and checked with {@code tcpdump -r g.pcap -nn -vvv -e}, which printed "cksum 0x75d0 (correct)"
 * (IPv4) and "cksum 0x3477 (correct)" (IPv6) for the resets and no bad IPv4 header checksum; the
 * test also re-verifies every checksum with its own plain RFC 1071 sum, not keepvip's.
 */
class TcpRefusalTest {
    static final MacAddress SELF = MacAddress.parse("02:00:00:01:00:0a");
    static final MacAddress CLIENT = MacAddress.parse("02:00:00:01:00:0c");

    /** 192.0.2.12:40000 → 192.0.2.200:6379, SYN, seq 0xfffffffe, MSS/SACK/TS/wscale options, DF. */
    static final String SYN4 = """
            02000001000a 02000001000c 0800 |
            4500 003c 1c46 4000 4006 99a1 c000020c c00002c8 |
            9c40 18eb fffffffe 00000000 a002 faf0 30ce 0000 |
            020405b40402080a0001e2400000000001030307""";
    /** The answer: RST+ACK, seq 0, ack 0xffffffff (wrapped), window 0, TTL 64, DF, id 0. */
    static final String RST4 = """
            02000001000c 02000001000a 0800 |
            4500 0028 0000 4000 4006 b5fb c00002c8 c000020c |
            18eb 9c40 00000000 ffffffff 5014 0000 75d0 0000""";
    /** [2001:db8:1::c]:40001 → [2001:db8:1::200]:6379, SYN, seq 0x12345678, hop limit 64. */
    static final String SYN6 = """
            02000001000a 02000001000c 86dd |
            6000 0000 0028 06 40 20010db800010000000000000000000c 20010db8000100000000000000000200 |
            9c41 18eb 12345678 00000000 a002 fd20 ed44 0000 |
            020405b40402080a0001e2400000000001030307""";
    static final String RST6 = """
            02000001000c 02000001000a 86dd |
            6000 0000 0014 06 40 20010db8000100000000000000000200 20010db800010000000000000000000c |
            18eb 9c41 00000000 12345679 5014 0000 3477 0000""";

    @Test
    void ipv4SynParsesAndItsResetEqualsTheGolden() throws Exception {
        TcpRefusal.Syn syn = TcpRefusal.parse(Hex.bytes(SYN4), SELF).orElseThrow();
        assertThat(syn).isEqualTo(new TcpRefusal.Syn(CLIENT, InetAddress.getByName("192.0.2.12"),
                InetAddress.getByName("192.0.2.200"), 40000, 6379, 0xfffffffeL, 1));
        byte[] rst = TcpRefusal.reset(syn, SELF);
        assertThat(Hex.of(rst)).isEqualTo(Hex.of(Hex.bytes(RST4)));
        assertThat(Reference.sum(rst, 14, 20)).as("IPv4 header sums to all ones").isEqualTo(0xFFFF);
        assertThat(Reference.tcpSum(rst, 14 + 12, 4, 14 + 20, 20)).as("TCP with pseudo-header").isEqualTo(0xFFFF);
    }

    @Test
    void ipv6SynParsesAndItsResetEqualsTheGolden() throws Exception {
        byte[] synFrame = Hex.bytes(SYN6);
        assertThat(synFrame).hasSize(94);
        TcpRefusal.Syn syn = TcpRefusal.parse(synFrame, SELF).orElseThrow();
        assertThat(syn).isEqualTo(new TcpRefusal.Syn(CLIENT, InetAddress.getByName("2001:db8:1::c"),
                InetAddress.getByName("2001:db8:1::200"), 40001, 6379, 0x12345678L, 1));
        byte[] rst = TcpRefusal.reset(syn, SELF);
        assertThat(Hex.of(rst)).isEqualTo(Hex.of(Hex.bytes(RST6)));
        assertThat(Reference.tcpSum(rst, 14 + 8, 16, 14 + 40, 20)).isEqualTo(0xFFFF);
    }

    @Test
    void goldenSynsCarryValidChecksumsThemselves() {
        byte[] syn4 = Hex.bytes(SYN4);
        assertThat(Reference.sum(syn4, 14, 20)).isEqualTo(0xFFFF);
        assertThat(Reference.tcpSum(syn4, 14 + 12, 4, 34, 40)).isEqualTo(0xFFFF);
        assertThat(Reference.tcpSum(Hex.bytes(SYN6), 14 + 8, 16, 54, 40)).isEqualTo(0xFFFF);
    }

    @Test
    void synWithDataIsAcknowledgedWithItsWholeLength() throws Exception {
        // RFC 793: ACK = SEG.SEQ + SEG.LEN, and SEG.LEN counts the SYN and any data (TCP Fast Open).
        byte[] f = Arrays.copyOf(Hex.bytes(SYN4), 74 + 5);
        f[14 + 3] = (byte) (60 + 5); // IPv4 total length
        fixIpv4HeaderChecksum(f);
        TcpRefusal.Syn syn = TcpRefusal.parse(f, SELF).orElseThrow();
        assertThat(syn.segLength()).isEqualTo(6);
        byte[] rst = TcpRefusal.reset(syn, SELF);
        assertThat(Hex.of(Arrays.copyOfRange(rst, 34 + 8, 34 + 12))).isEqualTo("00000004"); // 0xfffffffe + 6
        assertThat(Reference.tcpSum(rst, 26, 4, 34, 20)).isEqualTo(0xFFFF);
    }

    @Test
    void onlyAPlainSynToOurOwnMacIsAnswered() {
        assertThat(TcpRefusal.parse(Hex.bytes(SYN4), CLIENT)).as("another host's MAC").isEmpty();
        byte[] broadcast = Hex.bytes(SYN4);
        Arrays.fill(broadcast, 0, 6, (byte) 0xFF);
        assertThat(TcpRefusal.parse(broadcast, SELF)).as("broadcast").isEmpty();
        assertThat(TcpRefusal.parse(broadcast, MacAddress.BROADCAST)).as("never a group address").isEmpty();
        assertThat(flags(0x12)).as("SYN+ACK").isEmpty();
        assertThat(flags(0x10)).as("ACK").isEmpty();
        assertThat(flags(0x04)).as("RST").isEmpty();
        assertThat(flags(0x06)).as("SYN+RST").isEmpty();
        assertThat(flags(0x03)).as("SYN+FIN").isEmpty();
        assertThat(flags(0xC2)).as("SYN with ECE/CWR (ECN setup)").isPresent();
    }

    @Test
    void malformedOrOddFramesAreIgnoredWithoutExceptions() {
        byte[] syn4 = Hex.bytes(SYN4);
        for (int len = 0; len < 54; len++) {
            assertThat(TcpRefusal.parse(Arrays.copyOf(syn4, len), SELF)).as("truncated to %d", len).isEmpty();
        }
        byte[] badIpSum = syn4.clone();
        badIpSum[14 + 10] ^= 1;
        assertThat(TcpRefusal.parse(badIpSum, SELF)).as("bad IPv4 header checksum").isEmpty();
        byte[] fragment = syn4.clone();
        fragment[14 + 6] |= 0x20; // MF
        fixIpv4HeaderChecksum(fragment);
        assertThat(TcpRefusal.parse(fragment, SELF)).as("a fragment").isEmpty();
        byte[] udp = syn4.clone();
        udp[14 + 9] = 17;
        fixIpv4HeaderChecksum(udp);
        assertThat(TcpRefusal.parse(udp, SELF)).as("UDP").isEmpty();
        byte[] fromBroadcast = syn4.clone();
        Arrays.fill(fromBroadcast, 14 + 12, 14 + 16, (byte) 0xFF);
        fixIpv4HeaderChecksum(fromBroadcast);
        assertThat(TcpRefusal.parse(fromBroadcast, SELF)).as("source 255.255.255.255").isEmpty();
        byte[] ext = Hex.bytes(SYN6);
        ext[14 + 6] = 0; // hop-by-hop header first
        assertThat(TcpRefusal.parse(ext, SELF)).as("TCP behind an IPv6 extension header").isEmpty();
        byte[] mapped = Hex.bytes(SYN6);
        System.arraycopy(Hex.bytes("00000000000000000000ffffc000020c"), 0, mapped, 14 + 8, 16);
        assertThat(TcpRefusal.parse(mapped, SELF)).as("v4-mapped source").isEmpty();
        byte[] arp = AnnouncementFrames.gratuitousArp(SELF, (java.net.Inet4Address) ip("192.0.2.200"));
        assertThat(TcpRefusal.parse(arp, MacAddress.BROADCAST)).isEmpty();
    }

    private static Optional<TcpRefusal.Syn> flags(int flags) {
        byte[] f = Hex.bytes(SYN4);
        f[34 + 13] = (byte) flags;
        return TcpRefusal.parse(f, SELF); // the TCP checksum is not checked: the client's kernel does that
    }

    private static void fixIpv4HeaderChecksum(byte[] f) {
        f[24] = 0;
        f[25] = 0;
        int c = ~Reference.sum(f, 14, 20) & 0xFFFF;
        f[24] = (byte) (c >> 8);
        f[25] = (byte) c;
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** RFC 1071 written out again, independently of InternetChecksum. */
    static final class Reference {
        private Reference() {}

        /** The folded one's-complement sum; 0xFFFF when a region including its checksum is valid. */
        static int sum(byte[] b, int off, int len) {
            long s = 0;
            for (int i = 0; i < len; i += 2) {
                int hi = b[off + i] & 0xFF;
                int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
                s += (hi << 8) | lo;
            }
            while (s > 0xFFFF) {
                s = (s & 0xFFFF) + (s >> 16);
            }
            return (int) s;
        }

        /** TCP sum with the pseudo-header: addresses at {@code addrOff} (src then dst, each {@code addrLen}). */
        static int tcpSum(byte[] b, int addrOff, int addrLen, int tcpOff, int tcpLen) {
            byte[] buf = new byte[2 * addrLen + (addrLen == 4 ? 4 : 8) + tcpLen];
            System.arraycopy(b, addrOff, buf, 0, 2 * addrLen);
            int p = 2 * addrLen;
            if (addrLen == 4) {
                buf[p + 1] = 6;
                buf[p + 2] = (byte) (tcpLen >> 8);
                buf[p + 3] = (byte) tcpLen;
                p += 4;
            } else {
                buf[p + 2] = (byte) (tcpLen >> 8);
                buf[p + 3] = (byte) tcpLen;
                buf[p + 7] = 6;
                p += 8;
            }
            System.arraycopy(b, tcpOff, buf, p, tcpLen);
            return sum(buf, 0, buf.length);
        }
    }
}
