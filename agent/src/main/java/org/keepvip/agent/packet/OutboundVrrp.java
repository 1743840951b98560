package org.keepvip.agent.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A VRRP message to send, with its IP addressing. The message bytes come from the codec, checksum
 * included (a v3 checksum covers the pseudo-header, so the codec must be given the same source and
 * destination).
 *
 * @param source      IP source: the configured source, else the interface's primary IPv4 or IPv6
 *                    link-local address
 * @param destination 224.0.0.18 / ff02::12, or a unicast peer
 * @param ttl         TTL / hop limit, 255 unless {@code unicast_ttl}
 * @param vrrp        the encoded VRRP message
 */
public record OutboundVrrp(InetAddress source, InetAddress destination, int ttl, byte[] vrrp) {
    /** 224.0.0.18. */
    public static final Inet4Address IPV4_GROUP = (Inet4Address) literal("224.0.0.18");
    /** ff02::12. */
    public static final Inet6Address IPV6_GROUP = (Inet6Address) literal("ff02::12");

    public OutboundVrrp {
        if ((source instanceof Inet4Address) != (destination instanceof Inet4Address)) {
            throw new IllegalArgumentException("source " + source.getHostAddress() + " and destination "
                    + destination.getHostAddress() + " are of different families");
        }
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("TTL " + ttl + " (expected: 1..255)");
        }
        vrrp = vrrp.clone();
    }

    /** To the VRRP group of the source's family, TTL 255. */
    public static OutboundVrrp multicast(InetAddress source, byte[] vrrp) {
        return new OutboundVrrp(source, source instanceof Inet4Address ? IPV4_GROUP : IPV6_GROUP,
                VrrpFrames.DEFAULT_TTL, vrrp);
    }

    /** To one unicast peer. */
    public static OutboundVrrp unicast(InetAddress source, InetAddress peer, int ttl, byte[] vrrp) {
        return new OutboundVrrp(source, peer, ttl, vrrp);
    }

    @Override
    public byte[] vrrp() {
        return vrrp.clone();
    }

    /** The message bytes without a copy, for the frame builder. */
    byte[] vrrpUnsafe() {
        return vrrp;
    }

    static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
