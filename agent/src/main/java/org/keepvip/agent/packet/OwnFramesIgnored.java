package org.keepvip.agent.packet;

import com.sun.jna.LastErrorException;
import org.keepvip.agent.unix.Libc;
import org.pcap4j.core.PcapHandle;

/**
 * Asks the kernel not to hand a capture socket the frames this host sends ({@code
 * PACKET_IGNORE_OUTGOING}, Linux 4.20+). libpcap's direction IN drops them only in user space, after
 * the reader thread has woken and the frame has taken a slot of the capture ring: with a thousand
 * instances a master sends 20,000 adverts a second, and each one woke its interface's reader.
 *
 * <p>pcap4j keeps the socket to itself, so the descriptor comes from libpcap's {@code pcap_fileno}
 * on the handle's {@code pcap_t *} ({@link Libpcap}). Where that or the socket
 * option is missing, nothing changes: libpcap still drops the frames, only later.
 */
final class OwnFramesIgnored {
    private static final int SOL_PACKET = 263;
    private static final int PACKET_IGNORE_OUTGOING = 23;

    private OwnFramesIgnored() {}

    /** Returns null when set, else why not (for a debug line). */
    static String apply(PcapHandle capture) {
        int fd;
        try {
            fd = Libpcap.pcap_fileno(Libpcap.pcapOf(capture));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "pcap4j does not expose its socket: " + e;
        }
        if (fd < 0) {
            return "pcap_fileno returned " + fd;
        }
        try {
            Libc.setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, LinuxSockets.intValue(1), 4);
            return null;
        } catch (LastErrorException e) {
            return "PACKET_IGNORE_OUTGOING: errno " + e.getErrorCode();
        }
    }
}
