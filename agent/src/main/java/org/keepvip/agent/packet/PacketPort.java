package org.keepvip.agent.packet;

import java.io.IOException;
import java.util.Optional;

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

    /**
     * Received frames read by the caller's thread instead of a reader thread of the port's own: a
     * descriptor to wait on and a non-blocking read. Present only for a port opened that way
     * ({@link PcapPacketPort#openPolled}) where libpcap allows it.
     */
    default Optional<Polled> polled() {
        return Optional.empty();
    }

    /** See {@link #polled()}. One thread reads. */
    interface Polled {
        /** Readable (poll(2)) when frames wait, or on an error. */
        int fd();

        /**
         * Reads up to {@code max} frames that already arrived, without waiting, and hands each to the
         * port's receiver, on the calling thread. Returns how many, or -1 after a read error (logged;
         * the caller should leave the descriptor alone for a while, as a failing one stays readable).
         */
        int drain(int max);

        /** The interface, for messages. */
        String ifname();
    }

    /** Stops receiving and releases the handles and group memberships. Idempotent. */
    @Override
    void close();
}
