package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

import org.keepvip.vrrp.packet.InternetChecksum;

/**
 * Recognises an inbound TCP SYN in a captured Ethernet frame and builds the RST+ACK that refuses it
 * as a closed port's kernel does (the segment has no ACK, so the reset carries {@code SEQ = 0},
 * {@code ACK = SEG.SEQ + SEG.LEN} and the ACK bit). Pure and total: any byte array
 * parses to a {@link Syn} or to nothing, never an exception.
 *
 * <p>Deliberately narrow: untagged Ethernet II; IPv4 without fragmentation; IPv6 with TCP directly
 * after the fixed header (a SYN behind extension headers is not answered, which only leaves that
 * client to its connect timeout, as without this feature); unicast sources only (a host
 * never sends a RST to a broadcast or multicast address).
 */
public final class TcpRefusal {
    /** IP protocol number of TCP. */
    public static final int TCP = 6;
    /** TTL / hop limit of the reset: Linux's default for locally generated packets. */
    public static final int TTL = 64;

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;
    private static final int TCP_HEADER_LENGTH = 20;
    private static final int IPV4_DONT_FRAGMENT = 0x4000;

    private TcpRefusal() {}

    /**
     * A SYN worth answering.
     *
     * @param srcMac     the sender's MAC, where the reset goes
     * @param source     the client's address
     * @param destination the address it connects to (a VIP, if it is for us)
     * @param srcPort    the client's port
     * @param dstPort    the port it connects to
     * @param seq        the SYN's sequence number, unsigned 32 bits
     * @param segLength  SEG.LEN: 1 for the SYN plus any data it carries (TCP Fast Open)
     */
    public record Syn(MacAddress srcMac, InetAddress source, InetAddress destination, int srcPort, int dstPort,
                      long seq, int segLength) {}

    /**
     * The SYN in {@code frame}, if it is one addressed to {@code ifaceMac}: unicast to our own MAC (a
     * frame flooded to us for another host, or broadcast, is not ours to answer), TCP with SYN set and
     * ACK, RST and FIN clear, consistent lengths, and a unicast source address.
     */
    public static Optional<Syn> parse(byte[] frame, MacAddress ifaceMac) {
        if (frame.length < EtherType.HEADER_LENGTH || ifaceMac.isMulticast()
                || !MacAddress.of(frame, 0).equals(ifaceMac)) {
            return Optional.empty();
        }
        MacAddress srcMac = MacAddress.of(frame, 6);
        if (srcMac.isMulticast()) {
            return Optional.empty();
        }
        int etherType = u16(frame, 12);
        int ip = EtherType.HEADER_LENGTH;
        int tcp;
        int tcpLength;
        InetAddress src;
        InetAddress dst;
        if (etherType == EtherType.IPV4) {
            if (frame.length < ip + VrrpFrames.IPV4_HEADER_LENGTH || (frame[ip] & 0xF0) != 0x40) {
                return Optional.empty();
            }
            int headerLength = (frame[ip] & 0x0F) * 4;
            int totalLength = u16(frame, ip + 2);
            if (headerLength < VrrpFrames.IPV4_HEADER_LENGTH || totalLength < headerLength + TCP_HEADER_LENGTH
                    || frame.length < ip + headerLength || frame[ip + 9] != TCP
                    || (u16(frame, ip + 6) & 0x3FFF) != 0 // MF or an offset: not the first and only fragment
                    || InternetChecksum.compute(frame, ip, headerLength) != 0) { // the kernel drops these too
                return Optional.empty();
            }
            tcp = ip + headerLength;
            tcpLength = totalLength - headerLength;
            src = address(frame, ip + 12, 4);
            dst = address(frame, ip + 16, 4);
            byte[] s = src.getAddress();
            if (src.isMulticastAddress() || src.isAnyLocalAddress() || (s[0] & s[1] & s[2] & s[3]) == (byte) 0xFF) {
                return Optional.empty();
            }
        } else if (etherType == EtherType.IPV6) {
            if (frame.length < ip + VrrpFrames.IPV6_HEADER_LENGTH || (frame[ip] & 0xF0) != 0x60
                    || frame[ip + 6] != TCP) {
                return Optional.empty();
            }
            tcp = ip + VrrpFrames.IPV6_HEADER_LENGTH;
            tcpLength = u16(frame, ip + 4);
            src = address(frame, ip + 8, 16);
            dst = address(frame, ip + 24, 16);
            // getByAddress turns ::ffff:a.b.c.d into an Inet4Address; no such SYN is for us.
            if (!(src instanceof Inet6Address) || !(dst instanceof Inet6Address) || src.isMulticastAddress()
                    || src.isAnyLocalAddress()) {
                return Optional.empty();
            }
        } else {
            return Optional.empty();
        }
        if (tcpLength < TCP_HEADER_LENGTH || frame.length < tcp + TCP_HEADER_LENGTH
                || dst.isMulticastAddress()) {
            return Optional.empty();
        }
        int dataOffset = ((frame[tcp + 12] & 0xFF) >>> 4) * 4;
        int flags = frame[tcp + 13] & 0xFF;
        if (dataOffset < TCP_HEADER_LENGTH || dataOffset > tcpLength || (flags & (SYN | ACK | RST | FIN)) != SYN) {
            return Optional.empty();
        }
        int srcPort = u16(frame, tcp);
        int dstPort = u16(frame, tcp + 2);
        if (srcPort == 0 || dstPort == 0) {
            return Optional.empty();
        }
        long seq = u32(frame, tcp + 4);
        return Optional.of(new Syn(srcMac, src, dst, srcPort, dstPort, seq, 1 + tcpLength - dataOffset));
    }

    /**
     * The RST+ACK for {@code syn}, as a complete Ethernet frame from {@code ifaceMac} back to the
     * sender: addresses and ports swapped, {@code SEQ 0}, {@code ACK SEG.SEQ + SEG.LEN}, window 0, no
     * options, TTL / hop limit {@value #TTL}; IPv4 with DF set and identification 0, as Linux sends
     * its resets.
     */
    public static byte[] reset(Syn syn, MacAddress ifaceMac) {
        boolean v4 = syn.source() instanceof Inet4Address;
        int ipHeader = v4 ? VrrpFrames.IPV4_HEADER_LENGTH : VrrpFrames.IPV6_HEADER_LENGTH;
        ByteBuffer b = ByteBuffer.allocate(EtherType.HEADER_LENGTH + ipHeader + TCP_HEADER_LENGTH);
        VrrpFrames.ethernet(b, syn.srcMac(), ifaceMac, v4 ? EtherType.IPV4 : EtherType.IPV6);
        int ip = b.position();
        if (v4) {
            b.put((byte) 0x45).put((byte) 0).putShort((short) (ipHeader + TCP_HEADER_LENGTH))
                    .putShort((short) 0).putShort((short) IPV4_DONT_FRAGMENT)
                    .put((byte) TTL).put((byte) TCP).putShort((short) 0)
                    .put(syn.destination().getAddress()).put(syn.source().getAddress());
            b.putShort(ip + 10, (short) InternetChecksum.compute(b.array(), ip, ipHeader));
        } else {
            VrrpFrames.ipv6Header(b, 0, TCP_HEADER_LENGTH, TCP, TTL, (Inet6Address) syn.destination(),
                    (Inet6Address) syn.source());
        }
        int tcp = b.position();
        b.putShort((short) syn.dstPort()).putShort((short) syn.srcPort())
                .putInt(0) // SEQ 0: the SYN acknowledged nothing of ours
                .putInt((int) (syn.seq() + syn.segLength())) // wraps modulo 2^32, as sequence numbers do
                .put((byte) (5 << 4)).put((byte) (RST | ACK))
                .putShort((short) 0) // window
                .putShort((short) 0) // checksum, below
                .putShort((short) 0); // urgent pointer
        long pseudo = InternetChecksum.pseudoHeader(syn.destination(), syn.source(), TCP, TCP_HEADER_LENGTH);
        int sum = InternetChecksum.finish(InternetChecksum.add(pseudo, b.array(), tcp, TCP_HEADER_LENGTH));
        b.putShort(tcp + 16, (short) sum);
        return b.array();
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static long u32(byte[] b, int off) {
        return ((long) u16(b, off) << 16) | u16(b, off + 2);
    }

    private static InetAddress address(byte[] b, int off, int len) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + len));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of length " + len, e); // 4 and 16 are always valid
        }
    }
}
