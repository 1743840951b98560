package org.keepvip.netlink;

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

    /** As {@code ip} prints it: dotted quad, or RFC 5952 IPv6 (the config parser's canonical form). */
    public static String format(InetAddress a) {
        return org.keepvip.vrrp.config.IpLiteral.format(a);
    }
}
