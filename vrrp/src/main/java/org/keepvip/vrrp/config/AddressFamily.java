package org.keepvip.vrrp.config;

import java.net.Inet6Address;
import java.net.InetAddress;

/** The address family of an instance: every VIP and peer of it has this family. */
public enum AddressFamily {
    IPV4, IPV6;

    public static AddressFamily of(InetAddress a) {
        return a instanceof Inet6Address ? IPV6 : IPV4;
    }

    @Override
    public String toString() {
        return this == IPV4 ? "IPv4" : "IPv6";
    }
}
