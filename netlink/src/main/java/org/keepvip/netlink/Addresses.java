package org.keepvip.netlink;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Address text as ip(8) and keepalived print it (RFC 5952 for IPv6: "2001:db8::5", not "2001:db8:0:0:0:0:0:5"). */
public final class Addresses {
    private Addresses() {}

    /**
     * The IPv4 broadcast address of {@code address}/{@code prefixLength}: all host bits set, as
     * keepalived's {@code brd +} (which it allows for prefixes up to /30).
     */
    public static InetAddress broadcast(InetAddress address, int prefixLength) {
        byte[] b = address.getAddress();
        if (b.length != 4 || prefixLength < 0 || prefixLength > 30) {
            throw new IllegalArgumentException("brd + needs an IPv4 prefix of at most /30, got "
                    + format(address) + "/" + prefixLength);
        }
        int v = java.nio.ByteBuffer.wrap(b).getInt() | (int) (0xFFFFFFFFL >>> prefixLength);
        try {
            return InetAddress.getByAddress(java.nio.ByteBuffer.allocate(4).putInt(v).array());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 4 bytes is always a valid address
        }
    }

    public static String format(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed
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
}
