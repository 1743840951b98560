package org.keepvip.agent.script;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs one {@code vrrp_script} every {@code interval} (keepalived/vrrp/vrrp_track.c) and hands each result to a consumer
 * (typically: enqueue an event for the event loop). A run still going when the next is due is
 * not doubled up: that run is skipped with keepalived's log line. Each change of the returned
 * value is logged as {@code Script 'X' now returning N}.
 */
public final class VrrpScriptTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VrrpScriptTracker.class);

    private final ScriptCommand command;
    private final Duration interval;
    private final Duration timeout;
    private final ScriptRunner runner;
    private final ScheduledExecutorService scheduler;
    private final Consumer<ScriptRun> consumer;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Integer lastCode;
    private volatile boolean closed;
    private ScheduledFuture<?> schedule;

    /**
     * @param command the script (its name is the vrrp_script name)
     * @param interval the period; zero or negative means 1 s, as keepalived
     * @param timeout the run timeout; zero or negative means the interval, as keepalived
     * @param runner runs the script
     * @param scheduler schedules the runs (only the launch happens on it; it is never blocked)
     * @param consumer receives every finished run, on a runner thread; must not block
     */
    public VrrpScriptTracker(ScriptCommand command, Duration interval, Duration timeout, ScriptRunner runner,
            ScheduledExecutorService scheduler, Consumer<ScriptRun> consumer) {
        this.command = Objects.requireNonNull(command);
        this.interval = interval.isZero() || interval.isNegative() ? Duration.ofSeconds(1) : interval;
        this.timeout = timeout.isZero() || timeout.isNegative() ? this.interval : timeout;
        this.runner = runner;
        this.scheduler = scheduler;
        this.consumer = consumer;
    }

    public String name() {
        return command.name();
    }

    public Duration interval() {
        return interval;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Starts running: the first run now, then every interval. */
    public synchronized void start() {
        if (schedule == null && !closed) {
            schedule = scheduler.scheduleAtFixedRate(this::tick, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            log.info("Track script {} is already running, expect idle - skipping run", command.name());
            return;
        }
        runner.run(command, timeout).whenComplete((result, e) -> {
            running.set(false);
            if (closed || result == null) {
                return;
            }
            report(result);
        });
    }

    private void report(ScriptResult result) {
        int code = result.code();
        if (lastCode == null || lastCode != code) {
            lastCode = code;
            if (result instanceof ScriptResult.TimedOut) {
                log.info("Script '{}' timed out", command.name());
            } else {
                log.info("Script '{}' now returning {}", command.name(), code);
            }
        }
        try {
            consumer.accept(new ScriptRun(command.name(), result));
        } catch (RuntimeException ex) {
            log.error("Script '{}': result consumer failed", command.name(), ex);
        }
    }

    /** Stops scheduling; a run in progress finishes (or times out) but is not reported. */
    @Override
    public synchronized void close() {
        closed = true;
        if (schedule != null) {
            schedule.cancel(false);
        }
    }
}
