package org.keepvip.vrrp.config;

import java.util.List;

/**
 * The nftables table that drops traffic to the VIPs of a MASTER in no-accept mode (RFC 5798
 * "Accept_Mode" false), as keepalived's {@code nftables}, {@code nftables_priority},
 * {@code nftables_counters} and {@code nftables_ifindex} set it up (keepalived/core/global_parser.c:
 * vrrp_nftables_handler() and the handlers after it; keepalived/vrrp/vrrp_nftables.c).
 *
 * @param table      the table's name, in families {@code ip} and {@code ip6}; null in
 *                   {@code global_defs} when no {@code nftables} keyword names one
 * @param priority   the base chains' hook priority (keepalived: -1)
 * @param counters   a {@code counter} in every rule
 * @param useIfindex IPv6 link-local VIPs are matched with the interface's index, never its name
 * @param origin     where it was configured, or where the first instance needing it is
 */
public record Firewall(String table, int priority, boolean counters, boolean useIfindex, Origin origin) {
    /** keepvip's table when none is named (keepalived's is {@code keepalived}). */
    public static final String DEFAULT_TABLE = "keepvip";
    /** keepalived's NFT_TABLE_MAXNAMELEN, the kernel's limit with its NUL. */
    public static final int MAX_TABLE_NAME = 256;
    /** Nothing configured: keepalived's defaults. */
    public static final Firewall NONE = new Firewall(null, -1, false, false, null);

    /**
     * The table this configuration needs, or null: the one configured, else the default one when
     * some instance neither owns its addresses (priority 255) nor accepts on them
     * (keepalived/vrrp/vrrp.c: vrrp_complete_instance() "no firewall configured - using nftables").
     */
    public static Firewall of(GlobalDefs global, List<InstanceSpec> instances) {
        Firewall f = global.firewall();
        if (f.table() != null) {
            return f;
        }
        return instances.stream().filter(Firewall::blocks).findFirst()
                .map(i -> new Firewall(DEFAULT_TABLE, f.priority(), f.counters(), f.useIfindex(), i.origin()))
                .orElse(null);
    }

    /** Whether {@code i} drops traffic to its VIPs while MASTER (keepalived: vrrp_handle_accept_mode()). */
    public static boolean blocks(InstanceSpec i) {
        return i.priority() != 255 && !i.accept();
    }
}
