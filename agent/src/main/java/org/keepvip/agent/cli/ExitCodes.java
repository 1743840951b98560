package org.keepvip.agent.cli;

/** Process exit codes shared by the subcommands. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    /** The daemon answered with a refusal or an error, or did not answer properly. */
    public static final int FAILED = 1;
    /** No daemon is running (as {@code systemctl status}). */
    public static final int NOT_RUNNING = 3;
    /** check-config: fatal, nothing usable (keepalived -t's 4). */
    public static final int CONFIG_FATAL = 4;
    /** check-config: configuration errors (keepalived -t's 5). */
    public static final int CONFIG_ERRORS = 5;
    /** check-config: a script security violation (keepalived -t's 6). */
    public static final int CONFIG_SCRIPT_SECURITY = 6;
    /** An unexpected internal error (sysexits EX_SOFTWARE). */
    public static final int SOFTWARE = 70;
}
