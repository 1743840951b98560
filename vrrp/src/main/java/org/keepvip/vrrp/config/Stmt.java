package org.keepvip.vrrp.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A statement: the words of one line (up to a brace) and, if a {@code {} followed, its block.
 * The tree is built before keywords are interpreted, so an unknown block is skipped whole.
 */
final class Stmt {
    final Origin origin;
    final List<String> words = new ArrayList<>();
    /** The block's statements, or null if no {@code {} followed this statement. */
    List<Stmt> children;

    Stmt(Origin origin) {
        this.origin = origin;
    }

    String keyword() {
        return words.isEmpty() ? "" : words.get(0);
    }

    int argCount() {
        return words.size() - 1;
    }

    String arg(int i) {
        return words.get(i);
    }

    boolean hasBlock() {
        return children != null;
    }

    /** The block's statements, or an empty list. */
    List<Stmt> block() {
        return children == null ? List.of() : children;
    }

    /** Every word of the block's statements, in order (for {@code group { A B }} style lists). */
    List<Word> blockWords() {
        List<Word> out = new ArrayList<>();
        for (Stmt s : block()) {
            for (String w : s.words) {
                out.add(new Word(w, s.origin));
            }
        }
        return out;
    }

    record Word(String text, Origin origin) {}

    /** An anonymous block holding just {@code only}, to hand one statement to a block parser. */
    static Stmt blockOf(Stmt only) {
        Stmt b = new Stmt(only.origin);
        b.children = List.of(only);
        return b;
    }

    /** This statement with another keyword (same words after it, same block). */
    Stmt renamed(String keyword) {
        Stmt r = new Stmt(origin);
        r.words.addAll(words);
        r.words.set(0, keyword);
        r.children = children;
        return r;
    }

    String describe() {
        return words.size() > 1 ? words.get(0) + " " + words.get(1) : keyword();
    }
}
