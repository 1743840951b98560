package org.keepvip.vrrp.state;

import java.net.InetAddress;
import java.util.Objects;
import org.keepvip.vrrp.packet.VrrpAdvert;

/**
 * Everything that can happen to a {@link VrrpInstance}. Each event carries {@code now}, a monotonic
 * nanosecond value from the driver's clock (System.nanoTime in the agent, a fake clock in tests);
 * the instance never reads a clock itself.
 */
public sealed interface Event {

    /** Monotonic time of the event in nanoseconds. */
    long now();

    /** Start the instance; {@code interfaceUp} is the current state of its interface. */
    record Start(long now, boolean interfaceUp) implements Event {
    }

    /** The deadline returned by {@link VrrpInstance#nextDeadline()} has been reached. */
    record TimerDue(long now) implements Event {
    }

    /**
     * An advert for this instance's VRID that already passed receive validation (checksum, TTL,
     * auth, version, interval for v2).
     */
    record AdvertReceived(long now, VrrpAdvert advert, InetAddress source) implements Event {
        public AdvertReceived {
            Objects.requireNonNull(advert, "advert");
            Objects.requireNonNull(source, "source");
        }
    }

    /** A tracker's result after its own rise/fall hysteresis ({@link RiseFallCounter}). */
    record TrackerResult(long now, String trackerId, boolean ok) implements Event {
        public TrackerResult {
            Objects.requireNonNull(trackerId, "trackerId");
        }
    }

    /**
     * The integer a value tracker (track_file) now holds; the instance weighs it with
     * {@link FileValue#status}. A missing or unreadable file reads as 0, as in keepalived.
     */
    record TrackerValue(long now, String trackerId, long value) implements Event {
        public TrackerValue {
            Objects.requireNonNull(trackerId, "trackerId");
        }
    }

    /** The instance's own interface went up or down (IFF_UP|IFF_RUNNING). */
    record InterfaceChanged(long now, boolean up) implements Event {
    }

    /** A VIP of this instance was deleted by someone else (netlink RTM_DELADDR, not {@code no_track}). */
    record VipDeletedExternally(long now) implements Event {
    }

    /**
     * One of this instance's {@code virtual_routes} or {@code virtual_rules} (not {@code no_track}) was
     * deleted by someone else (netlink RTM_DELROUTE / RTM_DELRULE); {@code what} names it. As for a VIP,
     * a MASTER leaves for BACKUP (keepalived/core/keepalived_netlink.c: netlink_route_filter(),
     * set_vrrp_backup()).
     */
    record RoutingDeletedExternally(long now, String what) implements Event {
    }

    /**
     * Answer to {@link Action.Promote}: Redis was promoted and {@code ROLE} confirmed master ({@code ok}),
     * or it failed ({@code reason} says why). {@code attempt} must echo the Promote's attempt.
     */
    record PromotionDone(long now, long attempt, boolean ok, String reason) implements Event {
        public PromotionDone {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The operator's request (a switchover): a MASTER releases with a priority-0 advert and waits a
     * full down interval. (A failing Redis check resigns through its tracker: {@link TrackerSpec#resignsMaster()}.)
     */
    record StepDown(long now) implements Event {
    }

    /**
     * Daemon shutdown (SIGTERM): a MASTER sends a priority-0 advert and releases; then STOP. With
     * {@code release} false (keepalived's {@code --dont-release-vrrp}) a MASTER keeps its VIPs and
     * Redis as they are and sends nothing: the instance only stops and notifies STOP.
     */
    record Shutdown(long now, boolean release) implements Event {
        /** The usual shutdown, which releases. */
        public Shutdown(long now) {
            this(now, true);
        }
    }

    /**
     * SIGHUP: the same instance (name and VRID; the agent matches keepalived's way) with a new
     * configuration. The state survives; see {@link VrrpInstance} for what is recomputed.
     */
    record Reload(long now, InstanceConfig config) implements Event {
        public Reload {
            Objects.requireNonNull(config, "config");
        }
    }

    /** Sent only by {@link SyncGroup} to its members. */
    record SyncCommand(long now, SyncGroup.Command command) implements Event {
        public SyncCommand {
            Objects.requireNonNull(command, "command");
        }
    }
}
