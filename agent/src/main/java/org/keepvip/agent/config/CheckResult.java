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
    /** 4: nothing usable (no file, not a text file, a missing interface when checked). */
    public static final int FATAL = 4;
    /** 5: configuration errors. */
    public static final int CONFIG_ERROR = 5;
    /** 6: script security problems. */
    public static final int SCRIPT_SECURITY = 6;

    public CheckResult {
        diagnostics = List.copyOf(diagnostics);
    }

    /** keepalived's precedence, as 2.2.7 really behaves: fatal, then script security, then config errors. */
    static int exitCode(KeepalivedConfig config, List<Diagnostic> ds) {
        if (config == null || ds.stream().anyMatch(d -> d.isError() && d.category() == Diagnostic.Category.FATAL)) {
            return FATAL;
        }
        if (ds.stream().anyMatch(d -> d.isError() && d.category() == Diagnostic.Category.SCRIPT_SECURITY)) {
            return SCRIPT_SECURITY;
        }
        if (ds.stream().anyMatch(d -> d.isError() && d.category() == Diagnostic.Category.CONFIG)) {
            return CONFIG_ERROR;
        }
        return OK;
    }
}
