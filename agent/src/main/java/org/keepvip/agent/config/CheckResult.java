package org.keepvip.agent.config;

import java.util.List;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.KeepalivedConfig;

/**
 * The outcome of {@code check-config}: the model (null if unusable), every diagnostic, and the
 * exit code keepalived -t would give.
 */
public record CheckResult(String file, KeepalivedConfig config, List<Diagnostic> diagnostics, int exitCode) {
    /** 0: valid, warnings alone included. */
    public static final int OK = 0;
    /** 4: nothing usable (no file, not a text file). */
    public static final int FATAL = 4;
    /** 5: configuration errors. */
    public static final int CONFIG_ERROR = 5;
    /** 6: a script security violation (scripts exist, enable_script_security is not set). */
    public static final int SCRIPT_SECURITY = 6;

    public CheckResult {
        diagnostics = List.copyOf(diagnostics);
    }

    /**
     * keepalived's precedence (lib/parser.c: vreport_config_error() keeps the highest status;
     * keepalived/core/main.c: config_test_exit()): script security (6) over configuration errors
     * (5) over fatal ones (4). Nothing usable at all is 4.
     */
    static int exitCode(KeepalivedConfig config, List<Diagnostic> ds) {
        if (config == null) {
            return FATAL;
        }
        if (has(ds, Diagnostic.Category.SCRIPT_SECURITY)) {
            return SCRIPT_SECURITY;
        }
        if (has(ds, Diagnostic.Category.CONFIG) || has(ds, Diagnostic.Category.CORRECTED)) {
            return CONFIG_ERROR;
        }
        return has(ds, Diagnostic.Category.FATAL) ? FATAL : OK;
    }

    /**
     * True when the daemon must not start (or reload) with this result: nothing usable, or any
     * configuration error, whatever the exit code (a script security violation outranks errors in
     * the exit code, not in whether the configuration is complete), but for the errors keepalived
     * corrects and runs with ({@link Diagnostic.Category#CORRECTED}), which are logged.
     */
    public boolean blocksStart() {
        return config == null || has(diagnostics, Diagnostic.Category.FATAL)
                || has(diagnostics, Diagnostic.Category.CONFIG);
    }

    private static boolean has(List<Diagnostic> ds, Diagnostic.Category c) {
        return ds.stream().anyMatch(d -> d.isError() && d.category() == c);
    }
}
