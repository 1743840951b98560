package org.keepvip.vrrp.config;

import java.util.List;

/**
 * The outcome of a parse: the model (null only when nothing was usable) and every finding.
 *
 * @param config       the effective configuration, or null after a fatal problem
 * @param diagnostics  errors and warnings, sorted by file (in the order read) and line
 * @param files        every file read, main file first, in the order read (e.g. to watch for reload)
 * @param unusedScripts vrrp_script blocks no instance or group tracks: left out of the model, but
 *                      keepalived's script security check still covers them
 */
public record ParseResult(KeepalivedConfig config, List<Diagnostic> diagnostics, List<String> files,
                          List<VrrpScript> unusedScripts) {
    public ParseResult {
        diagnostics = List.copyOf(diagnostics);
        files = List.copyOf(files);
        unusedScripts = List.copyOf(unusedScripts);
    }

    public ParseResult(KeepalivedConfig config, List<Diagnostic> diagnostics, List<String> files) {
        this(config, diagnostics, files, List.of());
    }

    /** Sorts diagnostics as {@link #diagnostics()} is: by file in the order read, then line (stable). */
    public static List<Diagnostic> sort(List<Diagnostic> ds, List<String> files) {
        List<Diagnostic> out = new java.util.ArrayList<>(ds);
        out.sort(java.util.Comparator.<Diagnostic>comparingInt(d -> {
            int i = files.indexOf(d.origin().file());
            return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparingInt(d -> d.origin().line()));
        return out;
    }

    public boolean hasFatal() {
        return config == null || diagnostics.stream().anyMatch(d -> d.category() == Diagnostic.Category.FATAL);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
}
