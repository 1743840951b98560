package org.keepvip.agent.packet;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keepvip.agent.loop.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends adverts and GARP/NA bursts through the pcap4j ports, one per interface. */
public final class PcapPackets implements Ports.PacketOut {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    private final Map<String, PacketPort> ports;
    private final int unicastTtl;
    private final AnnouncePacing pacing;

    /** Without pacing: every GARP and NA goes at once. */
    PcapPackets(Map<String, PacketPort> ports, int unicastTtl) {
        this(ports, unicastTtl, null);
    }

    /**
     * @param pacing the gaps per interface (garp_group, vrrp_garp_interval, vrrp_gna_interval); a
     *               message that must wait for its gap goes from the pacing's scheduler, so a lane never sleeps
     */
    public PcapPackets(Map<String, PacketPort> ports, int unicastTtl, AnnouncePacing pacing) {
        this.ports = new ConcurrentHashMap<>(ports);
        this.unicastTtl = unicastTtl;
        this.pacing = pacing;
    }

    @Override
    public void sendVrrp(String ifname, byte[] vrrpMessage, InetAddress source, InetAddress destination)
            throws IOException {
        OutboundVrrp out = destination.isMulticastAddress()
                ? new OutboundVrrp(source, destination, 255, vrrpMessage)
                : OutboundVrrp.unicast(source, destination, unicastTtl, vrrpMessage);
        if (port(ifname).sendVrrp(out) == SendOutcome.NEXT_HOP_UNKNOWN) {
            throw new IOException("no next-hop MAC for " + destination.getHostAddress() + " yet");
        }
    }

    @Override
    public void announce(String ifname, List<InetAddress> addresses, int rounds) throws IOException {
        if (!ports.containsKey(ifname)) {
            // A VIP's interface without ARP (lo, a tunnel; keepalived's send_gratuitous_arp() skips
            // IFF_NOARP too), or one whose port could not be opened (logged then).
            LOG.debug("({}) no gratuitous ARP/NA: no packet port there", ifname);
            return;
        }
        Announcer announcer = Announcer.on(port(ifname));
        if (pacing == null || pacing.unpaced(ifname)) {
            announcer.burst(addresses, rounds, false, Duration.ZERO);
            return;
        }
        for (int round = 0; round < rounds; round++) {
            for (InetAddress vip : addresses) {
                byte[] frame = announcer.frameFor(vip, false);
                pacing.submit(ifname, vip instanceof Inet6Address, () -> {
                    try {
                        port(ifname).sendFrame(frame);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("({}) gratuitous ARP/NA not sent: {}", ifname, e.getMessage());
                    }
                });
            }
        }
    }

    /** A port a reload added (a new VMAC's macvlan). */
    public void addPort(String ifname, PacketPort port) {
        ports.put(ifname, port);
    }

    /** Forgets the port on {@code ifname}, returning it for the caller to close; null if there was none. */
    public PacketPort removePort(String ifname) {
        return ports.remove(ifname);
    }

    public boolean hasPort(String ifname) {
        return ports.containsKey(ifname);
    }

    private PacketPort port(String ifname) throws IOException {
        PacketPort p = ports.get(ifname);
        if (p == null) {
            throw new IOException("no packet port on " + ifname);
        }
        return p;
    }
}
