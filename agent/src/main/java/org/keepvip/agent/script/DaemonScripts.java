package org.keepvip.agent.script;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.keepvip.vrrp.config.DaemonScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code startup_script} and {@code shutdown_script}: run once and waited for, as keepalived's parent
 * does (keepalived/core/main.c: run_startup_script() before start_keepalived(), the shutdown script
 * from sigend() once the children have released everything; startup_shutdown_script_completed(),
 * handle_child_timeout()). Whatever the script's result, the daemon goes on: a failure or a timeout
 * is logged, never fatal.
 */
public final class DaemonScripts {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    private DaemonScripts() {}

    /**
     * Runs {@code script} (if configured) through {@code runner} and waits for it: at most its
     * timeout plus the runner's kill grace. Returns the result, or null when there is no script.
     *
     * @param type "startup" or "shutdown", for the log lines
     */
    public static ScriptResult run(ScriptRunner runner, DaemonScript script, String type) {
        if (script == null) {
            return null;
        }
        LOG.info("Running {} script {}", type, script.command().raw());
        var cmd = ScriptNotifier.command(type + "_script", script.command());
        Duration wait = script.timeout().plus(ScriptRunner.KILL_GRACE).plusSeconds(1);
        ScriptResult r;
        try {
            r = runner.run(cmd, script.timeout()).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("{} script {}: interrupted while waiting for it", type, script.command().raw());
            return new ScriptResult.FailedToStart("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} script {}: gave up waiting for it ({})", type, script.command().raw(), e.toString());
            return new ScriptResult.FailedToStart(e.toString());
        }
        if (r.ok()) {
            LOG.info("{} script succeeded", type);
        } else if (r instanceof ScriptResult.TimedOut) {
            LOG.warn("{} script timed out", type);
        } else if (r instanceof ScriptResult.Exited e) {
            LOG.warn("{} script failed, status {}", type, e.code());
        } else {
            LOG.warn("Call of {} script {} failed: {}", type, script.command().raw(), r.describe());
        }
        return r;
    }
}
