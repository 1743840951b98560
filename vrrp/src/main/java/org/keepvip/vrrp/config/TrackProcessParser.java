package org.keepvip.vrrp.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code vrrp_track_process NAME { ... }}, with keepalived's checks and words
 * (keepalived/vrrp/vrrp_parser.c: vrrp_tprocess_*_handler).
 */
final class TrackProcessParser {
    /** The kernel's comm is 15 characters (TASK_COMM_LEN 16 with its NUL). */
    static final int COMM_MAX = 15;
    private static final Duration MIN_DELAY = Duration.ofNanos(1000);
    private static final Duration MAX_DELAY = Duration.ofSeconds(3600);

    private TrackProcessParser() {}

    static void parse(ConfigParser p, Stmt block) {
        String name = p.blockName(block);
        if (name == null) {
            return;
        }
        String ctx = "vrrp_track_process " + name;
        Diagnostics d = p.diags;
        String process = null;
        List<String> params = List.of();
        TrackProcess.ParamMatch match = TrackProcess.ParamMatch.NONE;
        boolean full = false;
        int weight = 0;
        boolean weightSet = false;
        boolean reverse = false;
        int quorum = 1;
        int quorumMax = TrackProcess.UNLIMITED;
        Duration forkDelay = Duration.ZERO;
        Duration terminateDelay = Duration.ZERO;
        for (Stmt s : block.block()) {
            String kw = s.keyword();
            if (!Keywords.TRACK_PROCESS.contains(kw)) {
                p.unknown(s, ctx, Keywords.TRACK_PROCESS, Set.of());
                continue;
            }
            if (!p.noBlock(s)) {
                continue;
            }
            switch (kw) {
                case "process" -> {
                    if (!p.args.require(s, 1)) {
                        break;
                    }
                    if (process != null) {
                        d.error(s.origin, "Process already set for track process " + name + " - ignoring " + s.arg(1));
                        break;
                    }
                    process = s.arg(1);
                    if (s.argCount() > 1) {
                        params = new ArrayList<>(s.words.subList(2, s.words.size()));
                        if (match == TrackProcess.ParamMatch.NONE) {
                            match = TrackProcess.ParamMatch.EXACT;
                        }
                        full = true;
                    }
                }
                case "param_match" -> {
                    if (s.argCount() == 0) {
                        match = TrackProcess.ParamMatch.EXACT;
                        full = true;
                    } else if (s.arg(1).equals("initial")) {
                        match = TrackProcess.ParamMatch.INITIAL;
                        full = true;
                    } else if (s.arg(1).equals("partial")) {
                        match = TrackProcess.ParamMatch.PARTIAL;
                        full = true;
                    } else {
                        d.error(s.origin, "Invalid param_match type " + s.arg(1)
                                + " - ignoring (expected nothing, initial or partial)");
                    }
                }
                case "weight" -> {
                    if (s.argCount() == 0) {
                        d.error(s.origin, "No weight specified for track process " + name + " - ignoring");
                        break;
                    }
                    if (weightSet) {
                        d.error(s.origin, "Weight already set for track process " + name + " - ignoring " + s.arg(1));
                        break;
                    }
                    Integer w = integer(s.arg(1), -254, 254);
                    if (w == null) {
                        d.error(s.origin, "Weight (" + s.arg(1) + ") for vrrp_track_process " + name
                                + " must be between [-254..254] inclusive. Ignoring...");
                        break;
                    }
                    if (s.argCount() > 1) {
                        if (s.arg(2).equals("reverse")) {
                            reverse = true;
                        } else {
                            d.error(s.origin, "vrrp_track_process " + name + " unknown weight option " + s.arg(2));
                        }
                    }
                    weight = w;
                    weightSet = w != 0;
                }
                case "quorum" -> {
                    Integer q = s.argCount() == 0 ? null : integer(s.arg(1), 1, 65535);
                    if (q == null) {
                        d.error(s.origin, "Quorum (" + (s.argCount() == 0 ? "" : s.arg(1)) + ") for vrrp_track_process "
                                + name + " must be between [1..65535] inclusive. Ignoring...");
                    } else if (q > quorumMax) {
                        d.error(s.origin, "Quorum is greater than quorum_max (" + q + " > " + quorumMax
                                + ") for vrrp_track_process " + name + " - ignoring");
                    } else {
                        quorum = q;
                    }
                }
                case "quorum_max" -> {
                    Integer q = s.argCount() == 0 ? null : integer(s.arg(1), 0, 65535);
                    if (q == null) {
                        d.error(s.origin, "quorum_max (" + (s.argCount() == 0 ? "" : s.arg(1)) + ") for vrrp_track_process "
                                + name + " must be between [0..65535] inclusive. Ignoring...");
                    } else if ((q != 0 || quorum > 1) && q < quorum) {
                        d.error(s.origin, "quorum_max is less than quorum (" + q + " < " + quorum
                                + ") for vrrp_track_process " + name + " - ignoring");
                    } else {
                        quorumMax = q;
                        // quorum_max 0 alone means "no such process may run"
                        quorum = q == 0 ? 0 : Math.max(1, quorum);
                    }
                }
                case "delay", "fork_delay", "terminate_delay" -> {
                    String prefix = kw.equals("delay") ? "" : kw.substring(0, kw.indexOf('_') + 1);
                    Duration t = s.argCount() == 0 ? null : delay(s.arg(1));
                    if (t == null) {
                        d.error(s.origin, prefix + "delay (" + (s.argCount() == 0 ? "" : s.arg(1))
                                + ") for vrrp_track_process " + name
                                + " must be between [0.000001..3600] inclusive. Ignoring...");
                        break;
                    }
                    if (!kw.equals("fork_delay")) {
                        terminateDelay = t;
                    }
                    if (!kw.equals("terminate_delay")) {
                        forkDelay = t;
                    }
                }
                case "full_command" -> full = true;
                default -> throw new IllegalStateException(kw);
            }
        }
        if (process == null) {
            d.error(block.origin, "track process '" + name + "' process name not specified - removing");
            return;
        }
        if (!full && process.length() > COMM_MAX) {
            d.warning(block.origin, "track process '" + name + "': process name " + process + " is longer than the "
                    + COMM_MAX + " characters the kernel keeps of a process name, so it never matches"
                    + " - use full_command, or the first " + COMM_MAX + " characters");
        }
        if (p.trackProcesses.containsKey(name)) {
            d.error(block.origin, "vrrp_track_process " + name + " already defined - replacing the earlier one");
        }
        p.trackProcesses.put(name, new TrackProcess(name, process, params, match, full, weight, reverse, quorum,
                quorumMax, forkDelay, terminateDelay, block.origin));
    }

    private static Integer integer(String text, int min, int max) {
        try {
            long v = Long.parseLong(text);
            return v >= min && v <= max ? (int) v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Decimal seconds, microsecond resolution, 0.000001..3600 ({@code read_decimal_unsigned_strvec}). */
    private static Duration delay(String text) {
        try {
            java.math.BigDecimal bd = new java.math.BigDecimal(text);
            if (bd.scale() > 6) {
                return null;
            }
            Duration d = Duration.ofNanos(bd.movePointRight(9).longValueExact());
            return d.compareTo(MIN_DELAY) >= 0 && d.compareTo(MAX_DELAY) <= 0 ? d : null;
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
