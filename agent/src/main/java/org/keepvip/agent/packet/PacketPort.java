package org.keepvip.agent.packet;

import java.io.IOException;

/**
 * VRRP packet IO on one interface: sends adverts framed by keepvip, and hands every received
 * protocol-112 packet, parsed down to its VRRP bytes, to the receiver given when the port was
 * opened. The pcap implementation is {@link PcapPacketPort}; an in-memory LAN can implement it for
 * tests.
 */
public interface PacketPort extends AutoCloseable {

    /** The interface's facts as they were when the port was opened. */
    InterfaceInfo iface();

    /**
     * Frames and sends one advert. Multicast goes to the group's Ethernet address, unicast to the
     * MAC the {@link NextHopResolver} gives. Thread-safe.
     *
     * @throws IOException when the send itself fails (link gone, port closed)
     */
    SendOutcome sendVrrp(OutboundVrrp message) throws IOException;

    /** Sends a complete Ethernet frame (a GARP or NA from {@link AnnouncementFrames}). Thread-safe. */
    void sendFrame(byte[] frame) throws IOException;

    /** Frames dropped before they reached the receiver, by cause. */
    CauseCounters<DropReason> drops();

    /** Stops receiving and releases the handles and group memberships. Idempotent. */
    @Override
    void close();
}
