/**
 * Packet IO: VRRP adverts, gratuitous ARP and unsolicited NA on the wire, through pcap4j used as raw
 * IO (ARCHITECTURE.md, "The path of an advert"). The VRRP message itself is the codec's
 * ({@code org.keepvip.vrrp.packet}); this package takes it as bytes and hands received VRRP payloads
 * back as bytes with their IP context.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link org.keepvip.agent.packet.VrrpFrames}, {@link org.keepvip.agent.packet.AnnouncementFrames}:
 *       pure frame building. IPv4: TOS 0xC0, TTL 255 (or {@code unicast_ttl}), protocol 112, DF clear,
 *       the caller's identification, header checksum. IPv6: traffic class 0xC0, hop limit 255, next
 *       header 112. Multicast goes to 01:00:5e:00:00:12 / 33:33:00:00:00:12, unicast to the next hop's
 *       MAC. GARP equals keepalived's frame byte for byte (keepalived/vrrp/vrrp_arp.c, send_gratuitous_arp); the NA is ICMPv6 136 with
 *       Override (Router optional) and a target link-layer option, from the VIP to ff02::1.</li>
 *   <li>{@link org.keepvip.agent.packet.FrameParser}: total parsing of captured frames (802.1Q / QinQ
 *       skipped, IPv6 extension headers walked) into {@link org.keepvip.agent.packet.ReceivedVrrp} or a
 *       {@link org.keepvip.agent.packet.DropReason}; never an exception.</li>
 *   <li>{@link org.keepvip.agent.packet.PacketPort} and {@link org.keepvip.agent.packet.PcapPacketPort}:
 *       one port per interface; a capture handle (BPF {@code ip proto 112 or ip6 proto 112}, which
 *       libpcap 1.10 accepts; direction IN, immediate mode) read by one thread, a separate send handle,
 *       and group membership of 224.0.0.18 / ff02::12 so a real NIC delivers adverts.
 *       {@link org.keepvip.agent.packet.CauseCounters} counts drops and logs each cause once.</li>
 *   <li>{@link org.keepvip.agent.packet.Announcer}: GARP/NA bursts, N rounds over a list of VIPs.</li>
 *   <li>{@link org.keepvip.agent.packet.TcpRefusal} and {@link org.keepvip.agent.packet.ReleasedVipRefuser}
 *       ({@code released_vip_rst}): after a VIP is released, TCP SYNs that still reach this host for it
 *       are answered with RST+ACK, through a capture handle of its own (never the VRRP one), rate-limited;
 *       a client retries at once instead of waiting out its connect timeout.</li>
 *   <li>{@link org.keepvip.agent.packet.NextHopResolver}: the unicast next-hop MAC; netlink implements
 *       it (route, then neighbour table); tests pass a fixed table.</li>
 * </ul>
 *
 * <h2>Namespaces and interface facts</h2>
 * A socket, a pcap handle and an ioctl all act in the network namespace of the thread that makes
 * them, so {@code PcapPacketPort.open} must run on a thread inside the interface's namespace
 * ({@code org.keepvip.netlink.NetNamespace}); afterwards any thread may send. Interface facts
 * ({@link org.keepvip.agent.packet.InterfaceFacts}) are read in a way that follows the thread:
 * ifindex, MAC and primary IPv4 by {@code SIOCGIFINDEX}/{@code SIOCGIFHWADDR}/{@code SIOCGIFADDR}
 * on a datagram socket, the IPv6 link-local address from {@code /proc/thread-self/net/if_inet6}.
 * Not used, because they show another namespace from a {@code setns} thread:
 * {@code java.net.NetworkInterface}, {@code /proc/net} (the process's) and {@code /sys/class/net}
 * (the one that mounted sysfs). Group joins use {@code IP_ADD_MEMBERSHIP} ({@code ip_mreqn} with
 * the ifindex) and {@code IPV6_ADD_MEMBERSHIP} through JNA for the same reason.
 *
 * <h2>Reading and closing</h2>
 * On Linux, libpcap's read timeout is not a poll timeout: verified with libpcap 1.10.3, a
 * {@code pcap_next_ex} on an idle interface never returns, immediate mode or not. The reader
 * therefore blocks, and {@code close()} clears the running flag and calls {@code breakLoop()},
 * which wakes it (libpcap ≥ 1.10). {@code loop()} is never used.
 */
package org.keepvip.agent.packet;
