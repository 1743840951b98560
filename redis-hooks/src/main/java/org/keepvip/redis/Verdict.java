package org.keepvip.redis;

/** The outcome of one health check, as the agent's rise/fall counter consumes it. */
public sealed interface Verdict {

    /** Short human reason, suitable for the log and the status output. */
    String reason();

    /** True only for {@link Ok}. */
    default boolean ok() {
        return this instanceof Ok;
    }

    /** Reachable, answering, not loading, persistence healthy. */
    record Ok() implements Verdict {
        @Override
        public String reason() {
            return "ok";
        }
    }

    /** Down, hung, refusing, or unable to persist. */
    record Failed(String reason) implements Verdict {
    }

    /** Alive but loading its dataset ({@code loading:1} / {@code -LOADING}): not usable yet. */
    record NotReady(String reason) implements Verdict {
    }

    /** Our configuration is wrong (authentication, ACL, TLS): retrying will not help. */
    record ConfigFault(String reason) implements Verdict {
    }
}
