package org.keepvip.redis;

/** Outcome of one step of a {@link Switchover}. */
public sealed interface SwitchoverResult {

    String detail();

    default boolean ok() {
        return !(this instanceof Aborted);
    }

    /** Writes paused on the old master and the replica has every byte of them. */
    record Synced(long offset, String detail) implements SwitchoverResult {
    }

    /** The replica is now master; the old master is still paused. Move the VIP now. */
    record Promoted(long offset, String detail) implements SwitchoverResult {
    }

    /** Old master demoted to a replica of the new one, its clients dropped, writes resumed. */
    record Completed(long offset, long elapsedMillis, String detail) implements SwitchoverResult {
    }

    /** Gave up before promoting; the old master is unpaused and nothing changed. */
    record Aborted(String detail) implements SwitchoverResult {
    }
}
