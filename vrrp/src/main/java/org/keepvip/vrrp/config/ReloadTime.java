package org.keepvip.vrrp.config;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first line of a {@code reload_time_file}, read as keepalived's parse_datetime()
 * (keepalived/core/reload_monitor.c): {@code HH:MM:SS}, {@code YY-MM-DD HH:MM:SS} or
 * {@code YYYY-MM-DD HH:MM:SS}, each with an optional {@code Z} for UTC (local time otherwise), no
 * other blank. A time alone is today's, or tomorrow's once passed; a date in the past is refused.
 * Pure: the caller gives the current instant and the local zone.
 */
public final class ReloadTime {
    private static final Pattern TIME = Pattern.compile("([0-9]{2}):([0-9]{2}):([0-9]{2})");
    private static final Pattern SHORT = Pattern.compile("([0-9]{2})-([0-9]{2})-([0-9]{2}) " + TIME.pattern());
    private static final Pattern LONG = Pattern.compile("([0-9]{4})-([0-9]{2})-([0-9]{2}) " + TIME.pattern());

    private ReloadTime() {}

    /** What a line says. */
    public sealed interface Result permits At, Refused {}

    /**
     * A reload at {@code epochSecond}; {@code dateGiven}: the line had a date (so the file is removed
     * after the reload even with {@code reload_repeat}).
     */
    public record At(long epochSecond, boolean dateGiven) implements Result {}

    /** Not a reload time: {@code log} is keepalived's lines for it; {@code past} for a date already gone. */
    public record Refused(String log, boolean past) implements Result {}

    public static Result parse(String line, Instant now, ZoneId local) {
        String s = line;
        boolean utc = s.endsWith("Z");
        if (utc) {
            s = s.substring(0, s.length() - 1);
        }
        ZoneId zone = utc ? ZoneOffset.UTC : local;
        int len = s.length();
        if (len != 8 && len != 17 && len != 19) {
            return invalid(line, "Reload time " + line + " format is incorrect - ignoring");
        }
        Matcher m = (len == 8 ? TIME : len == 17 ? SHORT : LONG).matcher(s);
        if (!m.matches()) {
            return invalid(line, "Reload date/time " + line + " invalid - ignoring");
        }
        int g = len == 8 ? 0 : 3;
        int hour = Integer.parseInt(m.group(g + 1));
        int minute = Integer.parseInt(m.group(g + 2));
        int second = Integer.parseInt(m.group(g + 3));
        LocalDate today = LocalDateTime.ofInstant(now, zone).toLocalDate();
        int year = today.getYear();
        int month = today.getMonthValue();
        int day = today.getDayOfMonth();
        if (len != 8) {
            year = Integer.parseInt(m.group(1));
            if (len == 17) {
                year += year < 69 ? 2000 : 1900; // strptime's %y
            }
            month = Integer.parseInt(m.group(2));
            day = Integer.parseInt(m.group(3));
        }
        // strptime's own ranges ("invalid"); what it takes but the calendar does not is "not valid" (mktime).
        if (hour > 23 || minute > 59 || second > 61 || month < 1 || month > 12 || day < 1 || day > 31) {
            return invalid(line, "Reload date/time " + line + " invalid - ignoring");
        }
        LocalDateTime at;
        try {
            at = LocalDateTime.of(LocalDate.of(year, month, day), LocalTime.of(hour, minute, second));
        } catch (DateTimeException e) {
            return invalid(line, "Reload time " + line + " is not valid - ignoring");
        }
        if (zone.getRules().getValidOffsets(at).isEmpty()) {
            return invalid(line, "Reload time " + line + " is not valid - ignoring"); // in a DST gap
        }
        long t = at.atZone(zone).toEpochSecond();
        if (t <= now.getEpochSecond()) {
            if (len != 8) {
                return new Refused("Reload time " + line + " is in the past - ignoring\n"
                        + "Reload date/time is in the past - ignoring", true);
            }
            t = at.plusDays(1).atZone(zone).toEpochSecond();
        }
        return new At(t, len != 8);
    }

    private static Refused invalid(String line, String first) {
        return new Refused(first + "\nInvalid reload time '" + line + "' specified - ignoring", false);
    }
}
