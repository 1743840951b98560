package org.keepvip.agent.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The probes' messages: built as the RFCs say, answers recognised, anything else refused. */
class ProbeFramesTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] ip(String a) throws Exception {
        return InetAddress.getByName(a).getAddress();
    }

    @Test
    void anIcmpEchoRequestCarriesIdSeqAndAValidChecksum() {
        byte[] m = ProbeFrames.echoRequest(false, 0x1234, 7);
        assertThat(HEX.formatHex(m)).startsWith("0800").contains("12340007");
        assertThat(ProbeFrames.checksum(m, 0, m.length)).as("a correct checksum sums to zero").isZero();
        byte[] v6 = ProbeFrames.echoRequest(true, 0x1234, 7);
        assertThat(HEX.formatHex(v6)).startsWith("80000000").contains("12340007");
    }

    @Test
    void anIpv4EchoReplyIsOursOnlyWithOurIdFromTheTarget() throws Exception {
        byte[] target = ip("192.0.2.1");
        byte[] reply = reply4(target, 0, 0x1234, 9);
        assertThat(ProbeFrames.echoReply4(reply, reply.length, target, 0x1234)).isEqualTo(9);
        assertThat(ProbeFrames.echoReply4(reply, reply.length, target, 0x1235)).as("another pinger's id")
                .isEqualTo(ProbeFrames.NO);
        assertThat(ProbeFrames.echoReply4(reply, reply.length, ip("192.0.2.9"), 0x1234)).as("another source")
                .isEqualTo(ProbeFrames.NO);
        byte[] request = reply4(target, 8, 0x1234, 9);
        assertThat(ProbeFrames.echoReply4(request, request.length, target, 0x1234)).as("a request, not a reply")
                .isEqualTo(ProbeFrames.NO);
        assertThat(ProbeFrames.echoReply4(reply, 25, target, 0x1234)).as("cut short").isEqualTo(ProbeFrames.NO);
    }

    @Test
    void anIcmpv6EchoReplyIsMatchedByItsSourceAndId() throws Exception {
        byte[] target = ip("2001:db8::1");
        byte[] m = ProbeFrames.echoRequest(true, 0x4321, 3);
        m[0] = (byte) ProbeFrames.ICMP6_ECHO_REPLY;
        assertThat(ProbeFrames.echoReply6(m, m.length, target, target, 0x4321)).isEqualTo(3);
        assertThat(ProbeFrames.echoReply6(m, m.length, ip("2001:db8::2"), target, 0x4321)).isEqualTo(ProbeFrames.NO);
        assertThat(ProbeFrames.echoReply6(m, 7, target, target, 0x4321)).isEqualTo(ProbeFrames.NO);
    }

    @Test
    void anArpRequestAsksForTheTargetAndOnlyItsReplyCounts() throws Exception {
        byte[] mac = HEX.parseHex("020000010a0a");
        byte[] req = ProbeFrames.arpRequest(mac, ip("192.0.2.10"), ip("192.0.2.1"));
        assertThat(HEX.formatHex(req)).isEqualTo("0001080006040001" + "020000010a0a" + "c000020a" + "000000000000"
                + "c0000201");
        byte[] reply = req.clone();
        reply[7] = 2;
        System.arraycopy(ip("192.0.2.1"), 0, reply, 14, 4);
        assertThat(ProbeFrames.arpReply(reply, reply.length, ip("192.0.2.1"))).isEqualTo(ProbeFrames.ANY);
        assertThat(ProbeFrames.arpReply(reply, reply.length, ip("192.0.2.2"))).isEqualTo(ProbeFrames.NO);
        assertThat(ProbeFrames.arpReply(req, req.length, ip("192.0.2.10"))).as("a request").isEqualTo(ProbeFrames.NO);
    }

    @Test
    void aSolicitationGoesToTheSolicitedNodeGroupAndTheAdvertOfTheTargetCounts() throws Exception {
        byte[] target = ip("2001:db8::a:bcde");
        assertThat(InetAddress.getByAddress(ProbeFrames.solicitedNode(target)).getHostAddress())
                .isEqualTo("ff02:0:0:0:0:1:ff0a:bcde");
        byte[] ns = ProbeFrames.neighborSolicitation(target, HEX.parseHex("020000010a0a"));
        assertThat(ns[0] & 0xff).isEqualTo(135);
        assertThat(HEX.formatHex(ns, 24, 32)).isEqualTo("0101020000010a0a");
        byte[] na = new byte[24];
        na[0] = (byte) 136;
        System.arraycopy(target, 0, na, 8, 16);
        assertThat(ProbeFrames.neighborAdvert(na, na.length, target)).isEqualTo(ProbeFrames.ANY);
        assertThat(ProbeFrames.neighborAdvert(na, na.length, ip("2001:db8::1"))).isEqualTo(ProbeFrames.NO);
        assertThat(ProbeFrames.neighborAdvert(na, 20, target)).isEqualTo(ProbeFrames.NO);
    }

    /** An IPv4 packet (20-byte header) from {@code from} carrying ICMP type {@code type}. */
    private static byte[] reply4(byte[] from, int type, int id, int seq) {
        byte[] icmp = ProbeFrames.echoRequest(false, id, seq);
        icmp[0] = (byte) type;
        byte[] p = new byte[20 + icmp.length];
        p[0] = 0x45;
        p[9] = 1;
        System.arraycopy(from, 0, p, 12, 4);
        System.arraycopy(icmp, 0, p, 20, icmp.length);
        return p;
    }
}
