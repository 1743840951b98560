package org.keepvip.vrrp.config;

import java.util.ArrayList;
import java.util.List;

/** The first, line-level split of keepalived's grammar (keepalived/core/parser.c, read_line): comments, quotes, braces. */
final class Lexer {
    private Lexer() {}

    /**
     * Removes a {@code #} or {@code !} comment outside double quotes ({@code \#}, {@code \!}
     * keep the character) and strips the line. Reports an unterminated quote.
     */
    static String decomment(String raw, Origin origin, Diagnostics diags) {
        StringBuilder sb = new StringBuilder(raw.length());
        boolean inQuote = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                inQuote = !inQuote;
            } else if (!inQuote && c == '\\' && i + 1 < raw.length()
                    && (raw.charAt(i + 1) == '#' || raw.charAt(i + 1) == '!')) {
                sb.append(raw.charAt(++i));
                continue;
            } else if (!inQuote && (c == '#' || c == '!')) {
                break;
            }
            sb.append(c);
        }
        if (inQuote) {
            diags.error(origin, "Unterminated quote '" + raw.strip() + "'");
        }
        return sb.toString().strip();
    }

    /** Splits a decommented line into words and braces; a double-quoted part joins its word. */
    static List<Token> tokenize(String text) {
        List<Token> out = new ArrayList<>();
        StringBuilder cur = null;
        boolean quoted = false;
        boolean inQuote = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inQuote) {
                if (c == '"') {
                    inQuote = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                if (cur == null) {
                    cur = new StringBuilder();
                }
                inQuote = true;
                quoted = true;
            } else if (c == ' ' || c == '\t' || c == '\f' || c == 0x0B) {
                if (cur != null) {
                    out.add(new Token(cur.toString(), quoted));
                    cur = null;
                    quoted = false;
                }
            } else if (c == '{' || c == '}') {
                if (cur != null) {
                    out.add(new Token(cur.toString(), quoted));
                    cur = null;
                    quoted = false;
                }
                out.add(new Token(String.valueOf(c), false));
            } else {
                if (cur == null) {
                    cur = new StringBuilder();
                }
                cur.append(c);
            }
        }
        if (cur != null) {
            out.add(new Token(cur.toString(), quoted));
        }
        return out;
    }
}
