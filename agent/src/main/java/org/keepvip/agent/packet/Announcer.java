package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends GARP / unsolicited NA bursts for a set of VIPs: {@code rounds} rounds, each one message per
 * VIP in the order given (keepalived's {@code vrrp_send_link_update}). With a non-zero spacing
 * ({@code vrrp_garp_interval} / {@code vrrp_gna_interval}) it waits between messages, so call it off
 * the event loop then; {@code garp_master_delay} and refresh are the caller's timers.
 */
public final class Announcer {

    /** Where the frames go: {@link PacketPort#sendFrame} in the daemon, a list in tests. */
    @FunctionalInterface
    public interface FrameSink {
        void send(byte[] frame) throws IOException;
    }

    private final FrameSink sink;
    private final MacAddress mac;

    /** @param mac the interface (or VMAC) address the VIPs should move to */
    public Announcer(FrameSink sink, MacAddress mac) {
        this.sink = sink;
        this.mac = mac;
    }

    /** An announcer sending on {@code port} with its interface's MAC. */
    public static Announcer on(PacketPort port) {
        return new Announcer(port::sendFrame, port.iface().mac());
    }

    /**
     * @param routerFlag set the NA Router flag (keepalived: when forwarding is on for the interface)
     * @param spacing    pause between two messages; zero sends back to back
     * @return the number of frames sent
     */
    public int burst(List<? extends InetAddress> vips, int rounds, boolean routerFlag, Duration spacing)
            throws IOException {
        if (rounds < 0) {
            throw new IllegalArgumentException("rounds " + rounds + " (expected: 0+)");
        }
        // Built once, sent every round: the frames do not change between rounds (a takeover sends
        // vrrp_garp_master_repeat rounds, 5 by default, for each of up to a thousand instances).
        byte[][] frames = new byte[rounds == 0 ? 0 : vips.size()][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = frameFor(vips.get(i), routerFlag);
        }
        int sent = 0;
        for (int round = 0; round < rounds; round++) {
            for (byte[] frame : frames) {
                if (sent > 0 && !spacing.isZero()) {
                    LockSupport.parkNanos(spacing.toNanos());
                }
                sink.send(frame);
                sent++;
            }
        }
        return sent;
    }

    /** The GARP or NA for one VIP. */
    public byte[] frameFor(InetAddress vip, boolean routerFlag) {
        if (vip instanceof Inet4Address v4) {
            return AnnouncementFrames.gratuitousArp(mac, v4);
        }
        return AnnouncementFrames.unsolicitedNa(mac, (Inet6Address) vip, routerFlag);
    }
}
