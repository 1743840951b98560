package org.keepvip.vrrp.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;

/** Typed readers for keyword arguments; each reports its own error and returns null when invalid. */
final class Args {
    static final Set<String> TRUE = Set.of("on", "true", "yes");
    static final Set<String> FALSE = Set.of("off", "false", "no");

    private final Diagnostics diags;

    Args(Diagnostics diags) {
        this.diags = diags;
    }

    Diagnostics diags() {
        return diags;
    }

    /** keepalived's words for a missing mandatory argument (keepalived/core/parser.c). */
    boolean require(Stmt s, int count) {
        if (s.argCount() >= count) {
            return true;
        }
        diags.error(s.origin, "Configuration line starting `" + String.join(" ", s.words)
                + "` is missing a parameter after keyword `" + s.words.get(s.words.size() - 1)
                + "` at word position " + (s.words.size() + 1));
        return false;
    }

    String string(Stmt s) {
        return require(s, 1) ? s.arg(1) : null;
    }

    Integer integer(Stmt s, int min, int max) {
        return require(s, 1) ? integer(s, s.arg(1), min, max) : null;
    }

    Integer integer(Stmt s, String text, int min, int max) {
        try {
            long v = Long.parseLong(text);
            if (v >= min && v <= max) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        diags.error(s.origin, s.keyword() + " '" + text + "' is not valid - must be between " + min + " and " + max);
        return null;
    }

    Long longValue(Stmt s, long min, long max) {
        if (!require(s, 1)) {
            return null;
        }
        try {
            long v = Long.parseLong(s.arg(1));
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        diags.error(s.origin, s.keyword() + " '" + s.arg(1) + "' is not valid - must be between " + min + " and " + max);
        return null;
    }

    /** {@code [<BOOL>]}: no word means true; only keepalived's lower-case words are accepted. */
    Boolean bool(Stmt s) {
        if (s.argCount() == 0) {
            return true;
        }
        String w = s.arg(1);
        if (TRUE.contains(w)) {
            return true;
        }
        if (FALSE.contains(w)) {
            return false;
        }
        diags.error(s.origin, s.keyword() + ": invalid boolean '" + w + "' (expected on|off|true|false|yes|no)");
        return null;
    }

    /** Decimal seconds within [min, max], microsecond resolution ({@code read_timer}). */
    Duration seconds(Stmt s, String text, Duration min, Duration max) {
        try {
            BigDecimal bd = new BigDecimal(text);
            if (bd.scale() > 6) {
                bd = bd.setScale(6, java.math.RoundingMode.HALF_UP);
            }
            long micros = bd.movePointRight(6).longValueExact();
            Duration d = Duration.ofNanos(Math.multiplyExact(micros, 1000L));
            if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
                return d;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        diags.error(s.origin, s.keyword() + " '" + text + "' is not valid - must be between "
                + Durations.format(min) + " and " + Durations.format(max) + " seconds");
        return null;
    }

    Duration seconds(Stmt s, Duration min, Duration max) {
        return require(s, 1) ? seconds(s, s.arg(1), min, max) : null;
    }

    java.net.InetAddress address(Stmt s, String text) {
        java.net.InetAddress a = IpLiteral.parse(text);
        if (a == null) {
            diags.error(s.origin, s.keyword() + ": '" + text + "' is not an IPv4 or IPv6 address");
        }
        return a;
    }

    /** The script string of {@code KW "CMD ARGS" [USER [[:]GROUP]]}, split into argv. */
    ScriptCommandSpec script(Stmt s, int at) {
        if (!require(s, at)) {
            return null;
        }
        String raw = s.arg(at);
        String[] err = new String[1];
        java.util.List<String> argv = ScriptSplitter.split(raw, err);
        if (argv == null) {
            diags.error(s.origin, s.keyword() + ": " + err[0]);
            return null;
        }
        if (argv.isEmpty()) {
            diags.error(s.origin, s.keyword() + ": empty script");
            return null;
        }
        String user = s.argCount() > at ? s.arg(at + 1) : null;
        String group = s.argCount() > at + 1 ? s.arg(at + 2) : null;
        if (group != null && group.startsWith(":")) {
            group = group.substring(1);
        }
        if (s.argCount() > at + 2) {
            diags.warning(s.origin, s.keyword() + ": extra words after the group are ignored"
                    + (at == 1 && !raw.contains(" ") ? " (put the command and its arguments in one quoted string)" : ""));
        }
        return new ScriptCommandSpec(raw, argv, user, group == null || group.isEmpty() ? null : group, s.origin);
    }
}
