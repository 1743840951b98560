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
        out.sort(new ByPlace(files));
        return out;
    }

    /**
     * By file, in the order read, then by line. A class rather than Comparator.comparingInt(...)
     * .thenComparingInt(...): the JDK generates the lambda classes behind those at run time, in
     * every keepvip check-config (the class-data archive does not hold them).
     */
    private static final class ByPlace implements java.util.Comparator<Diagnostic> {
        private final List<String> files;

        ByPlace(List<String> files) {
            this.files = files;
        }

        @Override
        public int compare(Diagnostic a, Diagnostic b) {
            int byFile = Integer.compare(fileIndex(a), fileIndex(b));
            return byFile != 0 ? byFile : Integer.compare(a.origin().line(), b.origin().line());
        }

        private int fileIndex(Diagnostic d) {
            int i = files.indexOf(d.origin().file());
            return i < 0 ? Integer.MAX_VALUE : i;
        }
    }

    public boolean hasFatal() {
        return config == null || diagnostics.stream().anyMatch(d -> d.category() == Diagnostic.Category.FATAL);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
}
