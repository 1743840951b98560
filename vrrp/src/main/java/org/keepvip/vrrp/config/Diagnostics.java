package org.keepvip.vrrp.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Collects diagnostics during one parse; caps their number so garbage input stays readable. */
public final class Diagnostics {
    /** More than this many findings are summarised in one line: nobody reads the 10 001st. */
    public static final int LIMIT = 200;

    private final List<Diagnostic> list = new ArrayList<>();
    private final Set<String> onceKeys = new HashSet<>();
    private int dropped;
    private Origin lastDroppedOrigin;

    public void add(Diagnostic d) {
        if (list.size() >= LIMIT) {
            dropped++;
            lastDroppedOrigin = d.origin();
            return;
        }
        list.add(d);
    }

    public void error(Origin o, String message) {
        add(Diagnostic.error(o, message));
    }

    /** See {@link Diagnostic.Category#CORRECTED}. */
    public void corrected(Origin o, String message) {
        add(Diagnostic.corrected(o, message));
    }

    public void warning(Origin o, String message) {
        add(Diagnostic.warning(o, message));
    }

    /** Adds the diagnostic only the first time {@code key} is seen. */
    public void once(String key, Diagnostic d) {
        if (onceKeys.add(key)) {
            add(d);
        }
    }

    public boolean hasErrors() {
        return list.stream().anyMatch(Diagnostic::isError) || dropped > 0;
    }

    /** All findings in the order they were found, plus a final summary if some were dropped. */
    public List<Diagnostic> toList() {
        List<Diagnostic> out = new ArrayList<>(list);
        if (dropped > 0) {
            out.add(Diagnostic.error(lastDroppedOrigin,
                    dropped + " further diagnostics not shown (limit " + LIMIT + ")"));
        }
        return List.copyOf(out);
    }
}
