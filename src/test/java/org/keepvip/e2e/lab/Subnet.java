package org.keepvip.e2e.lab;

/** The two lab subnets, from the documentation ranges only. The router is .1 / ::1 on each. */
public enum Subnet {
    ONE("192.0.2", "2001:db8:1::", "br1", 1),
    TWO("198.51.100", "2001:db8:2::", "br2", 2);

    private final String v4Prefix;
    private final String v6Prefix;
    private final String bridge;
    private final int number;

    Subnet(String v4Prefix, String v6Prefix, String bridge, int number) {
        this.v4Prefix = v4Prefix;
        this.v6Prefix = v6Prefix;
        this.bridge = bridge;
        this.number = number;
    }

    /** {@code 192.0.2.N} / {@code 198.51.100.N}. */
    public String ipv4(int host) {
        return v4Prefix + "." + host;
    }

    /** {@code 2001:db8:1::N} (N in hex) / {@code 2001:db8:2::N}. */
    public String ipv6(int host) {
        return v6Prefix + Integer.toHexString(host);
    }

    public String gatewayIpv4() {
        return ipv4(1);
    }

    public String gatewayIpv6() {
        return ipv6(1);
    }

    /** The bridge in the switch namespace. */
    public String bridge() {
        return bridge;
    }

    int number() {
        return number;
    }
}
