package org.keepvip.vrrp.config;

import java.util.ArrayList;
import java.util.List;

/** Shell-like brace expansion for include patterns: {@code a{b,c}d} gives abd, acd. */
final class BraceExpansion {
    private static final int MAX_RESULTS = 4096;

    private BraceExpansion() {}

    static List<String> expand(String s) {
        List<String> out = new ArrayList<>();
        expand(s, out);
        return out;
    }

    private static void expand(String s, List<String> out) {
        if (out.size() >= MAX_RESULTS) {
            return;
        }
        int open = s.indexOf('{');
        if (open < 0) {
            out.add(s);
            return;
        }
        int depth = 0;
        int close = -1;
        List<Integer> commas = new ArrayList<>();
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (--depth == 0) {
                    close = i;
                    break;
                }
            } else if (c == ',' && depth == 1) {
                commas.add(i);
            }
        }
        if (close < 0 || commas.isEmpty()) {
            // Not an expansion: keep the brace literally and expand what follows it.
            List<String> tails = new ArrayList<>();
            expand(s.substring(open + 1), tails);
            for (String t : tails) {
                out.add(s.substring(0, open + 1) + t);
            }
            return;
        }
        String prefix = s.substring(0, open);
        String suffix = s.substring(close + 1);
        int start = open + 1;
        commas.add(close);
        for (int comma : commas) {
            expand(prefix + s.substring(start, comma) + suffix, out);
            start = comma + 1;
        }
    }
}
