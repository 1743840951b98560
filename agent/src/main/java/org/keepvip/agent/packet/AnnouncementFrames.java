package org.keepvip.agent.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.keepvip.netlink.MacAddress;
import org.keepvip.vrrp.packet.InternetChecksum;

/**
 * The frames a new master sends so that neighbours move a VIP to its MAC: a gratuitous ARP for
 * IPv4 (keepalived/vrrp/vrrp_arp.c, send_gratuitous_arp) and an unsolicited neighbour advertisement
 * for IPv6 (keepalived/vrrp/vrrp_ndisc.c, ndisc_send_unsolicited_na).
 */
public final class AnnouncementFrames {
    /** ff02::1, where unsolicited NAs go. */
    public static final Inet6Address IPV6_ALL_NODES = (Inet6Address) literal("ff02::1");

    static final int ICMPV6 = 58;
    static final int NEIGHBOR_ADVERTISEMENT = 136;
    static final int FLAG_ROUTER = 0x80;
    static final int FLAG_OVERRIDE = 0x20;
    static final int OPTION_TARGET_LINK_LAYER = 2;
    /** Type, code, checksum, flags/reserved, target, then one 8-byte target link-layer option. */
    static final int NA_LENGTH = 4 + 4 + 16 + 8;

    private AnnouncementFrames() {}

    /**
     * An ARP request (op 1) broadcast with sender = target = {@code vip}, sender hardware address
     * {@code mac} and target hardware address ff:ff:ff:ff:ff:ff, byte for byte what keepalived sends.
     */
    public static byte[] gratuitousArp(MacAddress mac, Inet4Address vip) {
        ByteBuffer b = ByteBuffer.allocate(EtherType.HEADER_LENGTH + 28);
        VrrpFrames.ethernet(b, MacAddress.BROADCAST, mac, EtherType.ARP);
        b.putShort((short) 1) // hardware type: Ethernet
                .putShort((short) EtherType.IPV4).put((byte) 6).put((byte) 4)
                .putShort((short) 1); // op: request
        mac.writeTo(b);
        b.put(vip.getAddress());
        MacAddress.BROADCAST.writeTo(b);
        b.put(vip.getAddress());
        return b.array();
    }

    /**
     * An unsolicited neighbour advertisement for {@code vip}: from the VIP to ff02::1 (Ethernet
     * 33:33:00:00:00:01), hop limit 255, Override set, Router set when {@code router}, and a target
     * link-layer address option carrying {@code mac}.
     */
    public static byte[] unsolicitedNa(MacAddress mac, Inet6Address vip, boolean router) {
        ByteBuffer b = ByteBuffer.allocate(EtherType.HEADER_LENGTH + VrrpFrames.IPV6_HEADER_LENGTH + NA_LENGTH);
        VrrpFrames.ethernet(b, MacAddress.IPV6_ALL_NODES, mac, EtherType.IPV6);
        VrrpFrames.ipv6Header(b, 0, NA_LENGTH, ICMPV6, 255, vip, IPV6_ALL_NODES);
        int icmp = b.position();
        b.put((byte) NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0)
                .put((byte) (FLAG_OVERRIDE | (router ? FLAG_ROUTER : 0))).put(new byte[3])
                .put(vip.getAddress())
                .put((byte) OPTION_TARGET_LINK_LAYER).put((byte) 1);
        mac.writeTo(b);
        long pseudo = InternetChecksum.ipv6PseudoHeader(vip, IPV6_ALL_NODES, ICMPV6, NA_LENGTH);
        int sum = InternetChecksum.finish(InternetChecksum.add(pseudo, b.array(), icmp, NA_LENGTH));
        b.putShort(icmp + 2, (short) sum);
        return b.array();
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
