package org.keepvip.vrrp.state;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * keepalived's quorum of a {@code vrrp_track_process} (keepalived/core/track_process.c:
 * check_process, check_process_fork, check_process_termination, remove_process_from_track and the
 * two quorum timers): how many matching processes run, whether that is within
 * {@code quorum..quorum_max}, and the delays before a change counts.
 *
 * <p>A fork that reaches the quorum waits {@code fork_delay} (a fork of the server is often a
 * short-lived child), an exit that loses it waits {@code terminate_delay} (a restart by a
 * supervisor); a change back within the delay cancels it without any report. An exec or a renamed
 * process counts at once. Crossing {@code quorum_max} works the same way in the other direction.
 * The caller feeds it with {@code now} from its clock and calls {@link #timerDue} at
 * {@link #deadline()}. Not thread-safe; one owner feeds it.
 */
public final class ProcessQuorum {
    private static final long NONE = Long.MAX_VALUE;

    private final int quorum;
    private final int quorumMax;
    private final long forkDelayNanos;
    private final long terminateDelayNanos;
    private int count;
    private boolean haveQuorum;
    private long forkTimer = NONE;
    private long terminateTimer = NONE;

    /**
     * @param quorum              least number of processes (0 with {@code quorumMax} 0: none may run)
     * @param quorumMax           most number of processes
     * @param forkDelayNanos      delay before a gain through fork counts (0: at once)
     * @param terminateDelayNanos delay before a loss through exit counts (0: at once)
     * @param initialCount        matching processes found by the start-up scan
     */
    public ProcessQuorum(int quorum, int quorumMax, long forkDelayNanos, long terminateDelayNanos, int initialCount) {
        if (quorum < 0 || quorumMax < quorum) {
            throw new IllegalArgumentException("quorum " + quorum + ".." + quorumMax);
        }
        this.quorum = quorum;
        this.quorumMax = quorumMax;
        this.forkDelayNanos = forkDelayNanos;
        this.terminateDelayNanos = terminateDelayNanos;
        this.count = initialCount;
        this.haveQuorum = inRange();
    }

    public boolean haveQuorum() {
        return haveQuorum;
    }

    public int count() {
        return count;
    }

    /** When {@link #timerDue} must be called, if a delay runs. */
    public OptionalLong deadline() {
        long d = Math.min(forkTimer, terminateTimer);
        return d == NONE ? OptionalLong.empty() : OptionalLong.of(d);
    }

    /**
     * One more matching process. {@code byFork}: a child of a counted process (fork_delay applies);
     * otherwise an exec or rename to a matching name. Returns the new quorum status if it changed.
     */
    public Optional<Boolean> added(long now, boolean byFork) {
        count++;
        if (count != quorum && count != quorumMax + 1) {
            return Optional.empty();
        }
        if (terminateTimer != NONE) {
            terminateTimer = NONE; // the loss never counted
        } else if (byFork && forkDelayNanos > 0) {
            forkTimer = now + forkDelayNanos;
            return Optional.empty();
        }
        return set(count == quorum);
    }

    /**
     * One matching process fewer. {@code byExit}: it ended (terminate_delay applies); otherwise it
     * exec'd or was renamed to something that does not match. Returns the new status if it changed.
     */
    public Optional<Boolean> removed(long now, boolean byExit) {
        if (count == 0) {
            return Optional.empty();
        }
        int before = count--;
        if (before != quorum && count != quorumMax) {
            return Optional.empty();
        }
        if (forkTimer != NONE) {
            forkTimer = NONE; // the gain never counted
        } else if (byExit && terminateDelayNanos > 0) {
            terminateTimer = now + terminateDelayNanos;
            return Optional.empty();
        }
        return set(count == quorumMax);
    }

    /** A delay ended: the count as it is now decides. Returns the new status if it changed. */
    public Optional<Boolean> timerDue(long now) {
        boolean fired = false;
        if (forkTimer <= now) {
            forkTimer = NONE;
            fired = true;
        }
        if (terminateTimer <= now) {
            terminateTimer = NONE;
            fired = true;
        }
        return fired ? set(inRange()) : Optional.empty();
    }

    /**
     * The count after a rescan (lost events): the new status if it changed, at once, as keepalived's
     * reinitialise_track_processes does; running delays are dropped.
     */
    public Optional<Boolean> rescanned(int newCount) {
        count = newCount;
        forkTimer = NONE;
        terminateTimer = NONE;
        return set(inRange());
    }

    private boolean inRange() {
        return count >= quorum && count <= quorumMax;
    }

    private Optional<Boolean> set(boolean up) {
        if (up == haveQuorum) {
            return Optional.empty();
        }
        haveQuorum = up;
        return Optional.of(up);
    }
}
