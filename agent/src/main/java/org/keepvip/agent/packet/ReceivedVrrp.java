package org.keepvip.agent.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.keepvip.netlink.MacAddress;

/**
 * A received IPv4 or IPv6 packet with protocol 112, with the IP context the VRRP receive checks
 * (keepalived/vrrp/vrrp.c, vrrp_check_packet) need. The payload is handed to the codec as it came.
 *
 * @param interfaceName   where it was captured
 * @param receivedAtNanos when the kernel received it, on the {@link System#nanoTime()} scale
 * @param sourceMac       Ethernet source
 * @param source          IP source
 * @param destination     IP destination (224.0.0.18 / ff02::12 for multicast adverts)
 * @param ttl             IPv4 TTL or IPv6 hop limit
 * @param protocol        IP protocol / final next header (112)
 * @param ipTotalLength   the length the IP header claims: IPv4 total length, or 40 + IPv6 payload
 *                        length
 * @param receivedIpLength bytes received after the Ethernet header; more than
 *                        {@code ipTotalLength} when the link padded the frame
 * @param payload         the bytes after the IP header(s), cut at {@code ipTotalLength}
 */
public record ReceivedVrrp(String interfaceName, long receivedAtNanos, MacAddress sourceMac,
                           InetAddress source, InetAddress destination, int ttl, int protocol,
                           int ipTotalLength, int receivedIpLength, byte[] payload) implements FrameVerdict {

    public ReceivedVrrp {
        payload = payload.clone();
    }

    /** A copy of the VRRP bytes. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * The VRRP bytes without a copy, for handing the message to the event loop once: the caller
     * must not modify the array.
     */
    public byte[] payloadUnsafe() {
        return payload;
    }

    /** The VRRP bytes as a read-only buffer, without copying. */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    public int payloadLength() {
        return payload.length;
    }

    public boolean isIpv6() {
        return source instanceof Inet6Address;
    }

    public boolean isMulticast() {
        return destination.isMulticastAddress();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedVrrp r && interfaceName.equals(r.interfaceName)
                && receivedAtNanos == r.receivedAtNanos && sourceMac.equals(r.sourceMac)
                && source.equals(r.source) && destination.equals(r.destination) && ttl == r.ttl
                && protocol == r.protocol && ipTotalLength == r.ipTotalLength
                && receivedIpLength == r.receivedIpLength && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return 31 * source.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ReceivedVrrp[" + interfaceName + " " + source.getHostAddress() + " (" + sourceMac + ") -> "
                + destination.getHostAddress() + " ttl " + ttl + " proto " + protocol + " ip length "
                + ipTotalLength + "/" + receivedIpLength + " payload " + payload.length + " bytes]";
    }
}
