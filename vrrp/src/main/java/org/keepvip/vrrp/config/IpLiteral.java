package org.keepvip.vrrp.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4/IPv6 literal parsing and formatting without name lookups (the core may not resolve). */
public final class IpLiteral {
    private IpLiteral() {}

    /** The address, or null if {@code s} is not a literal IPv4 or IPv6 address. */
    public static InetAddress parse(String s) {
        byte[] b = s.indexOf(':') >= 0 ? parse6(s) : parse4(s);
        if (b == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null; // only thrown for a wrong length, which cannot happen here
        }
    }

    private static byte[] parse4(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (p[i].isEmpty() || p[i].length() > 3 || !p[i].chars().allMatch(Character::isDigit)) {
                return null;
            }
            int v = Integer.parseInt(p[i]);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private static byte[] parse6(String s) {
        if (s.isEmpty() || s.indexOf('%') >= 0) {
            return null;
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head);
        int[] t = groups(tail);
        if (h == null || t == null) {
            return null;
        }
        int total = h.length + t.length;
        if (dbl < 0 ? total != 8 : total > 7) {
            return null;
        }
        byte[] b = new byte[16];
        for (int i = 0; i < h.length; i++) {
            b[2 * i] = (byte) (h[i] >> 8);
            b[2 * i + 1] = (byte) h[i];
        }
        for (int i = 0; i < t.length; i++) {
            int g = 8 - t.length + i;
            b[2 * g] = (byte) (t[i] >> 8);
            b[2 * g + 1] = (byte) t[i];
        }
        return b;
    }

    /** 16-bit groups of one side of "::"; a trailing dotted quad counts as two groups. */
    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] p = s.split(":", -1);
        int n = p.length;
        byte[] v4 = null;
        if (p[n - 1].indexOf('.') >= 0) {
            v4 = parse4(p[n - 1]);
            if (v4 == null) {
                return null;
            }
            n--;
        }
        int[] out = new int[n + (v4 != null ? 2 : 0)];
        for (int i = 0; i < n; i++) {
            if (p[i].isEmpty() || p[i].length() > 4) {
                return null;
            }
            try {
                out[i] = Integer.parseInt(p[i], 16);
            } catch (NumberFormatException e) {
                return null;
            }
            if (p[i].charAt(0) == '+' || p[i].charAt(0) == '-') {
                return null;
            }
        }
        if (v4 != null) {
            out[n] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
            out[n + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        }
        return out;
    }

    /**
     * The canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as ::).
     * netlink prints addresses with its own copy ({@code netlink.Addresses}; the module rule keeps
     * the two modules apart); the agent tests that the two agree.
     */
    public static String format(InetAddress a) {
        byte[] b = a.getAddress();
        if (!(a instanceof Inet6Address)) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    public static boolean isLinkLocal6(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 && (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80;
    }
}
