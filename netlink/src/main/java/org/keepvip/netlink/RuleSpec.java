package org.keepvip.netlink;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One policy-routing rule to add or delete, in rtnetlink terms: what keepalived's netlink_rule
 * sends for a {@code static_rules} / {@code virtual_rules} line (keepalived/vrrp/vrrp_iprule.c).
 *
 * @param ipv6           the family
 * @param source         FRA_SRC, or empty for any
 * @param sourceLength   frh.src_len
 * @param destination    FRA_DST, or empty for any
 * @param destinationLength frh.dst_len
 * @param invert         FIB_RULE_INVERT ({@code not})
 * @param priority       FRA_PRIORITY
 * @param tos            frh.tos
 * @param fwmark         FRA_FWMARK, or -1
 * @param fwmask         FRA_FWMASK, or -1
 * @param iifname        FRA_IIFNAME, or empty
 * @param oifname        FRA_OIFNAME, or empty
 * @param action         FR_ACT_* (frh.action)
 * @param table          the table of FR_ACT_TO_TBL: frh.table up to 255, FRA_TABLE beyond
 * @param gotoTarget     FRA_GOTO of FR_ACT_GOTO
 * @param protocol       FRA_PROTOCOL, or -1
 * @param ipProto        FRA_IP_PROTO, or -1
 * @param sport          FRA_SPORT_RANGE {start, end}, or null
 * @param dport          FRA_DPORT_RANGE {start, end}, or null
 * @param uidRange       FRA_UID_RANGE {start, end}, or null
 * @param suppressPrefix FRA_SUPPRESS_PREFIXLEN, or -1
 */
public record RuleSpec(boolean ipv6, Optional<InetAddress> source, int sourceLength, Optional<InetAddress> destination,
                       int destinationLength, boolean invert, long priority, int tos, long fwmark, long fwmask,
                       Optional<String> iifname, Optional<String> oifname, int action, long table, long gotoTarget,
                       int protocol, int ipProto, int[] sport, int[] dport, long[] uidRange, long suppressPrefix) {
    public RuleSpec {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(iifname, "iifname");
        Objects.requireNonNull(oifname, "oifname");
        for (Optional<InetAddress> a : java.util.List.of(source, destination)) {
            if (a.isPresent() && (a.get() instanceof Inet6Address) != ipv6) {
                throw new IllegalArgumentException(Addresses.format(a.get()) + " is not of the rule's family");
            }
        }
        sport = sport == null ? null : sport.clone();
        dport = dport == null ? null : dport.clone();
        uidRange = uidRange == null ? null : uidRange.clone();
    }

    /** {@code from SOURCE/LEN lookup TABLE priority PRIORITY}, protocol 18, as keepalived adds it. */
    public static RuleSpec lookup(InetAddress source, int length, long table, long priority) {
        return new RuleSpec(source instanceof Inet6Address, Optional.of(source), length, Optional.empty(), 0, false,
                priority, 0, -1, -1, Optional.empty(), Optional.empty(), Rtnl.FR_ACT_TO_TBL, table, 0, 18, -1, null,
                null, null, -1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuleSpec r && toString().equals(r.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** "100: from 192.0.2.0/24 lookup 100", as ip rule prints it, with every field that is set. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(priority).append(':');
        if (invert) {
            b.append(" not");
        }
        b.append(" from ").append(source.map(a -> Addresses.format(a) + "/" + sourceLength).orElse("all"));
        destination.ifPresent(a -> b.append(" to ").append(Addresses.format(a)).append('/').append(destinationLength));
        if (tos != 0) {
            b.append(" tos ").append(tos);
        }
        if (fwmark >= 0) {
            b.append(" fwmark 0x").append(Long.toHexString(fwmark));
            if (fwmask >= 0) {
                b.append("/0x").append(Long.toHexString(fwmask));
            }
        }
        iifname.ifPresent(i -> b.append(" iif ").append(i));
        oifname.ifPresent(i -> b.append(" oif ").append(i));
        if (ipProto >= 0) {
            b.append(" ipproto ").append(ipProto);
        }
        if (sport != null) {
            b.append(" sport ").append(sport[0]).append('-').append(sport[1]);
        }
        if (dport != null) {
            b.append(" dport ").append(dport[0]).append('-').append(dport[1]);
        }
        if (uidRange != null) {
            b.append(" uidrange ").append(uidRange[0]).append('-').append(uidRange[1]);
        }
        if (suppressPrefix >= 0) {
            b.append(" suppress_prefixlength ").append(suppressPrefix);
        }
        if (protocol >= 0) {
            b.append(" proto ").append(protocol);
        }
        b.append(switch (action) {
            case Rtnl.FR_ACT_TO_TBL -> " lookup " + table;
            case Rtnl.FR_ACT_GOTO -> " goto " + gotoTarget;
            case 3 -> " nop";
            case 6 -> " blackhole";
            case 7 -> " unreachable";
            case 8 -> " prohibit";
            default -> " action " + action;
        });
        return b.toString();
    }
}
