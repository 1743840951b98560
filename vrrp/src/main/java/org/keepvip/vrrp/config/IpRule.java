package org.keepvip.vrrp.config;

import java.net.InetAddress;

/**
 * One {@code static_rules} or {@code virtual_rules} line (keepalived/vrrp/vrrp_iprule.c, alloc_rule),
 * in {@code ip rule} syntax:
 * {@code [not] [from ADDR/P] [to ADDR/P] [priority N] [tos T] [fwmark M[/MASK]] [dev|iif IF] [oif IF]
 * [ipproto P] [sport N[-M]] [dport N[-M]] [uidrange A-B] [suppress_prefixlength N] [protocol P]
 * ACTION [no_track]}, ACTION being {@code table|lookup N}, {@code goto N}, {@code nop},
 * {@code blackhole}, {@code unreachable} or {@code prohibit}.
 *
 * @param family         IPv4 unless an address or {@code inet6} says IPv6
 * @param from           source prefix, or null for any ({@code all} included)
 * @param fromPrefix     its length
 * @param to             destination prefix, or null for any
 * @param toPrefix       its length
 * @param invert         {@code not}: FIB_RULE_INVERT
 * @param priority       the preference; keepalived gives one, counting down from 16384, when none is written
 * @param tos            {@code tos}/{@code dsfield} (0 for none)
 * @param fwmark         {@code fwmark}, or -1 for none
 * @param fwmask         its mask, or -1 for none
 * @param iif            {@code dev}/{@code iif}, or null
 * @param oif            {@code oif}, or null
 * @param action         FR_ACT_*: 1 to table, 2 goto, 3 nop, 6 blackhole, 7 unreachable, 8 prohibit
 * @param table          the table of a {@code table}/{@code lookup} action, 0 otherwise
 * @param gotoTarget     the target of {@code goto}, 0 otherwise
 * @param protocol       FRA_PROTOCOL (18, keepalived's, unless {@code no_track}), or -1 for none
 * @param ipProto        {@code ipproto}, or -1 for none
 * @param sport          {@code sport} range {start, end}, or null
 * @param dport          {@code dport} range {start, end}, or null
 * @param uidRange       {@code uidrange} {start, end}, or null
 * @param suppressPrefix {@code suppress_prefixlength}, or -1 for none
 * @param noTrack        {@code no_track}
 * @param origin         where the line was written
 */
public record IpRule(AddressFamily family, InetAddress from, int fromPrefix, InetAddress to, int toPrefix,
                     boolean invert, long priority, int tos, long fwmark, long fwmask, String iif, String oif,
                     int action, long table, long gotoTarget, int protocol, int ipProto, PortRange sport,
                     PortRange dport, UidRange uidRange, long suppressPrefix, boolean noTrack, Origin origin) {
    public static final int FR_ACT_TO_TBL = 1;
    public static final int FR_ACT_GOTO = 2;
    public static final int FR_ACT_NOP = 3;
    public static final int FR_ACT_BLACKHOLE = 6;
    public static final int FR_ACT_UNREACHABLE = 7;
    public static final int FR_ACT_PROHIBIT = 8;

    /** A port range, inclusive. */
    public record PortRange(int start, int end) {}

    /** A uid range, inclusive (unsigned 32-bit values). */
    public record UidRange(long start, long end) {}

    /** The key a reload compares by: everything but where it was written. */
    public IpRule withoutOrigin() {
        return new IpRule(family, from, fromPrefix, to, toPrefix, invert, priority, tos, fwmark, fwmask, iif, oif,
                action, table, gotoTarget, protocol, ipProto, sport, dport, uidRange, suppressPrefix, noTrack, null);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(priority).append(':');
        if (invert) {
            b.append(" not");
        }
        b.append(" from ").append(from == null ? "all" : IpLiteral.format(from) + "/" + fromPrefix);
        if (to != null) {
            b.append(" to ").append(IpLiteral.format(to)).append('/').append(toPrefix);
        }
        if (fwmark >= 0) {
            b.append(" fwmark 0x").append(Long.toHexString(fwmark));
            if (fwmask >= 0) {
                b.append("/0x").append(Long.toHexString(fwmask));
            }
        }
        if (iif != null) {
            b.append(" iif ").append(iif);
        }
        if (oif != null) {
            b.append(" oif ").append(oif);
        }
        switch (action) {
            case FR_ACT_TO_TBL -> b.append(" lookup ").append(table);
            case FR_ACT_GOTO -> b.append(" goto ").append(gotoTarget);
            case FR_ACT_NOP -> b.append(" nop");
            case FR_ACT_BLACKHOLE -> b.append(" blackhole");
            case FR_ACT_UNREACHABLE -> b.append(" unreachable");
            case FR_ACT_PROHIBIT -> b.append(" prohibit");
            default -> b.append(" action ").append(action);
        }
        return b.toString();
    }
}
