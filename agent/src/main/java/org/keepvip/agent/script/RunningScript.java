package org.keepvip.agent.script;

import org.keepvip.agent.unix.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A started script: the leader of its own process group (started through {@code setsid}), so
 * killing the group also kills whatever the script forked.
 */
public final class RunningScript {
    private static final Logger log = LoggerFactory.getLogger(RunningScript.class);
    private static final long POLL_MS = 20;

    private final ScriptCommand command;
    private final Process process;
    private final long startNanos;
    private final ScheduledExecutorService timer;
    private volatile CompletableFuture<Void> termination;

    RunningScript(ScriptCommand command, Process process, long startNanos, ScheduledExecutorService timer) {
        this.command = command;
        this.process = process;
        this.startNanos = startNanos;
        this.timer = timer;
    }

    public ScriptCommand command() {
        return command;
    }

    /** The script's pid, which is also its process group id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes with the script's own exit (its children may still be running). */
    public CompletableFuture<ScriptResult> onExit() {
        return process.onExit().thenApply(p ->
                ScriptResult.fromExitValue(p.exitValue(), Duration.ofNanos(System.nanoTime() - startNanos)));
    }

    /**
     * SIGTERM to the whole process group, then SIGKILL {@code grace} later if any member is still
     * there, as keepalived does on a script timeout. Idempotent. The future completes when the
     * group is gone (or, if a member cannot be reaped, shortly after the SIGKILL).
     */
    public synchronized CompletableFuture<Void> terminate(Duration grace) {
        if (termination != null) {
            return termination;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        termination = done;
        int pgid = (int) process.pid();
        if (!ProcessGroups.killGroup(pgid, Libc.SIGTERM)) {
            // setsid may not have run yet (or the group is gone): signal the process itself.
            process.destroy();
        }
        long killAt = System.nanoTime() + grace.toNanos();
        long giveUpAt = killAt + TimeUnit.SECONDS.toNanos(1);
        timer.execute(new Runnable() {
            boolean killed;

            @Override
            public void run() {
                boolean alive = process.isAlive() || ProcessGroups.groupAlive(pgid);
                if (!alive) {
                    done.complete(null);
                    return;
                }
                long now = System.nanoTime();
                if (!killed && now - killAt >= 0) {
                    log.warn("Script {} (pid {}) did not exit after SIGTERM - sending SIGKILL",
                            command.name(), pgid);
                    killed = true;
                    ProcessGroups.killGroup(pgid, Libc.SIGKILL);
                    process.destroyForcibly();
                }
                if (now - giveUpAt >= 0) {
                    log.warn("Script {}: process group {} still present after SIGKILL", command.name(), pgid);
                    done.complete(null);
                    return;
                }
                timer.schedule(this, POLL_MS, TimeUnit.MILLISECONDS);
            }
        });
        return done;
    }
}
