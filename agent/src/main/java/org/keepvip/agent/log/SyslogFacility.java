package org.keepvip.agent.log;

import java.util.Locale;

/**
 * The syslog facilities keepalived's {@code -S/--log-facility} accepts: {@code 0}-{@code 7} and
 * {@code local0}-{@code local7} (LOG_LOCAL0..7), {@code user} and {@code daemon} (the default).
 */
public enum SyslogFacility {
    USER(1), DAEMON(3),
    LOCAL0(16), LOCAL1(17), LOCAL2(18), LOCAL3(19), LOCAL4(20), LOCAL5(21), LOCAL6(22), LOCAL7(23);

    /** The facility code (syslog's numbering, as in syslog.h); the PRI value is {@code code * 8 + severity}. */
    public final int code;

    SyslogFacility(int code) {
        this.code = code;
    }

    /** Parses {@code -S}'s argument as keepalived does; throws IllegalArgumentException otherwise. */
    public static SyslogFacility parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.length() == 1 && v.charAt(0) >= '0' && v.charAt(0) <= '7') {
            return values()[LOCAL0.ordinal() + (v.charAt(0) - '0')];
        }
        switch (v) {
            case "user":
                return USER;
            case "daemon":
                return DAEMON;
            default:
                break;
        }
        for (SyslogFacility f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(v) && f.code >= LOCAL0.code) {
                return f;
            }
        }
        throw new IllegalArgumentException("syslog facility '" + s + "' (expected: 0-7, local0-local7, user or daemon)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
