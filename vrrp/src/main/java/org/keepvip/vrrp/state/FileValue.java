package org.keepvip.vrrp.state;

/**
 * keepalived's track_file arithmetic (keepalived/trackers/track_file.c: process_track_file,
 * update_track_file_status, process_update_vrrp_track_file_status): how the integer in a file
 * bears on an instance's priority.
 */
public final class FileValue {
    /** A file status at or below this puts the instance in FAULT. */
    public static final int FAULT = -254;
    /** The largest contribution a file can make. */
    public static final int MAX = 253;

    private FileValue() {}

    /**
     * The file's status for one tracking instance: value × weight (negated with reverse), limited to
     * {@code -254..253}, where -254 means FAULT. With weight 0 a non-zero value means FAULT (with
     * reverse: a zero value).
     */
    public static int status(long value, int weight, boolean reverse) {
        if (weight == 0) {
            return (value != 0) != reverse ? FAULT : 0;
        }
        // |value| <= 2^31 and |weight| <= 254: the product fits a long.
        long s = value * weight * (reverse ? -1 : 1);
        return (int) Math.max(FAULT, Math.min(MAX, s));
    }

    /** What a file's content reads as. */
    public sealed interface Parsed {
        /** A number keepalived would use ({@code strtol} found no digits: 0). */
        record Number(long value, boolean digits) implements Parsed {}

        /** Out of range ({@code strtol} overflowed, or outside -2^31..2^31): keepalived keeps the old value. */
        record OutOfRange(String text) implements Parsed {}
    }

    /**
     * Reads a file's content as keepalived does, with {@code strtol(buf, NULL, 0)} over at most the
     * first 127 bytes: leading white space, an optional sign, then hex after {@code 0x}, octal after a
     * leading {@code 0}, else decimal, up to the first character that is not a digit. No digits gives
     * 0. A value outside {@code -2^31..2^31} is out of range.
     */
    public static Parsed parse(String content) {
        String s = content.length() > 127 ? content.substring(0, 127) : content;
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (i + 1 < n && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && i + 2 < n && Character.digit(s.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < n && s.charAt(i) == '0') {
            radix = 8;
        }
        java.math.BigInteger v = java.math.BigInteger.ZERO;
        int start = i;
        while (i < n && Character.digit(s.charAt(i), radix) >= 0 && s.charAt(i) < 128) {
            v = v.multiply(java.math.BigInteger.valueOf(radix)).add(java.math.BigInteger.valueOf(Character.digit(s.charAt(i), radix)));
            i++;
        }
        if (i == start) {
            return new Parsed.Number(0, false);
        }
        if (negative) {
            v = v.negate();
        }
        if (v.compareTo(java.math.BigInteger.valueOf(Integer.MIN_VALUE)) < 0
                || v.compareTo(java.math.BigInteger.valueOf(Integer.MAX_VALUE + 1L)) > 0) {
            return new Parsed.OutOfRange(s.substring(0, i).strip());
        }
        return new Parsed.Number(v.longValue(), true);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }
}
