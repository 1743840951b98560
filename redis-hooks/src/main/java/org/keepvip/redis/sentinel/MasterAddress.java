package org.keepvip.redis.sentinel;

import java.util.List;
import java.util.Optional;

/**
 * The master's address as Sentinel names it (the IP and port Sentinel reaches it at).
 *
 * @param host an IP literal (IPv6 without brackets), or a host name when Sentinel resolves names
 * @param port its Redis port
 */
public record MasterAddress(String host, int port) {

    /** The reply of {@code SENTINEL get-master-addr-by-name}: {@code [ip, port]}, or null for an unknown name. */
    public static Optional<MasterAddress> fromReply(List<String> reply) {
        if (reply == null || reply.size() != 2) {
            return Optional.empty();
        }
        return parse(reply.get(0), reply.get(1));
    }

    /**
     * A {@code +switch-master} message ({@code NAME OLD_IP OLD_PORT NEW_IP NEW_PORT}) about
     * {@code masterName}: the new master, or empty for another master's switch or a malformed text.
     */
    public static Optional<MasterAddress> fromSwitchMessage(String message, String masterName) {
        String[] w = message == null ? new String[0] : message.trim().split("\\s+");
        if (w.length != 5 || !w[0].equals(masterName)) {
            return Optional.empty();
        }
        return parse(w[3], w[4]);
    }

    private static Optional<MasterAddress> parse(String host, String port) {
        try {
            int p = Integer.parseInt(port);
            return host.isEmpty() || p < 1 || p > 65535 ? Optional.empty() : Optional.of(new MasterAddress(host, p));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
