package org.keepvip.netlink;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One route to add or delete, in rtnetlink terms: what keepalived's netlink_route sends for a
 * {@code static_routes} / {@code virtual_routes} line (keepalived/vrrp/vrrp_iproute.c). The agent
 * maps the configuration to this.
 *
 * @param ipv6            the family
 * @param type            RTN_* (1 unicast, 6 blackhole, 7 unreachable, 8 prohibit, 9 throw, ...)
 * @param typeOnDelete    send the type on delete too (it was written; otherwise any type matches)
 * @param destination     RTA_DST, or empty for a default route
 * @param destinationLength rtm_dst_len
 * @param source          RTA_SRC (IPv6 source routing), or empty
 * @param sourceLength    rtm_src_len
 * @param gateway         RTA_GATEWAY, or empty
 * @param preferredSource RTA_PREFSRC, or empty
 * @param ifname          the output interface (RTA_OIF, looked up at the time of the call), or empty
 * @param table           the table: rtm_table up to 255, RTA_TABLE beyond
 * @param metric          RTA_PRIORITY, or -1 for none
 * @param scope           RT_SCOPE_*, or -1 for keepalived's default (universe on add, nowhere, any, on delete)
 * @param protocol        rtm_protocol (18 is keepalived's)
 * @param tos             rtm_tos, or -1 for none
 * @param onlink          RTNH_F_ONLINK in rtm_flags
 * @param createFlags     extra nlmsg flags on add: 0 (prepend), NLM_F_EXCL (add) or NLM_F_APPEND (append)
 */
public record RouteSpec(boolean ipv6, int type, boolean typeOnDelete, Optional<InetAddress> destination,
                        int destinationLength, Optional<InetAddress> source, int sourceLength,
                        Optional<InetAddress> gateway, Optional<InetAddress> preferredSource, Optional<String> ifname,
                        long table, long metric, int scope, int protocol, int tos, boolean onlink, int createFlags) {
    public RouteSpec {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(preferredSource, "preferredSource");
        Objects.requireNonNull(ifname, "ifname");
        int max = ipv6 ? 128 : 32;
        if (destinationLength < 0 || destinationLength > max || sourceLength < 0 || sourceLength > max) {
            throw new IllegalArgumentException("prefix length out of range 0-" + max);
        }
        for (Optional<InetAddress> a : java.util.List.of(destination, source, gateway, preferredSource)) {
            if (a.isPresent() && (a.get() instanceof Inet6Address) != ipv6) {
                throw new IllegalArgumentException(Addresses.format(a.get()) + " is not of the route's family");
            }
        }
        if (table < 0 || table > 0xFFFF_FFFFL || metric > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("table or metric out of range");
        }
    }

    /** A plain unicast route of keepalived's: prepended, protocol 18, in {@code table}. */
    public static RouteSpec of(InetAddress destination, int length, long table) {
        return new RouteSpec(destination instanceof Inet6Address, Rtnl.RTN_UNICAST, false, Optional.of(destination),
                length, Optional.empty(), 0, Optional.empty(), Optional.empty(), Optional.empty(), table, -1, -1, 18,
                -1, false, 0);
    }

    public RouteSpec via(InetAddress gw) {
        return new RouteSpec(ipv6, type, typeOnDelete, destination, destinationLength, source, sourceLength,
                Optional.of(gw), preferredSource, ifname, table, metric, scope, protocol, tos, onlink, createFlags);
    }

    public RouteSpec dev(String name) {
        return new RouteSpec(ipv6, type, typeOnDelete, destination, destinationLength, source, sourceLength, gateway,
                preferredSource, Optional.of(name), table, metric, scope, protocol, tos, onlink, createFlags);
    }

    /** "198.51.100.0/24 via 192.0.2.1 dev eth0 table 100", as ip route prints it. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (type != Rtnl.RTN_UNICAST) {
            b.append(switch (type) {
                case 6 -> "blackhole ";
                case 7 -> "unreachable ";
                case 8 -> "prohibit ";
                case 9 -> "throw ";
                default -> "type " + type + " ";
            });
        }
        b.append(destination.map(a -> Addresses.format(a) + "/" + destinationLength).orElse("default"));
        source.ifPresent(s -> b.append(" from ").append(Addresses.format(s)).append('/').append(sourceLength));
        gateway.ifPresent(g -> b.append(" via ").append(Addresses.format(g)));
        ifname.ifPresent(d -> b.append(" dev ").append(d));
        preferredSource.ifPresent(s -> b.append(" src ").append(Addresses.format(s)));
        if (table != 254) {
            b.append(" table ").append(table);
        }
        if (metric >= 0) {
            b.append(" metric ").append(metric);
        }
        return b.toString();
    }
}
