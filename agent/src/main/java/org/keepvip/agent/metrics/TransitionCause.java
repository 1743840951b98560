package org.keepvip.agent.metrics;

import java.util.Locale;

/**
 * Why a VRRP instance changed state, as a bounded label value: the state machine gives a reason in
 * words ({@code Action.StateChanged.reason}); this sorts it into a few kinds, so that a counter per
 * cause has a fixed number of series. The agent adds what the machine cannot know (the step-down was
 * the local Redis failing, the down timer was the skew after a priority-0 advert).
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
    /** The MASTER's adverts stopped longer than any backup waits (a frozen process): it yielded on resume. */
    STALLED,
    /** The sync group decided (a member left MASTER, all want MASTER, group FAULT, group left). */
    SYNC_GROUP,
    /** The daemon stopped or a reload removed the instance. */
    SHUTDOWN,
    /** Anything else. */
    OTHER;

    /** The label value: lower case, as Prometheus label values usually are. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Sorts the machine's {@code reason}. {@code afterPriorityZero}: the instance's last accepted
     * advert had priority 0 (so a down timer that ran out was its skew timer).
     */
    public static TransitionCause of(String reason, boolean afterPriorityZero) {
        if (reason == null) {
            return OTHER;
        }
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.startsWith("master down timer")) {
            return afterPriorityZero ? PRIORITY_ZERO_ADVERT : MASTER_DOWN_TIMER;
        }
        if (r.startsWith("init")) {
            return INIT;
        }
        if (r.startsWith("fault cleared")) {
            return FAULT_CLEARED;
        }
        if (r.startsWith("master received advert")) {
            return HIGHER_PRIORITY_ADVERT;
        }
        // A FAULT's reason lists its faults; the first decides.
        if (r.startsWith("interface down")) {
            return INTERFACE_DOWN;
        }
        if (r.startsWith("tracker ")) {
            return TRACKER_FAILED;
        }
        if (r.startsWith("promotion failed")) {
            return PROMOTION_FAILED;
        }
        if (r.startsWith("operator step-down")) {
            return STEP_DOWN;
        }
        if (r.startsWith("vip deleted")) {
            return VIP_DELETED;
        }
        if (r.startsWith("no advert sent for")) {
            return STALLED;
        }
        if (r.contains("sync group")) {
            return SYNC_GROUP;
        }
        if (r.startsWith("shutdown")) {
            return SHUTDOWN;
        }
        return OTHER;
    }
}
