package org.keepvip.vrrp.config;

import java.net.InetAddress;

/**
 * One {@code virtual_ipaddress} entry (keepalived/vrrp/vrrp_ipaddress.c, alloc_ipaddress):
 * {@code ADDR[/PREFIX] [dev IF] [brd IP|+|-] [scope S] [label L] [peer IP[/P]] [home] [-nodad]
 * [mngtmpaddr] [noprefixroute] [autojoin] [no_track] [preferred_lft N|forever]}.
 *
 * @param address       the address
 * @param prefixLength  the prefix (default /32 or /128)
 * @param device        the interface, or null for the instance's interface
 * @param broadcast     the broadcast address (IPv4), or null
 * @param scope         scope name (IPv4 only; default global)
 * @param label         address label (IPv4 only), or null
 * @param peer          the peer address of a point-to-point address, or null
 * @param peerPrefix    the peer's prefix length, or -1
 * @param home          IFA_F_HOMEADDRESS (IPv6)
 * @param nodad         skip duplicate address detection (IPv6; default on, {@code -nodad} turns it off)
 * @param mngtmpaddr    IFA_F_MANAGETEMPADDR (IPv6)
 * @param noPrefixRoute IFA_F_NOPREFIXROUTE
 * @param autojoin      IFA_F_MCAUTOJOIN
 * @param noTrack       deleting it from outside does not make the instance leave MASTER
 * @param preferredLft  preferred lifetime in seconds, -1 for forever (IPv6 /128 default: 0)
 * @param useVmac       {@code use_vmac}: the address goes on a macvlan of its own interface (as
 *                      {@code use_vmac_addr} does for every such address of the instance)
 * @param origin        where the entry was written
 */
public record VirtualIp(InetAddress address, int prefixLength, String device, InetAddress broadcast, String scope,
                        String label, InetAddress peer, int peerPrefix, boolean home, boolean nodad,
                        boolean mngtmpaddr, boolean noPrefixRoute, boolean autojoin, boolean noTrack,
                        long preferredLft, boolean useVmac, Origin origin) {
    public AddressFamily family() {
        return AddressFamily.of(address);
    }

    /** {@code ADDR/PREFIX}, the usual short form. */
    public String cidr() {
        return IpLiteral.format(address) + "/" + prefixLength;
    }
}
