package org.keepvip.vrrp.state;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Why an instance changed state: the cause and the inputs that decided it, as the state machine saw
 * them at that moment. It travels with {@link Action.StateChanged}; the agent's decision log and
 * metrics read it, so the one place that decides a transition is also the one that explains it.
 *
 * @param cause        what decided the transition
 * @param at           when the deciding event happened (the driver's monotonic clock, as {@link Event#now()})
 * @param basePriority the configured priority
 * @param ownPriority  the effective priority (base plus tracker weights) when deciding
 * @param peer         the other router involved: the advert's source, or the master last heard from;
 *                     null when there was none
 * @param peerPriority that router's priority in its last advert; -1 when unknown
 * @param timerNanos   for a timer that ran out: its length (master down interval, or the skew after a
 *                     priority-0 advert); 0 otherwise
 * @param trigger      for {@link Cause#TRACKER_FAILED}: the tracker; otherwise null
 * @param trackers     every tracker's last result and weight, in configuration order
 */
public record Decision(Cause cause, long at, int basePriority, int ownPriority, InetAddress peer, int peerPriority,
        long timerNanos, String trigger, List<Tracker> trackers) {

    public Decision {
        Objects.requireNonNull(cause, "cause");
        trackers = List.copyOf(trackers);
    }

    /** What decided a transition. */
    public enum Cause {
        /** The daemon started (or a reload added the instance): INIT to BACKUP, or MASTER as address owner. */
        STARTUP,
        /** No advert from the master for the master down interval. */
        MASTER_DOWN_TIMER,
        /** The master released with a priority-0 advert and the skew ran out. */
        MASTER_RELEASED,
        /** The master advertised a lower priority than ours; its adverts were discarded until the down timer ran out. */
        PREEMPT,
        /** A MASTER received an advert with a higher priority. */
        HIGHER_PRIORITY_ADVERT,
        /** A MASTER received an advert with its own priority from a higher address. */
        HIGHER_ADDRESS_ADVERT,
        /** The instance's interface went down. */
        INTERFACE_DOWN,
        /** A tracker failed ({@code trigger} names it): a weight-0 one (FAULT), or a MASTER's Redis check (it resigns). */
        TRACKER_FAILED,
        /** The FAULT conditions ended. */
        FAULT_CLEARED,
        /** Redis did not become a writable master. */
        PROMOTION_FAILED,
        /** Someone else deleted one of the VIPs. */
        VIP_DELETED,
        /** Someone else deleted one of its virtual routes or rules. */
        ROUTING_DELETED,
        /** An operator asked the MASTER to step down (a switchover). */
        OPERATOR_STEP_DOWN,
        /** The MASTER sent no advert for longer than the master down interval (a frozen process or VM). */
        STALLED,
        /** The instance's sync group moved it. */
        SYNC_GROUP,
        /** The daemon stopped. */
        SHUTDOWN
    }

    /**
     * One tracker as it bore on the priority.
     *
     * @param ok null while it has not reported yet
     */
    public record Tracker(String id, int weight, boolean reverse, Boolean ok) {
        public Tracker {
            Objects.requireNonNull(id, "id");
        }
    }
}
