package org.keepvip.vrrp.config;

import java.util.List;

/**
 * The outcome of a parse: the model (null only when nothing was usable) and every finding.
 *
 * @param config       the effective configuration, or null after a fatal problem
 * @param diagnostics  errors and warnings in file order
 */
public record ParseResult(KeepalivedConfig config, List<Diagnostic> diagnostics) {
    public ParseResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasFatal() {
        return config == null || diagnostics.stream().anyMatch(d -> d.category() == Diagnostic.Category.FATAL);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
}
