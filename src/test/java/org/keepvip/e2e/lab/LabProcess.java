package org.keepvip.e2e.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A background process started by the lab inside a namespace ({@code ip netns exec} execs the
 * command, so the pid is the command's). Output and errors go to {@link #log()}. The lab stops every
 * process still running when it closes.
 */
public final class LabProcess {
    private final String label;
    private final Node node;
    private final Process process;
    private final Path log;

    LabProcess(String label, Node node, Process process, Path log) {
        this.label = label;
        this.node = node;
        this.process = process;
        this.log = log;
    }

    public String label() {
        return label;
    }

    public Node node() {
        return node;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The log so far (stdout and stderr interleaved). */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the log holds every one of {@code texts} and returns it. keepvip's log lines reach
     * the file through writer threads of their own (in SCHED_BATCH, and held during a takeover), so
     * a line can land there some milliseconds after the state or side effect it goes with is visible
     * elsewhere: on a loaded machine, reading the log at once misses it.
     */
    public String awaitOutput(String... texts) {
        return awaitOutput(LOG_LAG, texts);
    }

    /** Generous for a line already logged: the writer only has to be scheduled. */
    public static final Duration LOG_LAG = Duration.ofSeconds(5);

    /** As {@link #awaitOutput(String...)}, for a line not yet logged: how long it may take to come. */
    public String awaitOutput(Duration timeout, String... texts) {
        return Await.value(timeout, label + "'s log containing " + Arrays.toString(texts) + " (log " + log + ")",
                () -> {
                    String out = output();
                    return Arrays.stream(texts).allMatch(out::contains) ? Optional.of(out) : Optional.empty();
                });
    }

    /**
     * As {@link #awaitOutput(String...)}: waits until the log holds {@code text} at least
     * {@code times} times (a test that counts a line asserts the exact count on what this returns).
     */
    public String awaitOccurrences(String text, int times) {
        return Await.value(LOG_LAG, label + "'s log containing '" + text + "' " + times + " times (log " + log + ")",
                () -> {
                    String out = output();
                    return out.split(java.util.regex.Pattern.quote(text), -1).length > times ? Optional.of(out)
                            : Optional.empty();
                });
    }

    /** Sends a signal by name ({@code TERM}, {@code HUP}, {@code USR1}, {@code KILL}, ...). */
    public void signal(String name) {
        Commands.run(java.util.List.of("kill", "-" + name, Long.toString(pid())), Commands.DEFAULT_TIMEOUT).orThrow();
    }

    /** Waits for the process to exit and returns its exit code; an AssertionError if it is still running. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(label + " did not exit within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted waiting for " + label, e);
        }
    }

    /** TERM, then KILL after {@code grace}, for the process and anything it started. */
    public void stop(Duration grace) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return label + " (pid " + pid() + " in " + node.namespace() + ")";
    }
}
