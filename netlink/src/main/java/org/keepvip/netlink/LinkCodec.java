package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Builds the RTM_NEWLINK / RTM_DELLINK requests of a VMAC as keepalived's vrrp_vmac.c and
 * vrrp_if_config.c build them: a private-mode macvlan with a given MAC, its deletion, its link
 * state, IPv6 address generation off, and IPv4 devconf values. Pure, like {@link RtnlCodec}.
 */
public final class LinkCodec {
    private static final int MAX_REQUEST = 256;

    private LinkCodec() {}

    /**
     * Creates macvlan {@code name} on {@code parentIndex} in private mode with {@code mac}
     * (NLM_F_CREATE|NLM_F_EXCL; keepalived/vrrp/vrrp_vmac.c: netlink_link_add_vmac()). Attribute
     * order as keepalived's: IFLA_LINKINFO {kind, data {mode}}, IFLA_LINK, IFLA_IFNAME, IFLA_ADDRESS.
     */
    public static byte[] createMacvlan(String name, int parentIndex, byte[] mac, int seq) {
        return createMacvlan(name, parentIndex, mac, 0, seq);
    }

    /**
     * The same, enslaved to {@code masterIndex} when it is not 0: the VRF of its base interface
     * (keepalived/vrrp/vrrp_vmac.c: netlink_link_add_vmac(), IFLA_MASTER after IFLA_ADDRESS).
     */
    public static byte[] createMacvlan(String name, int parentIndex, byte[] mac, int masterIndex, int seq) {
        ByteBuffer bb = start(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, 0, 0, 0, seq);
        RtAttr.pack(bb, Rtnl.IFLA_LINKINFO, macvlanInfo());
        RtAttr.packU32(bb, Rtnl.IFLA_LINK, parentIndex);
        RtAttr.pack(bb, Rtnl.IFLA_IFNAME, name.getBytes(StandardCharsets.UTF_8));
        RtAttr.pack(bb, Rtnl.IFLA_ADDRESS, mac.clone());
        if (masterIndex != 0) {
            RtAttr.packU32(bb, Rtnl.IFLA_MASTER, masterIndex);
        }
        return finish(bb);
    }

    /**
     * Creates ipvlan {@code name} on {@code parentIndex}, up, in L2 mode with {@code flags} (0 bridge,
     * {@link Rtnl#IPVLAN_F_PRIVATE}, {@link Rtnl#IPVLAN_F_VEPA}), enslaved to {@code masterIndex}
     * when it is not 0 (keepalived/vrrp/vrrp_vmac.c: netlink_link_add_ipvlan(), its attribute order:
     * IFLA_LINK, IFLA_IFNAME, IFLA_LINKINFO {kind, data {mode, flags}}, IFLA_MASTER).
     */
    public static byte[] createIpvlan(String name, int parentIndex, int flags, int masterIndex, int seq) {
        ByteBuffer bb = start(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, 0, Rtnl.IFF_UP, Rtnl.IFF_UP, seq);
        RtAttr.packU32(bb, Rtnl.IFLA_LINK, parentIndex);
        RtAttr.pack(bb, Rtnl.IFLA_IFNAME, name.getBytes(StandardCharsets.UTF_8));
        ByteBuffer data = attrs();
        RtAttr.pack(data, Rtnl.IFLA_IPVLAN_MODE, u16(Rtnl.IPVLAN_MODE_L2));
        RtAttr.pack(data, Rtnl.IFLA_IPVLAN_FLAGS, u16(flags));
        ByteBuffer info = attrs();
        RtAttr.pack(info, Rtnl.IFLA_INFO_KIND, "ipvlan".getBytes(StandardCharsets.US_ASCII));
        RtAttr.pack(info, Rtnl.IFLA_INFO_DATA, bytes(data));
        RtAttr.pack(bb, Rtnl.IFLA_LINKINFO, bytes(info));
        if (masterIndex != 0) {
            RtAttr.packU32(bb, Rtnl.IFLA_MASTER, masterIndex);
        }
        return finish(bb);
    }

    private static byte[] u16(int v) {
        return ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) v).array();
    }

    /** Makes an existing macvlan private with {@code mac} (keepalived's "Update old VMAC interface"). */
    public static byte[] updateMacvlan(int ifindex, byte[] mac, int seq) {
        ByteBuffer bb = start(Rtnl.RTM_NEWLINK, 0, ifindex, 0, 0, seq);
        RtAttr.pack(bb, Rtnl.IFLA_LINKINFO, macvlanInfo());
        RtAttr.pack(bb, Rtnl.IFLA_ADDRESS, mac.clone());
        return finish(bb);
    }

    /**
     * Enslaves {@code ifindex} to {@code masterIndex}, or frees it with 0 (keepalived/vrrp/vrrp_vmac.c:
     * netlink_update_vrf(): a VMAC follows its base into or out of a VRF).
     */
    public static byte[] setMaster(int ifindex, int masterIndex, int seq) {
        ByteBuffer bb = start(Rtnl.RTM_NEWLINK, 0, ifindex, 0, 0, seq);
        RtAttr.packU32(bb, Rtnl.IFLA_MASTER, masterIndex);
        return finish(bb);
    }

    /** RTM_DELLINK of {@code ifindex}. */
    public static byte[] deleteLink(int ifindex, int seq) {
        return finish(start(Rtnl.RTM_DELLINK, 0, ifindex, 0, 0, seq));
    }

    /** Sets IFF_UP ({@code up}) or clears it, nothing else (keepalived: netlink_link_up()). */
    public static byte[] setUp(int ifindex, boolean up, int seq) {
        return finish(start(Rtnl.RTM_NEWLINK, 0, ifindex, up ? Rtnl.IFF_UP : 0, Rtnl.IFF_UP, seq));
    }

    /**
     * IFLA_AF_SPEC {AF_INET6 {IFLA_INET6_ADDR_GEN_MODE = NONE}}: no EUI-64 link-local address on
     * the macvlan (RFC 5798 7.4; keepalived sets it before bringing the link up).
     */
    public static byte[] addrGenModeNone(int ifindex, int seq) {
        ByteBuffer bb = start(Rtnl.RTM_NEWLINK, 0, ifindex, 0, 0, seq);
        ByteBuffer inet6 = attrs();
        RtAttr.pack(inet6, Rtnl.IFLA_INET6_ADDR_GEN_MODE, new byte[] {(byte) Rtnl.IN6_ADDR_GEN_MODE_NONE});
        ByteBuffer spec = attrs();
        RtAttr.pack(spec, Rtnl.AF_INET6, bytes(inet6));
        RtAttr.pack(bb, Rtnl.IFLA_AF_SPEC, bytes(spec));
        return finish(bb);
    }

    /**
     * IFLA_AF_SPEC {AF_INET {IFLA_INET_CONF {param: u32 value, ...}}}: what keepalived's
     * netlink_set_interface_flags() sends to set arp_ignore, arp_filter, rp_filter, ... of one interface.
     */
    public static byte[] ipv4Conf(int ifindex, Map<Integer, Integer> values, int seq) {
        ByteBuffer bb = start(Rtnl.RTM_NEWLINK, 0, ifindex, 0, 0, seq);
        ByteBuffer conf = attrs();
        values.forEach((param, value) -> RtAttr.packU32(conf, param, value));
        ByteBuffer inet = attrs();
        RtAttr.pack(inet, Rtnl.IFLA_INET_CONF, bytes(conf));
        ByteBuffer spec = attrs();
        RtAttr.pack(spec, Rtnl.AF_INET, bytes(inet));
        RtAttr.pack(bb, Rtnl.IFLA_AF_SPEC, bytes(spec));
        return finish(bb);
    }

    private static byte[] macvlanInfo() {
        ByteBuffer data = attrs();
        RtAttr.packU32(data, Rtnl.IFLA_MACVLAN_MODE, Rtnl.MACVLAN_MODE_PRIVATE);
        ByteBuffer info = attrs();
        RtAttr.pack(info, Rtnl.IFLA_INFO_KIND, "macvlan".getBytes(StandardCharsets.US_ASCII));
        RtAttr.pack(info, Rtnl.IFLA_INFO_DATA, bytes(data));
        return bytes(info);
    }

    private static ByteBuffer start(int type, int extraFlags, int ifindex, int ifFlags, int change, int seq) {
        ByteBuffer bb = ByteBuffer.allocate(MAX_REQUEST).order(ByteOrder.nativeOrder());
        new NlMsgHdr(0, type, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | extraFlags, seq, 0).pack(bb);
        new IfInfoMsg(Rtnl.AF_UNSPEC, 0, ifindex, ifFlags, change).pack(bb);
        return bb;
    }

    private static ByteBuffer attrs() {
        return ByteBuffer.allocate(MAX_REQUEST).order(ByteOrder.nativeOrder());
    }

    private static byte[] bytes(ByteBuffer bb) {
        return Arrays.copyOf(bb.array(), bb.position());
    }

    private static byte[] finish(ByteBuffer bb) {
        int len = bb.position();
        bb.putInt(0, len);
        return Arrays.copyOf(bb.array(), len);
    }
}
