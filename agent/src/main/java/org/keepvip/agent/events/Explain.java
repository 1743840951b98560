package org.keepvip.agent.events;

import java.util.List;
import org.keepvip.vrrp.state.Decision;

/** The words of a decision-log line. */
final class Explain {
    private Explain() {}

    /** The cause with its inputs, as a clause. */
    static String why(Decision d, String reason) {
        if (d == null) {
            return reason;
        }
        String peer = d.peer() == null ? null : d.peer().getHostAddress();
        String timer = Millis.text(Millis.of(d.timerNanos()));
        return switch (d.cause()) {
            case MASTER_DOWN_TIMER -> "no advert " + (peer == null ? "" : "from master " + peer
                    + (d.peerPriority() >= 0 ? " (priority " + d.peerPriority() + ")" : "") + " ")
                    + "for " + timer + " (master down interval)";
            case MASTER_RELEASED -> (peer == null ? "the master" : "master " + peer)
                    + " released with a priority 0 advert; skew time " + timer + " ran out";
            case PREEMPT -> "priority " + d.ownPriority() + " outranks master " + peer + " (priority "
                    + d.peerPriority() + "), whose adverts were discarded until the down timer (" + timer + ") ran out";
            case HIGHER_PRIORITY_ADVERT -> "advert from " + peer + " with priority " + d.peerPriority()
                    + ", higher than ours (" + d.ownPriority() + ")";
            case HIGHER_ADDRESS_ADVERT -> "advert from " + peer + " with our priority " + d.peerPriority()
                    + " and a higher address";
            case TRACKER_FAILED -> "tracker " + d.trigger() + " failed";
            default -> reason;
        };
    }

    /** "; priority 160 (base 100; chk +60 up)", trackers listed only when there are some. */
    static String priorities(Decision d) {
        if (d == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("; priority ").append(d.ownPriority());
        b.append(" (base ").append(d.basePriority());
        for (Decision.Tracker t : d.trackers()) {
            b.append("; ").append(t.id()).append(' ')
                    .append(t.weight() == 0 ? "fault" : (t.weight() > 0 ? "+" : "") + t.weight())
                    .append(t.reverse() ? " reverse " : " ").append(trackerState(t));
        }
        return b.append(')').toString();
    }

    static String trackerState(Decision.Tracker t) {
        return t.ok() == null ? "pending" : t.ok() ? "up" : "down";
    }

    /** "; took 4.1 ms: advert 0.1 ms, promote 3.2 ms, …" */
    static String steps(List<EventRecord.Step> steps, Double total) {
        if (steps.isEmpty() || total == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("; took ").append(Millis.text(total)).append(':');
        String sep = " ";
        for (EventRecord.Step s : steps) {
            b.append(sep).append(s.name()).append(' ').append(Millis.text(s.ms()));
            if (s.error() != null) {
                b.append(" FAILED (").append(s.error()).append(')');
            }
            sep = ", ";
        }
        return b.toString();
    }
}
