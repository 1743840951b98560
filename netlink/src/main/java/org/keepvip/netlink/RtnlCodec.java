package org.keepvip.netlink;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * Builds rtnetlink requests and decodes replies. Pure: no sockets, so every byte is testable
 * without root. Decoders return empty on truncated or inconsistent input and never throw.
 */
public final class RtnlCodec {
    private static final int MAX_REQUEST = 512;
    /** sizeof(struct ifa_cacheinfo): preferred, valid, cstamp, tstamp. */
    private static final int CACHEINFO_SIZE = 16;

    private RtnlCodec() {}

    /**
     * RTM_NEWADDR (add) or RTM_DELADDR (delete) for {@code vip} on {@code ifindex}, as keepalived's
     * netlink_ipaddress builds it: NLM_F_REQUEST|NLM_F_ACK, no CREATE/EXCL/REPLACE. Attribute order:
     * IFA_LOCAL, IFA_ADDRESS (IPv4; and on delete), IFA_BROADCAST (IPv4 add), IFA_LABEL (IPv4 add),
     * IFA_CACHEINFO (IPv6 add, or IPv4 with an explicit preferred_lft), IFA_FLAGS (if any).
     */
    public static byte[] addressRequest(boolean add, VipSpec vip, int ifindex, int seq) {
        ByteBuffer bb = newRequest();
        int type = add ? Rtnl.RTM_NEWADDR : Rtnl.RTM_DELADDR;
        new NlMsgHdr(0, type, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, seq, 0).pack(bb);
        boolean v6 = vip.isIpv6();
        int flags = (v6 && vip.nodad() ? Rtnl.IFA_F_NODAD : 0) | vip.flags();
        // keepalived ignores scope for IPv6; the kernel derives it from the address.
        int scope = v6 ? Rtnl.RT_SCOPE_UNIVERSE : vip.scope();
        new IfAddrMsg(v6 ? Rtnl.AF_INET6 : Rtnl.AF_INET, vip.prefixLength(), flags & 0xFF, scope, ifindex).pack(bb);
        byte[] addr = vip.address().getAddress();
        RtAttr.pack(bb, Rtnl.IFA_LOCAL, addr);
        if (vip.peer().isPresent()) {
            // The point-to-point peer, on delete too: an IPv4 delete matches IFA_ADDRESS against the
            // address's own, which is the peer's (net/ipv4/devinet.c, inet_rtm_deladdr()).
            RtAttr.pack(bb, Rtnl.IFA_ADDRESS, vip.peer().get().getAddress());
        } else if (!v6 || !add) {
            // IPv4: IFA_ADDRESS == IFA_LOCAL means "no peer". IPv6 add: IFA_ADDRESS would mean a peer.
            RtAttr.pack(bb, Rtnl.IFA_ADDRESS, addr);
        }
        if (add) {
            if (!v6) {
                vip.broadcast().ifPresent(b -> RtAttr.pack(bb, Rtnl.IFA_BROADCAST, b.getAddress()));
                vip.label().ifPresent(l -> RtAttr.packString(bb, Rtnl.IFA_LABEL, l));
            }
            if (v6 || vip.preferredLifetime().isPresent()) {
                int preferred = vip.preferredLifetime()
                        .orElse(v6 && vip.prefixLength() == 128 ? 0 : Rtnl.INFINITY_LIFE_TIME);
                ByteBuffer ci = ByteBuffer.allocate(CACHEINFO_SIZE).order(ByteOrder.nativeOrder());
                ci.putInt(preferred).putInt(Rtnl.INFINITY_LIFE_TIME).putInt(0).putInt(0);
                RtAttr.pack(bb, Rtnl.IFA_CACHEINFO, ci.array());
            }
        }
        if (flags != 0) {
            RtAttr.packU32(bb, Rtnl.IFA_FLAGS, flags);
        }
        return finish(bb);
    }

    /** RTM_GETLINK dump of every interface. */
    public static byte[] linkDumpRequest(int seq) {
        ByteBuffer bb = newRequest();
        new NlMsgHdr(0, Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, seq, 0).pack(bb);
        new IfInfoMsg(Rtnl.AF_UNSPEC, 0, 0, 0, 0).pack(bb);
        return finish(bb);
    }

    /** RTM_GETADDR dump of every address of {@code family} (AF_UNSPEC for both). */
    public static byte[] addressDumpRequest(int family, int seq) {
        ByteBuffer bb = newRequest();
        new NlMsgHdr(0, Rtnl.RTM_GETADDR, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, seq, 0).pack(bb);
        new IfAddrMsg(family, 0, 0, 0, 0).pack(bb);
        return finish(bb);
    }

    /** RTM_GETNEIGH dump of the neighbour table of {@code family}. */
    public static byte[] neighbourDumpRequest(int family, int seq) {
        ByteBuffer bb = newRequest();
        new NlMsgHdr(0, Rtnl.RTM_GETNEIGH, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP, seq, 0).pack(bb);
        new NdMsg(family, 0, 0, 0, 0).pack(bb);
        return finish(bb);
    }

    /**
     * RTM_GETNEIGH for one entry (not a dump; kernel 4.18+): {@code address} on {@code ifindex}.
     * The kernel answers RTM_NEWNEIGH, or NLMSG_ERROR ENOENT when there is no entry.
     */
    public static byte[] neighbourGetRequest(int ifindex, InetAddress address, int seq) {
        ByteBuffer bb = newRequest();
        new NlMsgHdr(0, Rtnl.RTM_GETNEIGH, Rtnl.NLM_F_REQUEST, seq, 0).pack(bb);
        new NdMsg(familyOf(address), ifindex, 0, 0, 0).pack(bb);
        RtAttr.pack(bb, Rtnl.NDA_DST, address.getAddress());
        return finish(bb);
    }

    /**
     * RTM_NEWNEIGH with NTF_USE for {@code address} on {@code ifindex}: the kernel treats the entry
     * as used by a packet, creating it if needed (NLM_F_CREATE) and starting ARP/ND resolution. The
     * same request as {@code ip neigh replace ADDR dev DEV use}.
     */
    public static byte[] neighbourUseRequest(int ifindex, InetAddress address, int seq) {
        ByteBuffer bb = newRequest();
        new NlMsgHdr(0, Rtnl.RTM_NEWNEIGH,
                Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE, seq, 0).pack(bb);
        new NdMsg(familyOf(address), ifindex, Rtnl.NUD_INCOMPLETE, Rtnl.NTF_USE, 0).pack(bb);
        RtAttr.pack(bb, Rtnl.NDA_DST, address.getAddress());
        return finish(bb);
    }

    /**
     * RTM_GETROUTE for one destination (a route lookup, not a dump). {@code oif} > 0 pins the
     * output interface, which a link-local IPv6 destination needs.
     */
    public static byte[] routeRequest(InetAddress destination, int oif, int seq) {
        ByteBuffer bb = newRequest();
        new NlMsgHdr(0, Rtnl.RTM_GETROUTE, Rtnl.NLM_F_REQUEST, seq, 0).pack(bb);
        boolean v6 = destination instanceof Inet6Address;
        new RtMsg(v6 ? Rtnl.AF_INET6 : Rtnl.AF_INET, v6 ? 128 : 32, 0, 0, 0, 0, 0, 0, 0).pack(bb);
        RtAttr.pack(bb, Rtnl.RTA_DST, destination.getAddress());
        if (oif > 0) {
            RtAttr.packU32(bb, Rtnl.RTA_OIF, oif);
        }
        return finish(bb);
    }

    /**
     * RTM_NEWROUTE (add) or RTM_DELROUTE (delete) as keepalived's netlink_route builds it: add with
     * NLM_F_CREATE (plus EXCL or APPEND as written), scope universe unless given; delete with scope
     * nowhere unless given and the type only if it was written, so the kernel matches any other.
     * Attribute order: RTA_TABLE (ids above 255), RTA_DST, RTA_SRC, RTA_PREFSRC, RTA_GATEWAY,
     * RTA_OIF, RTA_PRIORITY.
     */
    public static byte[] routeChangeRequest(boolean add, RouteSpec r, int oif, int seq) {
        ByteBuffer bb = newRequest();
        int flags = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | (add ? Rtnl.NLM_F_CREATE | r.createFlags() : 0);
        new NlMsgHdr(0, add ? Rtnl.RTM_NEWROUTE : Rtnl.RTM_DELROUTE, flags, seq, 0).pack(bb);
        int table = r.table() < 256 ? (int) r.table() : Rtnl.RT_TABLE_UNSPEC;
        int scope = r.scope() >= 0 ? r.scope() : add ? Rtnl.RT_SCOPE_UNIVERSE : Rtnl.RT_SCOPE_NOWHERE;
        int type = add || r.typeOnDelete() ? r.type() : 0;
        new RtMsg(r.ipv6() ? Rtnl.AF_INET6 : Rtnl.AF_INET, r.destination().isPresent() ? r.destinationLength() : 0,
                r.source().isPresent() ? r.sourceLength() : 0, Math.max(0, r.tos()), table, r.protocol(), scope, type,
                r.onlink() ? Rtnl.RTNH_F_ONLINK : 0).pack(bb);
        if (r.table() >= 256) {
            RtAttr.packU32(bb, Rtnl.RTA_TABLE, (int) r.table());
        }
        r.destination().ifPresent(a -> RtAttr.pack(bb, Rtnl.RTA_DST, a.getAddress()));
        r.source().ifPresent(a -> RtAttr.pack(bb, Rtnl.RTA_SRC, a.getAddress()));
        r.preferredSource().ifPresent(a -> RtAttr.pack(bb, Rtnl.RTA_PREFSRC, a.getAddress()));
        r.gateway().ifPresent(a -> RtAttr.pack(bb, Rtnl.RTA_GATEWAY, a.getAddress()));
        if (oif > 0) {
            RtAttr.packU32(bb, Rtnl.RTA_OIF, oif);
        }
        if (r.metric() >= 0) {
            RtAttr.packU32(bb, Rtnl.RTA_PRIORITY, (int) r.metric());
        }
        return finish(bb);
    }

    /**
     * RTM_NEWRULE (add, NLM_F_CREATE|NLM_F_EXCL) or RTM_DELRULE (delete) as keepalived's netlink_rule
     * builds it: a fib_rule_hdr (laid out as rtmsg: family, dst_len, src_len, tos, table, two reserved
     * bytes, action, flags), then FRA_TABLE (ids above 255), FRA_SRC, FRA_DST, FRA_PRIORITY, FRA_FWMARK,
     * FRA_FWMASK, FRA_SUPPRESS_PREFIXLEN, FRA_IIFNAME, FRA_OIFNAME, FRA_UID_RANGE, FRA_PROTOCOL,
     * FRA_IP_PROTO, FRA_SPORT_RANGE, FRA_DPORT_RANGE, FRA_GOTO.
     */
    public static byte[] ruleChangeRequest(boolean add, RuleSpec r, int seq) {
        ByteBuffer bb = newRequest();
        int flags = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | (add ? Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL : 0);
        new NlMsgHdr(0, add ? Rtnl.RTM_NEWRULE : Rtnl.RTM_DELRULE, flags, seq, 0).pack(bb);
        int table = r.action() != Rtnl.FR_ACT_TO_TBL ? 0 : r.table() < 256 ? (int) r.table() : Rtnl.RT_TABLE_UNSPEC;
        bb.put((byte) (r.ipv6() ? Rtnl.AF_INET6 : Rtnl.AF_INET))
                .put((byte) (r.destination().isPresent() ? r.destinationLength() : 0))
                .put((byte) (r.source().isPresent() ? r.sourceLength() : 0))
                .put((byte) r.tos()).put((byte) table).put((byte) 0).put((byte) 0).put((byte) r.action())
                .putInt(r.invert() ? Rtnl.FIB_RULE_INVERT : 0);
        if (r.action() == Rtnl.FR_ACT_TO_TBL && r.table() >= 256) {
            RtAttr.packU32(bb, Rtnl.FRA_TABLE, (int) r.table());
        }
        r.source().ifPresent(a -> RtAttr.pack(bb, Rtnl.FRA_SRC, a.getAddress()));
        r.destination().ifPresent(a -> RtAttr.pack(bb, Rtnl.FRA_DST, a.getAddress()));
        RtAttr.packU32(bb, Rtnl.FRA_PRIORITY, (int) r.priority());
        if (r.fwmark() >= 0) {
            RtAttr.packU32(bb, Rtnl.FRA_FWMARK, (int) r.fwmark());
        }
        if (r.fwmask() >= 0) {
            RtAttr.packU32(bb, Rtnl.FRA_FWMASK, (int) r.fwmask());
        }
        if (r.suppressPrefix() >= 0) {
            RtAttr.packU32(bb, Rtnl.FRA_SUPPRESS_PREFIXLEN, (int) r.suppressPrefix());
        }
        r.iifname().ifPresent(n -> RtAttr.packString(bb, Rtnl.FRA_IIFNAME, n));
        r.oifname().ifPresent(n -> RtAttr.packString(bb, Rtnl.FRA_OIFNAME, n));
        if (r.uidRange() != null) {
            ByteBuffer u = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            u.putInt((int) r.uidRange()[0]).putInt((int) r.uidRange()[1]);
            RtAttr.pack(bb, Rtnl.FRA_UID_RANGE, u.array());
        }
        if (r.protocol() >= 0) {
            RtAttr.pack(bb, Rtnl.FRA_PROTOCOL, new byte[] {(byte) r.protocol()});
        }
        if (r.ipProto() >= 0) {
            RtAttr.pack(bb, Rtnl.FRA_IP_PROTO, new byte[] {(byte) r.ipProto()});
        }
        if (r.sport() != null) {
            RtAttr.pack(bb, Rtnl.FRA_SPORT_RANGE, portRange(r.sport()));
        }
        if (r.dport() != null) {
            RtAttr.pack(bb, Rtnl.FRA_DPORT_RANGE, portRange(r.dport()));
        }
        if (r.action() == Rtnl.FR_ACT_GOTO) {
            RtAttr.packU32(bb, Rtnl.FRA_GOTO, (int) r.gotoTarget());
        }
        return finish(bb);
    }

    /** struct fib_rule_port_range: u16 start, u16 end, host order. */
    private static byte[] portRange(int[] range) {
        ByteBuffer p = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        p.putShort((short) range[0]).putShort((short) range[1]);
        return p.array();
    }

    /** Decodes an RTM_NEWLINK / RTM_DELLINK body. Empty if truncated or nameless. */
    public static Optional<Link> link(ByteBuffer body) {
        ByteBuffer bb = body.duplicate().order(ByteOrder.nativeOrder());
        Optional<IfInfoMsg> ifi = IfInfoMsg.parse(bb);
        if (ifi.isEmpty()) {
            return Optional.empty();
        }
        Attributes a = Attributes.parse(bb);
        Optional<String> name = a.string(Rtnl.IFLA_IFNAME);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Optional<MacAddress> mac = a.bytes(Rtnl.IFLA_ADDRESS).filter(m -> m.length == 6).map(MacAddress::of);
        Attributes info = nested(a, Rtnl.IFLA_LINKINFO);
        String kind = info.string(Rtnl.IFLA_INFO_KIND).orElse("");
        Attributes data = nested(info, Rtnl.IFLA_INFO_DATA);
        int mode = kind.equals("macvlan") ? data.u32(Rtnl.IFLA_MACVLAN_MODE).orElse(0) : 0;
        boolean ipvlan = kind.equals("ipvlan");
        int ipvlanMode = ipvlan ? data.u16(Rtnl.IFLA_IPVLAN_MODE).orElse(0) : -1;
        int ipvlanFlags = ipvlan ? data.u16(Rtnl.IFLA_IPVLAN_FLAGS).orElse(0) : 0;
        long vrfTable = kind.equals("vrf") ? Integer.toUnsignedLong(data.u32(Rtnl.IFLA_VRF_TABLE).orElse(0)) : 0;
        byte[] conf = nested(nested(a, Rtnl.IFLA_AF_SPEC), Rtnl.AF_INET).bytes(Rtnl.IFLA_INET_CONF).orElse(new byte[0]);
        ByteBuffer cb = ByteBuffer.wrap(conf).order(ByteOrder.nativeOrder());
        java.util.List<Integer> ipv4Conf = new java.util.ArrayList<>();
        while (cb.remaining() >= 4) {
            ipv4Conf.add(cb.getInt());
        }
        return Optional.of(new Link(ifi.get().ifindex(), name.get(), ifi.get().flags(), mac,
                a.u32(Rtnl.IFLA_MTU).orElse(0), kind, a.u32(Rtnl.IFLA_LINK).orElse(0), mode, ipv4Conf,
                a.u32(Rtnl.IFLA_MASTER).orElse(0), ipvlanMode, ipvlanFlags, vrfTable));
    }

    /** The attributes nested in attribute {@code type} of {@code outer}; none if it is absent. */
    private static Attributes nested(Attributes outer, int type) {
        return Attributes.parse(ByteBuffer.wrap(outer.bytes(type).orElse(new byte[0])).order(ByteOrder.nativeOrder()));
    }

    /** Decodes an RTM_NEWADDR / RTM_DELADDR body. Empty if truncated or without an address. */
    public static Optional<IfAddress> address(ByteBuffer body) {
        ByteBuffer bb = body.duplicate().order(ByteOrder.nativeOrder());
        Optional<IfAddrMsg> ifa = IfAddrMsg.parse(bb);
        if (ifa.isEmpty()) {
            return Optional.empty();
        }
        Attributes a = Attributes.parse(bb);
        Optional<InetAddress> addr = a.address(Rtnl.IFA_LOCAL).or(() -> a.address(Rtnl.IFA_ADDRESS));
        if (addr.isEmpty() || !familyMatches(ifa.get().family(), addr.get())) {
            return Optional.empty();
        }
        int flags = a.u32(Rtnl.IFA_FLAGS).orElse(ifa.get().flags());
        return Optional.of(new IfAddress(ifa.get().ifindex(), addr.get(), ifa.get().prefixLength(),
                ifa.get().scope(), flags, a.string(Rtnl.IFA_LABEL)));
    }

    /** Decodes an RTM_NEWROUTE reply to {@link #routeRequest}. Empty if truncated or without RTA_OIF. */
    public static Optional<Route> route(ByteBuffer body, InetAddress destination) {
        ByteBuffer bb = body.duplicate().order(ByteOrder.nativeOrder());
        Optional<RtMsg> rtm = RtMsg.parse(bb);
        if (rtm.isEmpty()) {
            return Optional.empty();
        }
        Attributes a = Attributes.parse(bb);
        Optional<Integer> oif = a.u32(Rtnl.RTA_OIF);
        if (oif.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Route(destination, oif.get(), a.address(Rtnl.RTA_GATEWAY),
                a.address(Rtnl.RTA_PREFSRC), rtm.get().type()));
    }

    /** Decodes an RTM_DELROUTE body; empty if truncated or not IPv4/IPv6. */
    public static Optional<NetlinkEvent> removedRoute(ByteBuffer body) {
        ByteBuffer bb = body.duplicate().order(ByteOrder.nativeOrder());
        Optional<RtMsg> rtm = RtMsg.parse(bb);
        if (rtm.isEmpty() || (rtm.get().family() != Rtnl.AF_INET && rtm.get().family() != Rtnl.AF_INET6)) {
            return Optional.empty();
        }
        RtMsg h = rtm.get();
        Attributes a = Attributes.parse(bb);
        return Optional.of(new NetlinkEvent.RouteRemoved(h.family(), h.dstLength(), h.tos(),
                a.u32(Rtnl.RTA_TABLE).map(Integer::toUnsignedLong).orElse((long) h.table()), h.protocol(),
                a.address(Rtnl.RTA_DST), a.u32(Rtnl.RTA_OIF).orElse(0),
                a.u32(Rtnl.RTA_PRIORITY).map(Integer::toUnsignedLong).orElse(0L)));
    }

    /**
     * Decodes an RTM_DELRULE body (struct fib_rule_hdr: u8 family, dst_len, src_len, tos, table,
     * res1, res2, action; u32 flags); empty if truncated or not IPv4/IPv6.
     */
    public static Optional<NetlinkEvent> removedRule(ByteBuffer body) {
        ByteBuffer bb = body.duplicate().order(ByteOrder.nativeOrder());
        if (bb.remaining() < 12) {
            return Optional.empty();
        }
        int family = bb.get() & 0xFF;
        int dstLen = bb.get() & 0xFF;
        int srcLen = bb.get() & 0xFF;
        int tos = bb.get() & 0xFF;
        int table = bb.get() & 0xFF;
        bb.get();
        bb.get();
        int action = bb.get() & 0xFF;
        int flags = bb.getInt();
        if (family != Rtnl.AF_INET && family != Rtnl.AF_INET6) {
            return Optional.empty();
        }
        Attributes a = Attributes.parse(bb);
        return Optional.of(new NetlinkEvent.RuleRemoved(family,
                a.u32(Rtnl.FRA_PRIORITY).map(Integer::toUnsignedLong).orElse(-1L), action,
                a.u32(Rtnl.FRA_TABLE).map(Integer::toUnsignedLong).orElse((long) table),
                a.bytes(Rtnl.FRA_PROTOCOL).filter(b -> b.length > 0).map(b -> b[0] & 0xFF).orElse(-1), tos,
                (flags & Rtnl.FIB_RULE_INVERT) != 0, a.address(Rtnl.FRA_SRC), srcLen, a.address(Rtnl.FRA_DST), dstLen,
                a.string(Rtnl.FRA_IIFNAME), a.string(Rtnl.FRA_OIFNAME),
                a.u32(Rtnl.FRA_FWMARK).map(Integer::toUnsignedLong).orElse(-1L),
                a.u32(Rtnl.FRA_FWMASK).map(Integer::toUnsignedLong).orElse(-1L)));
    }

    /** Decodes an RTM_NEWNEIGH body. Empty if truncated or without NDA_DST. */
    public static Optional<Neighbour> neighbour(ByteBuffer body) {
        ByteBuffer bb = body.duplicate().order(ByteOrder.nativeOrder());
        Optional<NdMsg> nd = NdMsg.parse(bb);
        if (nd.isEmpty()) {
            return Optional.empty();
        }
        Attributes a = Attributes.parse(bb);
        Optional<InetAddress> dst = a.address(Rtnl.NDA_DST);
        if (dst.isEmpty()) {
            return Optional.empty();
        }
        Optional<MacAddress> mac = a.bytes(Rtnl.NDA_LLADDR).filter(m -> m.length == 6).map(MacAddress::of);
        return Optional.of(new Neighbour(nd.get().ifindex(), dst.get(), mac, nd.get().state()));
    }

    /** True if two addresses are equal ignoring any IPv6 scope id. */
    static boolean sameAddress(InetAddress a, InetAddress b) {
        return Arrays.equals(a.getAddress(), b.getAddress());
    }

    private static int familyOf(InetAddress a) {
        return a instanceof Inet6Address ? Rtnl.AF_INET6 : Rtnl.AF_INET;
    }

    private static boolean familyMatches(int family, InetAddress addr) {
        return family == Rtnl.AF_INET ? addr instanceof Inet4Address
                : family == Rtnl.AF_INET6 && addr instanceof Inet6Address;
    }

    private static ByteBuffer newRequest() {
        return ByteBuffer.allocate(MAX_REQUEST).order(ByteOrder.nativeOrder());
    }

    /** Writes the total length into nlmsg_len and returns the message bytes. */
    private static byte[] finish(ByteBuffer bb) {
        int len = bb.position();
        bb.putInt(0, len);
        return Arrays.copyOf(bb.array(), len);
    }
}
