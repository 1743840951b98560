package org.keepvip.agent.script;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the notifications of one instance or sync group, <em>in order</em>: unlike keepalived,
 * which forks them all at once (keepalived/core/notify.c, system_call_script), each script is awaited (bounded by a timeout, after which
 * it is killed and logged) before the next starts, and transitions queue behind each other. The
 * caller is never blocked.
 *
 * <p>For one transition: the specific {@code notify_<state>} script (its argv only), then the
 * generic {@code notify} (argv + {@code INSTANCE|GROUP name STATE priority}), then the FIFO line.
 * A DELETED transition without {@code notify_deleted} reports FAULT, as keepalived. STOP is
 * bounded by {@link #STOP_TIMEOUT}, because keepalived kills STOP scripts after 1 s and shutdown
 * must not wait longer.
 */
public final class NotifyDispatcher {
    private static final Logger log = LoggerFactory.getLogger(NotifyDispatcher.class);

    /** Bound for each STOP notify at shutdown (keepalived: SIGKILL after 1 s). */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);

    private final NotifyTarget target;
    private final NotifyScripts scripts;
    private final ScriptRunner runner;
    private final Optional<NotifyFifo> fifo;
    private final Duration timeout;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    /**
     * @param target the instance or group being reported
     * @param scripts its notify scripts
     * @param runner runs them
     * @param fifo the notify FIFO, if configured (shared between dispatchers)
     * @param timeout the bound for each script; a script still running then is killed
     */
    public NotifyDispatcher(NotifyTarget target, NotifyScripts scripts, ScriptRunner runner,
            Optional<NotifyFifo> fifo, Duration timeout) {
        this.target = Objects.requireNonNull(target);
        this.scripts = Objects.requireNonNull(scripts);
        this.runner = Objects.requireNonNull(runner);
        this.fifo = Objects.requireNonNull(fifo);
        this.timeout = Objects.requireNonNull(timeout);
    }

    public NotifyTarget target() {
        return target;
    }

    /**
     * Queues the notifications for a transition to {@code state} with effective priority
     * {@code priority}. The future completes when they are all done (scripts finished or killed,
     * FIFO written); it never completes exceptionally. Returns at once.
     */
    public synchronized CompletableFuture<Void> notify(NotifyState state, int priority) {
        NotifyState reported = state == NotifyState.DELETED && !scripts.specific().containsKey(NotifyState.DELETED)
                ? NotifyState.FAULT : state;
        Duration bound = state == NotifyState.STOP && timeout.compareTo(STOP_TIMEOUT) > 0 ? STOP_TIMEOUT : timeout;
        int prio = target.reportedPriority(priority);
        Optional<ScriptCommand> specific = Optional.ofNullable(scripts.specific().get(reported));
        Optional<ScriptCommand> generic = scripts.generic().map(g -> g.withArgs(
                List.of(target.kind().name(), target.name(), reported.name(), Integer.toString(prio))));
        if (specific.isEmpty() && generic.isEmpty() && fifo.isEmpty()) {
            return tail; // nothing to run: a thousand instances taking over need not build futures
        }
        CompletableFuture<Void> next = tail
                .thenCompose(v -> runOne(specific, bound))
                .thenCompose(v -> runOne(generic, bound))
                .thenRun(() -> fifo.ifPresent(f -> f.write(target, reported.name(), prio)))
                .exceptionally(e -> {
                    log.error("({}) notify for {} failed", target.name(), reported, e);
                    return null;
                });
        tail = next;
        return next;
    }

    /**
     * Queues an event that is not a state, such as {@code MASTER_RX_LOWER_PRI} (with
     * {@code notify_master_rx_lower_pri}) or {@code MASTER_PRIORITY}/{@code BACKUP_PRIORITY}
     * (FIFO only): the script, if any, gets only its argv, then the FIFO line is written; in order
     * with the state notifications.
     */
    public synchronized CompletableFuture<Void> event(String event, Optional<ScriptCommand> script, int priority) {
        int prio = target.reportedPriority(priority);
        CompletableFuture<Void> next = tail
                .thenCompose(v -> runOne(script, timeout))
                .thenRun(() -> fifo.ifPresent(f -> f.write(target, event, prio)))
                .exceptionally(e -> {
                    log.error("({}) notify for {} failed", target.name(), event, e);
                    return null;
                });
        tail = next;
        return next;
    }

    /** Completes when everything queued so far is done. */
    public synchronized CompletableFuture<Void> idle() {
        return tail;
    }

    private CompletableFuture<Void> runOne(Optional<ScriptCommand> cmd, Duration bound) {
        if (cmd.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        ScriptCommand c = cmd.get();
        return runner.run(c, bound).thenAccept(r -> {
            if (r instanceof ScriptResult.TimedOut) {
                log.warn("({}) notify script {} timed out after {} ms and was killed",
                        target.name(), c.commandLine(), bound.toMillis());
            } else if (!r.ok()) {
                log.info("({}) notify script {} {}", target.name(), c.commandLine(), r.describe());
            }
        });
    }
}
