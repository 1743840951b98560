package org.keepvip.agent.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.keepvip.agent.packet.Announcer;
import org.keepvip.agent.packet.OutboundVrrp;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.agent.packet.SendOutcome;

/** Sends adverts and GARP/NA bursts through the pcap4j ports, one per interface. */
final class PcapPackets implements Ports.PacketOut {
    private final Map<String, PacketPort> ports;
    private final int unicastTtl;

    PcapPackets(Map<String, PacketPort> ports, int unicastTtl) {
        this.ports = Map.copyOf(ports);
        this.unicastTtl = unicastTtl;
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
        Announcer.on(port(ifname)).burst(addresses, rounds, false, Duration.ZERO);
    }

    private PacketPort port(String ifname) throws IOException {
        PacketPort p = ports.get(ifname);
        if (p == null) {
            throw new IOException("no packet port on " + ifname);
        }
        return p;
    }
}
