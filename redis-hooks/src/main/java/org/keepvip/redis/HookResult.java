package org.keepvip.redis;

import java.util.List;

/** Outcome of a Redis hook (promote, demote, fence, unpause). */
public sealed interface HookResult {

    /** What happened, or why not, for the log and status. */
    String detail();

    default boolean ok() {
        return this instanceof Done;
    }

    /** Completed. {@code warnings} are worth logging but do not change the outcome. */
    record Done(String detail, List<String> warnings) implements HookResult {
        public Done {
            warnings = List.copyOf(warnings);
        }
    }

    /** A guard said no; nothing was changed. */
    record Refused(String detail) implements HookResult {
    }

    /** Tried and did not complete (timeout, error, unreachable); the state may be partly changed. */
    record Failed(String detail) implements HookResult {
    }
}
