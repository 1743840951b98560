package org.keepvip.agent.track;

import org.keepvip.vrrp.config.TrackHost;
import org.keepvip.vrrp.state.RiseFallCounter;

/**
 * The schedule and verdict of one tracked host, without IO or clock: a probe every {@code interval},
 * one at a time; a probe unanswered {@code timeout} after it left counts as lost; each answered or
 * lost probe goes through keepalived's rise/fall counter (vrrp_script's), whose changes are what the
 * instances hear. An answer after its probe's timeout is counted late and decides nothing. One
 * thread feeds it; {@link #status()} is a copy for others.
 */
final class HostProbeState {
    private final long intervalNanos;
    private final long timeoutNanos;
    private final RiseFallCounter counter;
    private long nextSendAt;
    private int seq;
    /** The probe waiting for its answer: its sequence number and when it left; -1 when none. */
    private int outstanding = -1;
    private long outstandingSince;
    private long sent;
    private long answered;
    private long lost;
    private long late;
    private long sendErrors;
    private long lastRttNanos = -1;
    /** Answered probes in a row (> 0) or lost ones (< 0). */
    private int inARow;

    HostProbeState(TrackHost h, long nowNanos) {
        this.intervalNanos = h.interval().toNanos();
        this.timeoutNanos = Math.min(h.timeout().toNanos(), intervalNanos);
        this.counter = new RiseFallCounter(h.rise(), h.fall(), false);
        this.nextSendAt = nowNanos;
    }

    /** Starts the schedule over at {@code now} (the first probe is due then); before any probe was sent. */
    void startAt(long now) {
        nextSendAt = now;
    }

    /** When something is due next: a probe to send or an answer's deadline. */
    long nextDueNanos() {
        return outstanding < 0 ? nextSendAt : deadline();
    }

    /**
     * When the outstanding probe is lost: its timeout, or the next probe's turn if that comes first
     * (a late turn moved the timeout past it), so one probe is out at a time.
     */
    private long deadline() {
        long timeoutAt = outstandingSince + timeoutNanos;
        return nextSendAt - timeoutAt < 0 ? nextSendAt : timeoutAt;
    }

    /** Whether a probe is to be sent now. Call {@link #expire} first. */
    boolean sendDue(long now) {
        return now - nextSendAt >= 0;
    }

    /** The sequence number of the probe about to leave now; the next one is due an interval later. */
    int startProbe(long now) {
        seq = (seq + 1) & 0xffff;
        outstanding = seq;
        outstandingSince = now;
        sent++;
        // Keep the grid: a late turn does not push every later probe back.
        nextSendAt = now - nextSendAt >= intervalNanos ? now + intervalNanos : nextSendAt + intervalNanos;
        return seq;
    }

    /** The probe just started could not be sent (no route, interface down): it is lost, at once. */
    RiseFallCounter.Change sendFailed() {
        sendErrors++;
        outstanding = -1;
        return lose();
    }

    /** An answer: to the outstanding probe (or {@link ProbeFrames#ANY} while one is out) it counts. */
    RiseFallCounter.Change answered(int answerSeq, long now) {
        RiseFallCounter.Change expired = expire(now);
        if (expired != RiseFallCounter.Change.NONE || outstanding < 0 || (answerSeq != ProbeFrames.ANY && answerSeq != outstanding)) {
            late++;
            return expired;
        }
        outstanding = -1;
        answered++;
        lastRttNanos = now - outstandingSince;
        inARow = inARow > 0 ? inARow + 1 : 1;
        return counter.record(true);
    }

    /** The outstanding probe's time is up: lost. */
    RiseFallCounter.Change expire(long now) {
        if (outstanding < 0 || now - deadline() < 0) {
            return RiseFallCounter.Change.NONE;
        }
        outstanding = -1;
        return lose();
    }

    private RiseFallCounter.Change lose() {
        lost++;
        inARow = inARow < 0 ? inARow - 1 : -1;
        return counter.record(false);
    }

    RiseFallCounter.Status verdict() {
        return counter.status();
    }

    HostTrackers.Status status() {
        RiseFallCounter.Status v = counter.status();
        return new HostTrackers.Status(v == RiseFallCounter.Status.UNKNOWN ? null : v == RiseFallCounter.Status.OK, sent, answered,
                lost, late, sendErrors, lastRttNanos, inARow);
    }
}
