package org.keepvip.agent.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.firewall.NftElement.NftSet;

/** The commands that build and fill keepalived's table, and when each part is built. */
class NftScriptTest {
    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static NftElement v(String address) {
        return NftElement.of(ip(address), "eth0", 2, false, "eth0", false, false);
    }

    @Test
    void theFirstIpv4AddressBuildsTableChainsSetAndRulesInTheSameBatch() {
        NftScript s = new NftScript("keepvip", -1, false);
        NftScript.Change first = s.block(List.of(v("192.0.2.10"), v("192.0.2.11")));
        assertThat(first.commands()).isEqualTo("""
                add table ip keepvip
                add chain ip keepvip out { type filter hook output priority -1; policy accept; }
                add chain ip keepvip in { type filter hook input priority -1; policy accept; }
                add set ip keepvip vips { type ipv4_addr; }
                add rule ip keepvip in ip daddr @vips drop
                add rule ip keepvip out ip saddr @vips drop
                add element ip keepvip vips { 192.0.2.10, 192.0.2.11 }
                """);
        first.done();
        assertThat(s.block(List.of(v("192.0.2.10"), v("192.0.2.12"))).commands())
                .isEqualTo("add element ip keepvip vips { 192.0.2.12 }\n");
    }

    @Test
    void aRefusedBatchIsBuiltAgainNextTime() {
        NftScript s = new NftScript("t", 5, true);
        String once = s.block(List.of(v("192.0.2.10"))).commands(); // not done(): the kernel refused it
        assertThat(s.block(List.of(v("192.0.2.10"))).commands()).isEqualTo(once)
                .contains("priority 5;", "ip daddr @vips counter drop", "ip saddr @vips counter drop");
    }

    @Test
    void ipv6BuildsNeighbourDiscoveryAndLinkLocalChainsAndTheLinkLocalSetOnFirstUse() {
        NftScript s = new NftScript("keepvip", -1, true);
        NftScript.Change c = s.block(List.of(v("2001:db8::10"), v("fe80::10")));
        assertThat(c.commands()).isEqualTo("""
                add table ip6 keepvip
                add chain ip6 keepvip out { type filter hook output priority -1; policy accept; }
                add chain ip6 keepvip in { type filter hook input priority -1; policy accept; }
                add chain ip6 keepvip in_link_local
                add chain ip6 keepvip out_link_local
                add set ip6 keepvip vips { type ipv6_addr; }
                add set ip6 keepvip neighbor-discovery { type icmpv6_type; flags constant; elements = { nd-neighbor-solicit, nd-neighbor-advert }; }
                add rule ip6 keepvip in ip6 nexthdr icmpv6 icmpv6 type @neighbor-discovery counter accept
                add rule ip6 keepvip in ip6 daddr fe80::/10 counter goto in_link_local
                add rule ip6 keepvip out ip6 nexthdr icmpv6 icmpv6 type @neighbor-discovery counter accept
                add rule ip6 keepvip out ip6 saddr fe80::/10 counter goto out_link_local
                add rule ip6 keepvip in ip6 daddr @vips counter drop
                add rule ip6 keepvip out ip6 saddr @vips counter drop
                add set ip6 keepvip vips_link_local { type ipv6_addr . iface_index; }
                add rule ip6 keepvip in_link_local ip6 daddr . iif @vips_link_local counter drop
                add rule ip6 keepvip out_link_local ip6 saddr . oif @vips_link_local counter drop
                add element ip6 keepvip vips { 2001:db8:0:0:0:0:0:10 }
                add element ip6 keepvip vips_link_local { fe80:0:0:0:0:0:0:10 . 2 }
                """);
        c.done();
        NftElement byName = NftElement.of(ip("fe80::11"), "vrrp.1", 7, false, "vrrp.1", true, false);
        assertThat(byName.set()).isEqualTo(NftSet.LINK_LOCAL_NAME);
        assertThat(s.block(List.of(byName)).commands()).isEqualTo("""
                add set ip6 keepvip vips_link_local_name { type ipv6_addr . ifname; }
                add rule ip6 keepvip in_link_local ip6 daddr . iifname @vips_link_local_name counter drop
                add rule ip6 keepvip out_link_local ip6 saddr . oifname @vips_link_local_name counter drop
                add element ip6 keepvip vips_link_local_name { fe80:0:0:0:0:0:0:11 . "vrrp.1" }
                """);
    }

    @Test
    void linkLocalByNameOnlyWithDontTrackPrimaryOnTheInstancesInterfaceOrNoTrackAndWithoutIfindex() {
        assertThat(NftElement.of(ip("fe80::1"), "eth0", 2, false, "eth0", true, false).set())
                .isEqualTo(NftSet.LINK_LOCAL_NAME);
        assertThat(NftElement.of(ip("fe80::1"), "eth1", 3, true, "eth0", true, false).set())
                .isEqualTo(NftSet.LINK_LOCAL_NAME);
        assertThat(NftElement.of(ip("fe80::1"), "eth1", 3, false, "eth0", true, false).set())
                .isEqualTo(NftSet.LINK_LOCAL);
        assertThat(NftElement.of(ip("fe80::1"), "eth0", 2, false, "eth0", false, false).set())
                .isEqualTo(NftSet.LINK_LOCAL);
        assertThat(NftElement.of(ip("fe80::1"), "eth0", 2, false, "eth0", true, true).set())
                .isEqualTo(NftSet.LINK_LOCAL);
        assertThat(NftElement.of(ip("192.0.2.1"), "eth0", 2, true, "eth0", true, false).set()).isEqualTo(NftSet.VIPS4);
    }

    @Test
    void unblockDeletesOnlyWhatIsInTheSetsAsItWasPutIn() {
        NftScript s = new NftScript("keepvip", -1, false);
        s.block(List.of(v("192.0.2.10"), v("fe80::10"))).done();
        NftElement sameAddressNewIndex = NftElement.of(ip("fe80::10"), "eth0", 9, false, "eth0", false, false);
        NftScript.Change del = s.unblock(List.of(v("192.0.2.10"), v("192.0.2.99"), sameAddressNewIndex));
        assertThat(del.commands()).isEqualTo("""
                delete element ip keepvip vips { 192.0.2.10 }
                delete element ip6 keepvip vips_link_local { fe80:0:0:0:0:0:0:10 . 2 }
                """);
        del.done();
        assertThat(s.unblock(List.of(v("192.0.2.10"))).isEmpty()).isTrue();
        assertThat(s.blocked(v("192.0.2.10"))).isFalse();
    }

    @Test
    void exitDropsTheTablesBuiltAndStartDropsBothWhetherThereOrNot() {
        NftScript s = new NftScript("keepvip", -1, false);
        assertThat(s.dropAll().isEmpty()).isTrue();
        s.block(List.of(v("192.0.2.10"))).done();
        assertThat(s.dropAll().commands()).isEqualTo("delete table ip keepvip\n");
        assertThat(s.dropStale()).isEqualTo(
                "add table ip keepvip\ndelete table ip keepvip\nadd table ip6 keepvip\ndelete table ip6 keepvip\n");
    }
}
