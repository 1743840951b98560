package org.keepvip.vrrp.config;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * keepvip's {@code metrics_listen ADDR:PORT} ({@code global_defs}) and {@code run --metrics-listen}:
 * where the Prometheus exporter listens. Absent: no exporter.
 *
 * @param address an IP literal (IPv6 written in brackets: {@code [::1]:9650})
 * @param port    1 to 65535
 */
public record MetricsListen(InetAddress address, int port) {
    /** What the error messages ask for. */
    public static final String FORM = "ADDR:PORT, e.g. 127.0.0.1:9650 or [::1]:9650";

    /** Parses {@code ADDR:PORT}; null when {@code text} is not one. */
    public static MetricsListen parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return null;
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[") != host.endsWith("]")) {
            return null;
        }
        boolean bracketed = host.startsWith("[");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null; // an IPv6 address without brackets: where the port starts is ambiguous
        }
        InetAddress a = IpLiteral.parse(host);
        if (a == null || bracketed != (a instanceof Inet6Address) || !port.chars().allMatch(Character::isDigit)
                || port.length() > 5) {
            return null;
        }
        int p = Integer.parseInt(port);
        return p < 1 || p > 65535 ? null : new MetricsListen(a, p);
    }

    @Override
    public String toString() {
        String host = IpLiteral.format(address);
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }
}
