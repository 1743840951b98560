package org.keepvip.vrrp.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code startup_script} / {@code shutdown_script} in global_defs, with its {@code *_timeout}
 * (keepalived/core/global_parser.c: startup_shutdown_script()): run once, the startup script
 * before any instance starts, the shutdown script after the VIPs are released.
 *
 * @param command the command line and its user
 * @param timeout how long it may run (1..1000 s, default 10 s); then SIGTERM, SIGKILL 2 s later
 */
public record DaemonScript(ScriptCommandSpec command, Duration timeout) {
    /** keepalived's default timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public DaemonScript {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
    }
}
