package org.keepvip.vrrp.state;

/**
 * keepalived's rise/fall hysteresis for a check (vrrp_scheduler.c:vrrp_script_child_thread).
 *
 * <p>An internal counter runs over {@code 0..rise+fall-1}; the check is OK while it is
 * {@code >= rise}. It starts at {@code rise-1} (status unknown), so the first success gives OK and the
 * first failure gives FAILED; with {@code initFail} it starts at 0 and FAILED, so {@code rise}
 * successes are needed. Once OK, {@code fall} consecutive failures make it FAILED; once FAILED,
 * {@code rise} consecutive successes make it OK. Not thread-safe; one owner feeds it.
 */
public final class RiseFallCounter {

    /** What the check currently reports. */
    public enum Status { UNKNOWN, OK, FAILED }

    /** What one result did to the status. */
    public enum Change { NONE, BECAME_OK, BECAME_FAILED }

    private final int rise;
    private final int fall;
    private int result;
    private Status status;

    public RiseFallCounter(int rise, int fall, boolean initFail) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise " + rise + ", fall " + fall + " (expected: both >= 1)");
        }
        this.rise = rise;
        this.fall = fall;
        this.result = initFail ? 0 : rise - 1;
        this.status = initFail ? Status.FAILED : Status.UNKNOWN;
    }

    /** keepalived's defaults: rise 1, fall 1, no init_fail. */
    public static RiseFallCounter defaults() {
        return new RiseFallCounter(1, 1, false);
    }

    /** Feeds one check result (exit 0 = success; any other exit, signal or timeout = failure). */
    public Change record(boolean success) {
        Status before = status;
        if (success) {
            if (result < rise - 1) {
                result++;
            } else if (result != rise + fall - 1) {
                result = rise + fall - 1;
                status = Status.OK;
            }
        } else {
            if (result > rise) {
                result--;
            } else {
                result = 0;
                status = Status.FAILED;
            }
        }
        if (status == before) {
            return Change.NONE;
        }
        return status == Status.OK ? Change.BECAME_OK : Change.BECAME_FAILED;
    }

    /**
     * Feeds a failure that needs no confirmation (keepvip, not keepalived: the agent's
     * {@code DefinitiveFailure} says which): FAILED at once whatever {@code fall} says; as after
     * any failure, {@code rise} consecutive successes make it OK again.
     */
    public Change recordDefinitiveFailure() {
        Status before = status;
        result = 0;
        status = Status.FAILED;
        return before == Status.FAILED ? Change.NONE : Change.BECAME_FAILED;
    }

    public Status status() {
        return status;
    }

    /** The raw counter, for status output and tests. */
    public int counter() {
        return result;
    }
}
