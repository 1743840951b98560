package org.keepvip.agent.cli;

/** Process exit codes shared by the subcommands. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    /** An unexpected internal error (sysexits EX_SOFTWARE). */
    public static final int SOFTWARE = 70;
}
