package org.keepvip.vrrp.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/** Builds the statement tree from tokenized lines, matching braces as keepalived counts them. */
final class TreeBuilder {
    /**
     * Blocks that only exist at the top level: met inside another block, they mean that block
     * lacks its '}' — closing it there reports one error instead of a cascade of unknown keywords.
     */
    private static final Set<String> ROOT_ONLY = Set.of("global_defs", "vrrp_instance", "vrrp_script",
            "vrrp_sync_group", "redis_instance", "virtual_server", "virtual_server_group");

    private TreeBuilder() {}

    static List<Stmt> build(List<Line> lines, Diagnostics diags) {
        List<Stmt> root = new ArrayList<>();
        Deque<Stmt> open = new ArrayDeque<>();
        Deque<List<Stmt>> frames = new ArrayDeque<>();
        frames.push(root);
        for (Line line : lines) {
            Stmt current = null;
            boolean lineStart = true;
            for (Token tok : line.tokens()) {
                if (tok.isOpen()) {
                    Stmt target = current;
                    if (target == null && lineStart) {
                        List<Stmt> siblings = frames.peek();
                        Stmt last = siblings.isEmpty() ? null : siblings.get(siblings.size() - 1);
                        if (last != null && !last.hasBlock() && !last.words.isEmpty()) {
                            target = last;
                        }
                    }
                    if (target == null) {
                        diags.error(line.origin(), "Unexpected '{' - ignoring");
                        target = new Stmt(line.origin()); // anonymous: its contents are skipped
                        frames.peek().add(target);
                    }
                    target.children = new ArrayList<>();
                    open.push(target);
                    frames.push(target.children);
                    current = null;
                } else if (tok.isClose()) {
                    if (open.isEmpty()) {
                        diags.error(line.origin(), "Extra '}' found - ignoring");
                    } else {
                        open.pop();
                        frames.pop();
                    }
                    current = null;
                } else {
                    if (current == null) {
                        if (lineStart && !open.isEmpty() && ROOT_ONLY.contains(tok.text())) {
                            while (!open.isEmpty()) {
                                Stmt s = open.pop();
                                frames.pop();
                                diags.error(s.origin, "missing '}' at end of '" + s.describe()
                                        + "' (closed before '" + tok.text() + "' at line " + line.origin().line() + ")");
                            }
                        }
                        current = new Stmt(line.origin());
                        frames.peek().add(current);
                    }
                    current.words.add(tok.text());
                }
                lineStart = false;
            }
        }
        while (!open.isEmpty()) {
            Stmt s = open.pop();
            diags.error(s.origin, "missing '}' at end of '" + s.describe() + "' (end of file reached)");
        }
        return root;
    }
}
