package org.keepvip.vrrp.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code vrrp_track_process NAME { process PATH [ARG...]; param_match [initial|partial]; weight N
 * [reverse]; quorum N; quorum_max N; delay T; fork_delay T; terminate_delay T; full_command }}.
 *
 * @param name           the tracker's name
 * @param process        the process name (its comm, at most 15 characters) or, with full_command,
 *                       argv[0] exactly as in /proc/PID/cmdline
 * @param params         the arguments to match (empty: none given)
 * @param paramMatch     how the arguments are compared
 * @param fullCommand    match argv[0] rather than the comm
 * @param weight         -254..254 (default 0: quorum lost means FAULT)
 * @param reverse        invert the effect of the weight
 * @param quorum         least number of matching processes (default 1)
 * @param quorumMax      most number of matching processes (default unlimited)
 * @param forkDelay      how long a quorum gained by fork waits before it counts (0: at once)
 * @param terminateDelay how long a quorum lost by exit waits before it counts (0: at once)
 * @param origin         where the block starts
 */
public record TrackProcess(String name, String process, List<String> params, ParamMatch paramMatch,
                           boolean fullCommand, int weight, boolean reverse, int quorum, int quorumMax,
                           Duration forkDelay, Duration terminateDelay, Origin origin) {

    /** keepalived's "no upper limit" for quorum_max (UINT_MAX). */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** How the arguments after argv[0] are compared (keepalived/core/track_process.c: check_params). */
    public enum ParamMatch {
        /** Arguments are not looked at. */
        NONE,
        /** Exactly the given arguments (none, if none are given). */
        EXACT,
        /** The given arguments, then possibly more. */
        PARTIAL,
        /** As partial, but the last given argument need only be a prefix of the actual one. */
        INITIAL
    }

    public TrackProcess {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(process, "process");
        params = List.copyOf(params);
        Objects.requireNonNull(paramMatch, "paramMatch");
        Objects.requireNonNull(forkDelay, "forkDelay");
        Objects.requireNonNull(terminateDelay, "terminateDelay");
    }

    /** Whether a process with this comm ({@code /proc/PID/comm}) matches; only without full_command. */
    public boolean matchesComm(String comm) {
        return !fullCommand && process.equals(comm);
    }

    /**
     * Whether a process with this command line ({@code /proc/PID/cmdline}: NUL-terminated
     * arguments) matches; only with full_command.
     */
    public boolean matchesCommandLine(byte[] cmdline) {
        if (!fullCommand) {
            return false;
        }
        int end = 0;
        while (end < cmdline.length && cmdline[end] != 0) {
            end++;
        }
        if (!process.equals(new String(cmdline, 0, end, StandardCharsets.UTF_8))) {
            return false;
        }
        int from = Math.min(end + 1, cmdline.length);
        return paramsMatch(Arrays.copyOfRange(cmdline, from, cmdline.length));
    }

    /** The arguments after argv[0], each NUL-terminated, against {@link #params}. */
    boolean paramsMatch(byte[] actual) {
        if (paramMatch == ParamMatch.NONE) {
            return true;
        }
        byte[] want = joined();
        if (paramMatch == ParamMatch.EXACT) {
            return Arrays.equals(actual, want);
        }
        if (actual.length < want.length) {
            return false;
        }
        // initial: the last argument given may be cut short, so its NUL is not compared.
        int n = paramMatch == ParamMatch.INITIAL && want.length > 0 ? want.length - 1 : want.length;
        return Arrays.equals(actual, 0, n, want, 0, n);
    }

    private byte[] joined() {
        StringBuilder b = new StringBuilder();
        for (String p : params) {
            b.append(p).append('\0');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
