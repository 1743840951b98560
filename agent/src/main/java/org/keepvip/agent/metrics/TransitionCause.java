package org.keepvip.agent.metrics;

import java.util.Locale;
import org.keepvip.vrrp.state.Decision;
import org.keepvip.vrrp.state.VrrpState;

/**
 * Why a VRRP instance changed state, as a bounded label value: the state machine's own
 * {@link Decision.Cause}, folded into the labels the metrics have always had, so that a counter
 * per cause has a fixed number of series.
 */
public enum TransitionCause {
    /** Leaving INIT at start (or after a reload added the instance). */
    INIT,
    /** The master down timer ran out: no advert for Master_Down_Interval. */
    MASTER_DOWN_TIMER,
    /** The skew timer after a priority-0 advert (the master released) ran out. */
    PRIORITY_ZERO_ADVERT,
    /** A MASTER heard a better master (higher priority, or equal and a higher address). */
    HIGHER_PRIORITY_ADVERT,
    /** The interface went down (FAULT). */
    INTERFACE_DOWN,
    /** A fault-weight tracker failed (FAULT). */
    TRACKER_FAILED,
    /** A FAULT ended. */
    FAULT_CLEARED,
    /** The local Redis failed its check and the MASTER resigned. */
    REDIS_CHECK_FAILED,
    /** The Redis promotion failed or timed out. */
    PROMOTION_FAILED,
    /** A switchover or other deliberate step-down. */
    STEP_DOWN,
    /** A VIP was deleted from outside. */
    VIP_DELETED,
    /** One of its virtual routes or rules was deleted from outside. */
    ROUTING_DELETED,
    /** The MASTER's adverts stopped longer than any backup waits (a frozen process): it yielded on resume. */
    STALLED,
    /** The sync group decided (a member left MASTER, all want MASTER, group FAULT, group left). */
    SYNC_GROUP,
    /** The daemon stopped or a reload removed the instance. */
    SHUTDOWN,
    /** A transition without its decision. */
    OTHER;

    /** The label value: lower case, as Prometheus label values usually are. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The label of a transition the state machine explained with {@code why} (null: OTHER). A MASTER
     * that a failed tracker sends to BACKUP resigned for its Redis check: the only trackers that
     * resign a MASTER ({@code TrackerSpec.resignsMaster}) are Redis checks.
     */
    public static TransitionCause of(Decision why, VrrpState to) {
        if (why == null) {
            return OTHER;
        }
        return switch (why.cause()) {
            case STARTUP -> INIT;
            case MASTER_DOWN_TIMER, PREEMPT -> MASTER_DOWN_TIMER;
            case MASTER_RELEASED -> PRIORITY_ZERO_ADVERT;
            case HIGHER_PRIORITY_ADVERT, HIGHER_ADDRESS_ADVERT -> HIGHER_PRIORITY_ADVERT;
            case INTERFACE_DOWN -> INTERFACE_DOWN;
            case TRACKER_FAILED -> to == VrrpState.BACKUP ? REDIS_CHECK_FAILED : TRACKER_FAILED;
            case FAULT_CLEARED -> FAULT_CLEARED;
            case PROMOTION_FAILED -> PROMOTION_FAILED;
            case VIP_DELETED -> VIP_DELETED;
            case ROUTING_DELETED -> ROUTING_DELETED;
            case OPERATOR_STEP_DOWN -> STEP_DOWN;
            case STALLED -> STALLED;
            case SYNC_GROUP -> SYNC_GROUP;
            case SHUTDOWN -> SHUTDOWN;
        };
    }
}
