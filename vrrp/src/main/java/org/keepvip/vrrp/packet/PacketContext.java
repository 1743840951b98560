package org.keepvip.vrrp.packet;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What the IP layer says about a received VRRP message.
 *
 * @param source          IP source address
 * @param destination     IP destination address (224.0.0.18 / ff02::12, or our unicast address)
 * @param ttl             IPv4 TTL or IPv6 hop limit, or -1 if unknown
 * @param ipTotalLength   the IPv4 header's total length field, or -1 (IPv6, or unknown)
 * @param receivedLength  the IP packet length actually received (header + payload, including any
 *                        Ethernet padding), or -1 if unknown
 * @param fromKnownMaster true when the source is the master this instance already follows; with
 *                        {@code skip_check_adv_addr} the VIP list is then not checked
 */
public record PacketContext(InetAddress source, InetAddress destination, int ttl, int ipTotalLength,
                            int receivedLength, boolean fromKnownMaster) {

    public PacketContext {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        VrrpCodec.isIpv6(source, destination); // rejects a mixed pair
    }

    /** A context without IP length information (lengths unknown). */
    public static PacketContext of(InetAddress source, InetAddress destination, int ttl) {
        return new PacketContext(source, destination, ttl, -1, -1, false);
    }

    /** A copy carrying the IPv4 total length and received length. */
    public PacketContext withLengths(int ipTotalLength, int receivedLength) {
        return new PacketContext(source, destination, ttl, ipTotalLength, receivedLength, fromKnownMaster);
    }

    /** A copy marked as coming from (or not) the master this instance follows. */
    public PacketContext withFromKnownMaster(boolean known) {
        return new PacketContext(source, destination, ttl, ipTotalLength, receivedLength, known);
    }
}
