package org.keepvip.agent.script;

import java.time.Duration;

/** How one script run ended. Only {@code Exited(0)} is success, as in keepalived. */
public sealed interface ScriptResult {

    /** True only for exit status 0. */
    default boolean ok() {
        return this instanceof Exited e && e.code() == 0;
    }

    /**
     * The value keepalived logs as {@code now returning N}: the exit status, 128+signal for a
     * signal, -1 for a timeout or a failure to start.
     */
    int code();

    /** A short description in keepalived's words, e.g. {@code exited with status 1}. */
    String describe();

    /**
     * The process exited. Java reports a death by signal as 128+signal, as a shell's {@code $?}
     * does; values above 128 are therefore reported as {@link Signalled}.
     */
    record Exited(int code, Duration elapsed) implements ScriptResult {
        @Override
        public String describe() {
            return "exited with status " + code;
        }
    }

    /** The process was killed by a signal it did not get from keepvip's timeout. */
    record Signalled(int signal, Duration elapsed) implements ScriptResult {
        @Override
        public int code() {
            return 128 + signal;
        }

        @Override
        public String describe() {
            return "exited due to signal " + signal;
        }
    }

    /** The timeout expired; the process group got SIGTERM, then SIGKILL after the grace period. */
    record TimedOut(Duration timeout) implements ScriptResult {
        @Override
        public int code() {
            return -1;
        }

        @Override
        public String describe() {
            return "timed out after " + timeout.toMillis() + " ms";
        }
    }

    /** The process could not be started (missing file, unknown user, fork failure). */
    record FailedToStart(String reason) implements ScriptResult {
        @Override
        public int code() {
            return -1;
        }

        @Override
        public String describe() {
            return "failed to start: " + reason;
        }
    }

    /** Maps Java's exit value (128+signal for signals) to a result. */
    static ScriptResult fromExitValue(int value, Duration elapsed) {
        if (value > 128 && value <= 128 + 64) {
            return new Signalled(value - 128, elapsed);
        }
        return new Exited(value, elapsed);
    }
}
