package org.keepvip.agent.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.keepvip.agent.packet.Announcer;
import org.keepvip.agent.packet.OutboundVrrp;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.agent.packet.SendOutcome;

/** Sends adverts and GARP/NA bursts through the pcap4j ports, one per interface. */
final class PcapPackets implements Ports.PacketOut {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("keepvip.vrrp");

    private final Map<String, PacketPort> ports;
    private final int unicastTtl;
    private final AnnouncePacing pacing;
    private final ScheduledExecutorService later;

    /** Without pacing: every GARP and NA goes at once. */
    PcapPackets(Map<String, PacketPort> ports, int unicastTtl) {
        this(ports, unicastTtl, null, null);
    }

    /**
     * @param pacing the gaps per interface (garp_group, vrrp_garp_interval, vrrp_gna_interval)
     * @param later  where messages that must wait for their slot are sent from, so a lane never sleeps
     */
    PcapPackets(Map<String, PacketPort> ports, int unicastTtl, AnnouncePacing pacing, ScheduledExecutorService later) {
        this.ports = Map.copyOf(ports);
        this.unicastTtl = unicastTtl;
        this.pacing = pacing;
        this.later = later;
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
        Announcer announcer = Announcer.on(port(ifname));
        if (pacing == null || pacing.unpaced(ifname)) {
            announcer.burst(addresses, rounds, false, Duration.ZERO);
            return;
        }
        int n = addresses.size() * rounds;
        boolean[] isNa = new boolean[n];
        for (int i = 0; i < n; i++) {
            isNa[i] = addresses.get(i % addresses.size()) instanceof java.net.Inet6Address;
        }
        long[] delays = pacing.book(ifname, isNa, System.nanoTime());
        for (int i = 0; i < n; i++) {
            byte[] frame = announcer.frameFor(addresses.get(i % addresses.size()), false);
            if (delays[i] == 0) {
                port(ifname).sendFrame(frame);
            } else {
                later.schedule(() -> {
                    try {
                        port(ifname).sendFrame(frame);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("({}) paced gratuitous ARP/NA not sent: {}", ifname, e.getMessage());
                    }
                }, delays[i], TimeUnit.NANOSECONDS);
            }
        }
    }

    private PacketPort port(String ifname) throws IOException {
        PacketPort p = ports.get(ifname);
        if (p == null) {
            throw new IOException("no packet port on " + ifname);
        }
        return p;
    }
}
