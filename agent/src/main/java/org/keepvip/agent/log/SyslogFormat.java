package org.keepvip.agent.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One log event as the datagrams a local syslog client sends to {@code /dev/log}, in glibc
 * {@code syslog(3)}'s shape: {@code <PRI>MMM dd HH:mm:ss ident[pid]: message} (local time, day
 * padded with a space, English month). rsyslog and journald both parse it.
 *
 * <p>A record never carries a newline: a multi-line message becomes one record per non-empty line,
 * other control characters become spaces, and a record is cut (at a UTF-8 character boundary, marked
 * {@code ...}) so that the whole datagram stays within {@link #MAX_DATAGRAM} bytes. A throwable adds
 * one record with its class and message, never a stack trace.
 */
final class SyslogFormat {
    /** Under rsyslog's default 8 KiB {@code maxMessageSize}, header included. */
    static final int MAX_DATAGRAM = 8000;

    static final int ERR = 3;
    static final int WARNING = 4;
    static final int INFO = 6;
    static final int DEBUG = 7;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
    private static final byte[] CUT = "...".getBytes(StandardCharsets.US_ASCII);

    private final SyslogFacility facility;
    private final String ident;
    private final long pid;
    private final ZoneId zone;

    SyslogFormat(SyslogFacility facility, String ident, long pid, ZoneId zone) {
        this.facility = facility;
        this.ident = clean(ident);
        this.pid = pid;
        this.zone = zone;
    }

    /** ERROR→err, WARN→warning, INFO→info, DEBUG and TRACE→debug. */
    static int severity(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return ERR;
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return WARNING;
        }
        if (level.isGreaterOrEqual(Level.INFO)) {
            return INFO;
        }
        return DEBUG;
    }

    /** The datagrams for {@code event}, in order; at least one. */
    List<byte[]> datagrams(ILoggingEvent event) {
        String header = "<" + (facility.code * 8 + severity(event.getLevel())) + ">"
                + STAMP.format(Instant.ofEpochMilli(event.getTimeStamp()).atZone(zone)) + " "
                + ident + "[" + pid + "]: ";
        byte[] head = header.getBytes(StandardCharsets.UTF_8);
        List<byte[]> out = new ArrayList<>();
        addLines(out, head, event.getFormattedMessage(), true);
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            String m = t.getMessage();
            addLines(out, head, simpleName(t.getClassName()) + (m == null ? "" : ": " + m), false);
        }
        return out;
    }

    private static void addLines(List<byte[]> out, byte[] head, String text, boolean keepEmpty) {
        String[] lines = (text == null ? "" : text).split("\r\n|\r|\n");
        boolean any = false;
        for (String line : lines) {
            if (!line.isBlank()) {
                out.add(datagram(head, clean(line)));
                any = true;
            }
        }
        if (!any && keepEmpty) {
            out.add(datagram(head, ""));
        }
    }

    private static byte[] datagram(byte[] head, String line) {
        byte[] msg = line.getBytes(StandardCharsets.UTF_8);
        int room = MAX_DATAGRAM - head.length;
        boolean cut = msg.length > room;
        int n = msg.length;
        if (cut) {
            n = Math.max(0, room - CUT.length);
            while (n > 0 && (msg[n] & 0xC0) == 0x80) {
                n--; // do not split a multi-byte character
            }
        }
        byte[] d = new byte[head.length + n + (cut ? CUT.length : 0)];
        System.arraycopy(head, 0, d, 0, head.length);
        System.arraycopy(msg, 0, d, head.length, n);
        if (cut) {
            System.arraycopy(CUT, 0, d, head.length + n, CUT.length);
        }
        return d;
    }

    /** Control characters (newlines included) become spaces. */
    private static String clean(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, ' ');
            }
        }
        return b == null ? s : b.toString();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
