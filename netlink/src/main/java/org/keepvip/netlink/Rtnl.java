package org.keepvip.netlink;

/** Constants from linux/netlink.h, linux/rtnetlink.h, linux/if_addr.h, linux/neighbour.h. */
public final class Rtnl {
    private Rtnl() {}

    // socket(2)
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    /** SO_RCVBUF beyond net.core.rmem_max; needs CAP_NET_ADMIN. */
    static final int SO_RCVBUFFORCE = 33;
    /** asm-generic value (x86, arm, arm64, riscv, s390); ppc, mips and sparc differ. */
    static final int SO_RCVTIMEO = 20;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_ADD_MEMBERSHIP = 1;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;

    // nlmsghdr types and flags
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_APPEND = 0x800;
    /** On NLMSG_ERROR: the echoed request was cut to its header (NETLINK_CAP_ACK). */
    public static final int NLM_F_CAPPED = 0x100;
    /** On NLMSG_ERROR: extended-ack attributes follow (NETLINK_EXT_ACK). */
    public static final int NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;

    // rtnetlink message types
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWRULE = 32;
    public static final int RTM_DELRULE = 33;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_DELNEIGH = 29;
    public static final int RTM_GETNEIGH = 30;

    // multicast groups (numbers for NETLINK_ADD_MEMBERSHIP)
    public static final int RTNLGRP_LINK = 1;
    public static final int RTNLGRP_IPV4_IFADDR = 5;
    public static final int RTNLGRP_IPV6_IFADDR = 9;
    public static final int RTNLGRP_IPV4_ROUTE = 7;
    public static final int RTNLGRP_IPV4_RULE = 8;
    public static final int RTNLGRP_IPV6_ROUTE = 11;
    public static final int RTNLGRP_IPV6_RULE = 19;

    // address families
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    // ifaddrmsg attributes and flags
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_LABEL = 3;
    public static final int IFA_BROADCAST = 4;
    public static final int IFA_CACHEINFO = 6;
    public static final int IFA_FLAGS = 8;
    public static final int IFA_F_SECONDARY = 0x01;
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_DADFAILED = 0x08;
    public static final int IFA_F_DEPRECATED = 0x20;
    public static final int IFA_F_TENTATIVE = 0x40;
    public static final int IFA_F_PERMANENT = 0x80;
    public static final int IFA_F_HOMEADDRESS = 0x10;
    public static final int IFA_F_MANAGETEMPADDR = 0x100;
    public static final int IFA_F_NOPREFIXROUTE = 0x200;
    public static final int IFA_F_MCAUTOJOIN = 0x400;
    /** Lifetime meaning "forever" in ifa_cacheinfo. */
    public static final int INFINITY_LIFE_TIME = 0xFFFFFFFF;

    // scopes (rtm_scope / ifa_scope)
    public static final int RT_SCOPE_UNIVERSE = 0;
    public static final int RT_SCOPE_SITE = 200;
    public static final int RT_SCOPE_LINK = 253;
    public static final int RT_SCOPE_HOST = 254;
    public static final int RT_SCOPE_NOWHERE = 255;

    // ifinfomsg attributes and flags
    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;
    public static final int IFLA_LINK = 5;
    /** The master an interface is enslaved to (a VRF, a bridge, a bond). */
    public static final int IFLA_MASTER = 10;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_AF_SPEC = 26;
    /** Inside IFLA_LINKINFO. */
    public static final int IFLA_INFO_KIND = 1;
    public static final int IFLA_INFO_DATA = 2;
    /** Inside IFLA_INFO_DATA of a macvlan. */
    public static final int IFLA_MACVLAN_MODE = 1;
    public static final int MACVLAN_MODE_PRIVATE = 1;
    /** Inside IFLA_INFO_DATA of an ipvlan (u16 each). */
    public static final int IFLA_IPVLAN_MODE = 1;
    public static final int IFLA_IPVLAN_FLAGS = 2;
    public static final int IPVLAN_MODE_L2 = 0;
    /** IFLA_IPVLAN_FLAGS: 0 is bridge. */
    public static final int IPVLAN_F_PRIVATE = 1;
    public static final int IPVLAN_F_VEPA = 2;
    /** Inside IFLA_INFO_DATA of a vrf: its routing table (u32). */
    public static final int IFLA_VRF_TABLE = 1;
    /** Inside IFLA_AF_SPEC / AF_INET: the u32 array of IPV4_DEVCONF_* values (index = param - 1). */
    public static final int IFLA_INET_CONF = 1;
    /** Inside IFLA_AF_SPEC / AF_INET6. */
    public static final int IFLA_INET6_ADDR_GEN_MODE = 8;
    public static final int IN6_ADDR_GEN_MODE_NONE = 1;
    // IPV4_DEVCONF_* (linux/ip.h), the parameters keepalived sets for a VMAC
    public static final int IPV4_DEVCONF_RP_FILTER = 8;
    public static final int IPV4_DEVCONF_ARPFILTER = 13;
    public static final int IPV4_DEVCONF_ARP_IGNORE = 19;
    public static final int IPV4_DEVCONF_PROMOTE_SECONDARIES = 20;
    public static final int IPV4_DEVCONF_ACCEPT_LOCAL = 23;
    public static final int IFF_UP = 0x1;
    public static final int IFF_BROADCAST = 0x2;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_NOARP = 0x80;
    public static final int IFF_MULTICAST = 0x1000;
    public static final int IFF_LOWER_UP = 0x10000;

    // rtmsg attributes
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_GATEWAY = 5;
    public static final int RTA_PREFSRC = 7;
    public static final int RTA_TABLE = 15;
    public static final int RTA_SRC = 2;
    public static final int RTA_PRIORITY = 6;
    public static final int RTN_UNICAST = 1;
    public static final int RTN_LOCAL = 2;
    public static final int RTNH_F_ONLINK = 4;
    /** rtm_table / frh.table when the table id goes in RTA_TABLE / FRA_TABLE (ids above 255). */
    public static final int RT_TABLE_UNSPEC = 0;

    // fib_rule_hdr attributes and flags (linux/fib_rules.h)
    public static final int FRA_DST = 1;
    public static final int FRA_SRC = 2;
    public static final int FRA_IIFNAME = 3;
    public static final int FRA_GOTO = 4;
    public static final int FRA_PRIORITY = 6;
    public static final int FRA_FWMARK = 10;
    public static final int FRA_SUPPRESS_PREFIXLEN = 14;
    public static final int FRA_TABLE = 15;
    public static final int FRA_FWMASK = 16;
    public static final int FRA_OIFNAME = 17;
    public static final int FRA_UID_RANGE = 20;
    public static final int FRA_PROTOCOL = 21;
    public static final int FRA_IP_PROTO = 22;
    public static final int FRA_SPORT_RANGE = 23;
    public static final int FRA_DPORT_RANGE = 24;
    public static final int FIB_RULE_INVERT = 0x2;
    public static final int FR_ACT_TO_TBL = 1;
    public static final int FR_ACT_GOTO = 2;

    // ndmsg attributes and states
    public static final int NDA_DST = 1;
    public static final int NDA_LLADDR = 2;
    /** ndm_flags: "use" the entry, which starts resolution like a queued packet would. */
    public static final int NTF_USE = 0x01;
    public static final int NUD_INCOMPLETE = 0x01;
    public static final int NUD_REACHABLE = 0x02;
    public static final int NUD_STALE = 0x04;
    public static final int NUD_DELAY = 0x08;
    public static final int NUD_PROBE = 0x10;
    public static final int NUD_FAILED = 0x20;
    public static final int NUD_NOARP = 0x40;
    public static final int NUD_PERMANENT = 0x80;
    /** States in which the entry's link-layer address can be used to send. */
    public static final int NUD_VALID = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE
            | NUD_STALE | NUD_DELAY;

    /** Aligns a netlink length to 4 bytes (NLMSG_ALIGN / RTA_ALIGN). */
    static int align(int len) {
        return (len + 3) & ~3;
    }

    /** A readable name for a message type, for logs and error messages. */
    public static String typeName(int type) {
        return switch (type) {
            case NLMSG_NOOP -> "NLMSG_NOOP";
            case NLMSG_ERROR -> "NLMSG_ERROR";
            case NLMSG_DONE -> "NLMSG_DONE";
            case RTM_NEWLINK -> "RTM_NEWLINK";
            case RTM_DELLINK -> "RTM_DELLINK";
            case RTM_GETLINK -> "RTM_GETLINK";
            case RTM_NEWADDR -> "RTM_NEWADDR";
            case RTM_DELADDR -> "RTM_DELADDR";
            case RTM_GETADDR -> "RTM_GETADDR";
            case RTM_NEWROUTE -> "RTM_NEWROUTE";
            case RTM_GETROUTE -> "RTM_GETROUTE";
            case RTM_NEWNEIGH -> "RTM_NEWNEIGH";
            case RTM_DELNEIGH -> "RTM_DELNEIGH";
            case RTM_GETNEIGH -> "RTM_GETNEIGH";
            case RTM_DELROUTE -> "RTM_DELROUTE";
            case RTM_NEWRULE -> "RTM_NEWRULE";
            case RTM_DELRULE -> "RTM_DELRULE";
            default -> "type " + type;
        };
    }
}
