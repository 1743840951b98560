package org.keepvip.vrrp.config;

import java.net.InetAddress;

/**
 * One {@code static_routes} or {@code virtual_routes} line (keepalived/vrrp/vrrp_iproute.c,
 * alloc_route), in {@code ip route} syntax:
 * {@code [TYPE] DEST[/P] [via|gw [inet|inet6] ADDR] [src ADDR] [from ADDR/P] [dev|oif IF] [table N]
 * [metric|priority|preference N] [scope S] [protocol P] [tos T] [onlink] [add|append|prepend] [no_track]}.
 *
 * @param family            the route's family (IPv4 unless an address or {@code inet6} says IPv6)
 * @param type              RTN_* ({@code unicast} 1 unless {@code blackhole}, {@code unreachable}, ...)
 * @param typeGiven         the type was written: a delete then matches it too
 * @param destination       the destination, or null for {@code default}/{@code any}/{@code all} (prefix 0)
 * @param destinationPrefix the destination's prefix length
 * @param via               the gateway ({@code via}, or the deprecated {@code gw}), or null
 * @param preferredSource   {@code src}: RTA_PREFSRC, or null
 * @param source            {@code from} (IPv6 source routing), or null
 * @param sourcePrefix      its prefix length
 * @param device            {@code dev}/{@code oif}, or null
 * @param table             the routing table (254, main, unless given; above 255 goes in RTA_TABLE)
 * @param metric            {@code metric}/{@code priority}/{@code preference}, or -1 for none
 * @param scope             RT_SCOPE_* ({@code scope}); 0, universe, unless given (keepalived does not
 *                          derive link scope for a route without a gateway, as {@code ip route} does)
 * @param protocol          RTPROT_* (18, keepalived's, unless {@code no_track} and {@code protocol} are given)
 * @param tos               {@code tos}/{@code dsfield}, or -1 for none
 * @param onlink            RTNH_F_ONLINK
 * @param mode              how an existing route with the same key is treated
 * @param noTrack           {@code no_track}
 * @param origin            where the line was written
 */
public record IpRoute(AddressFamily family, int type, boolean typeGiven, InetAddress destination, int destinationPrefix,
                      InetAddress via, InetAddress preferredSource, InetAddress source, int sourcePrefix,
                      String device, long table, long metric, int scope, int protocol, int tos, boolean onlink,
                      Mode mode, boolean noTrack, Origin origin) {
    /** RT_TABLE_MAIN. */
    public static final long MAIN_TABLE = 254;
    /** RTPROT_KEEPALIVED: what keepalived marks its routes and rules with. */
    public static final int PROTOCOL_KEEPALIVED = 18;

    /** {@code prepend} (the kernel's default, keepalived's), {@code add} (NLM_F_EXCL), {@code append}. */
    public enum Mode { PREPEND, ADD, APPEND }

    /** {@code DEST/P} as {@code ip route} prints it ({@code default} for prefix 0 without an address). */
    public String destinationText() {
        return destination == null ? "default" : IpLiteral.format(destination) + "/" + destinationPrefix;
    }

    /** The key a reload compares by: everything but where it was written. */
    public IpRoute withoutOrigin() {
        return new IpRoute(family, type, typeGiven, destination, destinationPrefix, via, preferredSource, source,
                sourcePrefix, device, table, metric, scope, protocol, tos, onlink, mode, noTrack, null);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (typeGiven) {
            b.append(RtNames.typeName(type)).append(' ');
        }
        b.append(destinationText());
        if (via != null) {
            b.append(" via ").append(IpLiteral.format(via));
        }
        if (preferredSource != null) {
            b.append(" src ").append(IpLiteral.format(preferredSource));
        }
        if (source != null) {
            b.append(" from ").append(IpLiteral.format(source)).append('/').append(sourcePrefix);
        }
        if (device != null) {
            b.append(" dev ").append(device);
        }
        if (table != MAIN_TABLE) {
            b.append(" table ").append(table);
        }
        if (metric >= 0) {
            b.append(" metric ").append(metric);
        }
        if (scope != 0) {
            b.append(" scope ").append(RtNames.scopeName(scope));
        }
        if (onlink) {
            b.append(" onlink");
        }
        return b.toString();
    }
}
