package org.keepvip.agent.track;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;
import org.keepvip.agent.packet.InterfaceFacts;
import org.keepvip.agent.packet.InterfaceInfo;
import org.keepvip.agent.unix.Libc;
import org.keepvip.vrrp.config.TrackHost;

/**
 * A {@link HostProbe} on a socket of its own, opened in the calling thread's network namespace:
 * ICMP echo on a raw ICMP or ICMPv6 socket (its own identifier, so other pingers' replies are not
 * taken for ours), ARP on a packet socket bound to the interface, ND on a raw ICMPv6 socket bound to
 * it. The kernel filters what reaches each socket (ICMP_FILTER, ICMP6_FILTER, the ARP protocol);
 * {@link ProbeFrames} checks the rest. Needs CAP_NET_RAW, as the adverts do.
 */
final class SocketProbe implements HostProbe {
    private static final int BUFFER = 1500;

    private interface Recogniser {
        int answer(byte[] buf, int len, byte[] source);
    }

    private interface Message {
        byte[] of(int seq);
    }

    private final int fd;
    private final byte[] destination;
    private final Message message;
    private final Recogniser recogniser;
    private final byte[] buf = new byte[BUFFER];
    private final byte[] from = new byte[28];

    private SocketProbe(int fd, byte[] destination, Message message, Recogniser recogniser) {
        this.fd = fd;
        this.destination = destination;
        this.message = message;
        this.recogniser = recogniser;
    }

    /** Opens the socket {@code h} needs; a clear IOException when it cannot (no interface, no CAP_NET_RAW). */
    static HostProbe open(TrackHost h) throws IOException {
        InterfaceInfo iface = h.interfaceName() == null ? null : InterfaceFacts.lookup(h.interfaceName());
        byte[] target = h.address().getAddress();
        int fd = -1;
        try {
            switch (h.method()) {
                case ARP -> {
                    fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK
                            | Libc.SOCK_CLOEXEC, htons(ProbeSockets.ETH_P_ARP));
                    byte[] own = ProbeSockets.sockaddrLl(iface.index(), null);
                    Libc.bind(fd, own, own.length);
                    // Without an IPv4 address on the interface, an ARP probe (sender 0.0.0.0, RFC 5227).
                    byte[] sender = iface.ipv4().map(InetAddress::getAddress).orElse(new byte[4]);
                    byte[] request = ProbeFrames.arpRequest(iface.mac().bytes(), sender, target);
                    return new SocketProbe(fd, ProbeSockets.sockaddrLl(iface.index(),
                            new byte[] {-1, -1, -1, -1, -1, -1}), seq -> request,
                            (b, len, src) -> ProbeFrames.arpReply(b, len, target));
                }
                case ND -> {
                    fd = icmp6Socket(iface, ProbeFrames.ND_NEIGHBOR_ADVERT);
                    ProbeSockets.setInt(fd, ProbeSockets.IPPROTO_IPV6, ProbeSockets.IPV6_MULTICAST_HOPS, 255);
                    ProbeSockets.setInt(fd, ProbeSockets.IPPROTO_IPV6, ProbeSockets.IPV6_UNICAST_HOPS, 255);
                    ProbeSockets.setInt(fd, ProbeSockets.IPPROTO_IPV6, ProbeSockets.IPV6_MULTICAST_IF, iface.index());
                    byte[] solicitation = ProbeFrames.neighborSolicitation(target, iface.mac().bytes());
                    return new SocketProbe(fd, ProbeSockets.sockaddrIn6(ProbeFrames.solicitedNode(target), iface.index()),
                            seq -> solicitation, (b, len, src) -> ProbeFrames.neighborAdvert(b, len, target));
                }
                default -> {
                    int id = ThreadLocalRandom.current().nextInt(1, 0x10000);
                    if (h.ipv6()) {
                        fd = icmp6Socket(iface, ProbeFrames.ICMP6_ECHO_REPLY);
                        int scope = iface != null && h.address().isLinkLocalAddress() ? iface.index() : 0;
                        return new SocketProbe(fd, ProbeSockets.sockaddrIn6(target, scope),
                                seq -> ProbeFrames.echoRequest(true, id, seq),
                                (b, len, src) -> ProbeFrames.echoReply6(b, len, Arrays.copyOfRange(src, 8, 24),
                                        target, id));
                    }
                    fd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK
                            | Libc.SOCK_CLOEXEC, ProbeSockets.IPPROTO_ICMP);
                    // Only echo replies reach the socket (a set bit drops that ICMP type).
                    ProbeSockets.setInt(fd, ProbeSockets.SOL_RAW, ProbeSockets.ICMP_FILTER, ~(1 << ProbeFrames.ICMP_ECHO_REPLY));
                    if (iface != null) {
                        ProbeSockets.bindToDevice(fd, iface.name());
                    }
                    return new SocketProbe(fd, ProbeSockets.sockaddrIn(target), seq -> ProbeFrames.echoRequest(false, id, seq),
                            (b, len, src) -> ProbeFrames.echoReply4(b, len, target, id));
                }
            }
        } catch (LastErrorException e) {
            if (fd >= 0) {
                ProbeSockets.closeQuietly(fd);
            }
            throw new IOException("cannot open a " + h.method().word() + " socket"
                    + (iface == null ? "" : " on " + iface.name()) + ": errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1 ? " (needs CAP_NET_RAW)" : ""), e);
        }
    }

    private static int htons(int v) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? v
                : Short.toUnsignedInt(Short.reverseBytes((short) v));
    }

    /** A raw ICMPv6 socket that only {@code type} reaches, bound to {@code iface} if given. */
    private static int icmp6Socket(InterfaceInfo iface, int type) {
        int fd = Libc.socket(Libc.AF_INET6, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK
                | Libc.SOCK_CLOEXEC, ProbeSockets.IPPROTO_ICMPV6);
        try {
            // struct icmp6_filter: a set bit blocks that type; block all but one.
            byte[] filter = new byte[32];
            Arrays.fill(filter, (byte) 0xff);
            ByteBuffer f = ByteBuffer.wrap(filter).order(ByteOrder.nativeOrder());
            f.putInt((type >> 5) * 4, ~(1 << (type & 31)));
            Libc.setsockopt(fd, ProbeSockets.IPPROTO_ICMPV6, ProbeSockets.ICMP_FILTER, filter, filter.length);
            if (iface != null) {
                ProbeSockets.bindToDevice(fd, iface.name());
            }
            return fd;
        } catch (LastErrorException e) {
            ProbeSockets.closeQuietly(fd);
            throw e;
        }
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public void send(int seq) throws IOException {
        byte[] m = message.of(seq);
        try {
            Libc.sendto(fd, m, new NativeLong(m.length), ProbeSockets.MSG_DONTWAIT, destination, destination.length);
        } catch (LastErrorException e) {
            throw new IOException("errno " + e.getErrorCode(), e);
        }
    }

    @Override
    public void drain(IntConsumer answered) throws IOException {
        while (true) {
            int[] fromLen = {from.length};
            int n;
            try {
                n = Libc.recvfrom(fd, buf, new NativeLong(buf.length), ProbeSockets.MSG_DONTWAIT, from, fromLen)
                        .intValue();
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Libc.EAGAIN || e.getErrorCode() == Libc.EINTR) {
                    return;
                }
                throw new IOException("errno " + e.getErrorCode(), e);
            }
            int seq = recogniser.answer(buf, n, from);
            if (seq != ProbeFrames.NO) {
                answered.accept(seq);
            }
        }
    }

    @Override
    public void close() {
        ProbeSockets.closeQuietly(fd);
    }
}
