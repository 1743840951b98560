package org.keepvip.agent.loop;

import java.net.InetAddress;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.vrrp.packet.PacketContext;

/**
 * What reaches the event loop from the outside world: received packets, tracker results, netlink
 * notifications, hook outcomes, signals and operator commands. Posted from any thread; handled on
 * the loop thread only.
 */
public sealed interface LoopEvent {

    /**
     * A VRRP message received on {@code ifname}, with its IP context. {@code receivedAt} is the
     * reader's monotonic time when the frame arrived: the down timer restarts from there, not from
     * whenever the loop got to it, so a busy loop does not lengthen the takeover.
     */
    record PacketIn(String ifname, PacketContext context, byte[] message, long receivedAt) implements LoopEvent {}

    /** A tracker's result after rise/fall, for every instance that tracks {@code trackerId}. */
    record TrackerChanged(String trackerId, boolean ok) implements LoopEvent {}

    /** The integer a value tracker (track_file) now holds, for every instance that tracks {@code trackerId}. */
    record TrackerValue(String trackerId, long value) implements LoopEvent {}

    /** An interface's usable state (IFF_UP and IFF_RUNNING) changed. */
    record LinkChanged(String ifname, boolean up) implements LoopEvent {}

    /** An address was deleted from {@code ifname} by someone (netlink RTM_DELADDR). */
    record AddressRemoved(String ifname, InetAddress address) implements LoopEvent {}

    /**
     * A route or rule was deleted (netlink RTM_DELROUTE / RTM_DELRULE, a
     * {@link org.keepvip.netlink.NetlinkEvent.RouteRemoved} or {@code RuleRemoved}); {@code oifName}
     * is the deleted route's interface, null if unknown.
     */
    record RoutingRemoved(NetlinkEvent event, String oifName) implements LoopEvent {}

    /** The outcome of a Redis promotion started by the instance's hook lane. */
    record PromotionFinished(String instance, long attempt, boolean ok, String reason) implements LoopEvent {}

    /**
     * Stop: priority-0 adverts, VIPs released, notify STOP, then the loop ends. Without
     * {@code release} (run -V, keepalived's --dont-release-vrrp) MASTERs keep their VIPs and send nothing.
     */
    record Stop(boolean release) implements LoopEvent {
        /** The usual stop, which releases. */
        public Stop() {
            this(true);
        }
    }

    /** Any task that must run on the loop thread (status snapshots, reload, operator commands). */
    record OnLoop(Runnable task) implements LoopEvent {}
}
