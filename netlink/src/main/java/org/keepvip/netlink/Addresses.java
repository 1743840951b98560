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

    /**
     * As {@code ip} prints it: dotted quad, or RFC 5952 IPv6 (lower case, the longest run of two or
     * more zero groups as {@code ::}). The config parser prints addresses the same way
     * ({@code vrrp.config.IpLiteral}); netlink keeps its own copy rather than depend on the protocol
     * core for one formatter (the module rule: neither depends on the other); {@code AddressesTest}
     * pins the cases, and the agent, which sees both, tests that the two agree.
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
        int zeroStart = -1;
        int zeroLen = 1; // RFC 5952 4.2.2: a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > zeroLen) {
                zeroStart = i;
                zeroLen = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == zeroStart) {
                sb.append("::");
                i += zeroLen - 1;
            } else {
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                    sb.append(':');
                }
                sb.append(Integer.toHexString(g[i]));
            }
        }
        return sb.toString();
    }
}
