package org.keepvip.vrrp.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The second, shell-like split of a script string (docs/configuration.md, "File syntax"): {@code '} and {@code "} both quote,
 * adjacent pieces join, and {@code \n \t \xHH \NNN \cC \\ \"} escapes are processed. No shell
 * runs: this is the argv keepalived passes to execve.
 */
public final class ScriptSplitter {
    private ScriptSplitter() {}

    /** The argv, or null with {@code error[0]} set if a quote is not closed. */
    public static List<String> split(String s, String[] error) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == 0 && (c == ' ' || c == '\t')) {
                if (cur != null) {
                    out.add(cur.toString());
                    cur = null;
                }
                continue;
            }
            if (cur == null) {
                cur = new StringBuilder();
            }
            if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (quote != 0 && c == quote) {
                quote = 0;
            } else if (c == '\\' && i + 1 < s.length() && quote != '\'') {
                i = escape(s, i + 1, cur);
            } else {
                cur.append(c);
            }
        }
        if (quote != 0) {
            if (error != null) {
                error[0] = "unterminated " + (quote == '\'' ? "single" : "double") + " quote in script '" + s + "'";
            }
            return null;
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Appends the escape starting at {@code i} (after the backslash); returns the last index used. */
    private static int escape(String s, int i, StringBuilder cur) {
        char e = s.charAt(i);
        switch (e) {
            case 'n' -> cur.append('\n');
            case 't' -> cur.append('\t');
            case 'r' -> cur.append('\r');
            case 'x' -> {
                int j = i + 1;
                int v = 0;
                while (j < s.length() && j < i + 3 && Character.digit(s.charAt(j), 16) >= 0) {
                    v = v * 16 + Character.digit(s.charAt(j), 16);
                    j++;
                }
                if (j == i + 1) {
                    cur.append('x');
                    return i;
                }
                cur.append((char) v);
                return j - 1;
            }
            case 'c' -> {
                if (i + 1 < s.length()) {
                    cur.append((char) (Character.toUpperCase(s.charAt(i + 1)) ^ 0x40));
                    return i + 1;
                }
                cur.append('c');
            }
            default -> {
                if (e >= '0' && e <= '7') {
                    int j = i;
                    int v = 0;
                    while (j < s.length() && j < i + 3 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
                        v = v * 8 + (s.charAt(j) - '0');
                        j++;
                    }
                    cur.append((char) (v & 0xff));
                    return j - 1;
                }
                cur.append(e);
            }
        }
        return i;
    }
}
