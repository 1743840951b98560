package org.keepvip.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The route and rule requests, byte by byte where keepalived's netlink_route / netlink_rule decide them; no root. */
class RouteRuleCodecTest {
    private static NetlinkMessage one(byte[] req) {
        return NetlinkMessage.split(ByteBuffer.wrap(req).order(ByteOrder.nativeOrder())).get(0);
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void addPrependsWithCreateAndDeleteMatchesAnyScopeAndType() throws Exception {
        RouteSpec r = new RouteSpec(false, 6, false, Optional.of(ip("198.51.100.0")), 24, Optional.empty(), 0,
                Optional.of(ip("192.0.2.1")), Optional.empty(), Optional.empty(), 1000, 5, -1, 18, -1, true, 0);
        NetlinkMessage add = one(RtnlCodec.routeChangeRequest(true, r, 3, 42));
        assertThat(add.header().type()).isEqualTo(Rtnl.RTM_NEWROUTE);
        assertThat(add.header().flags()).isEqualTo(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE);
        assertThat(add.header().seq()).isEqualTo(42);
        ByteBuffer b = add.bodyView().order(ByteOrder.nativeOrder());
        RtMsg m = RtMsg.parse(b).orElseThrow();
        assertThat(m).isEqualTo(new RtMsg(Rtnl.AF_INET, 24, 0, 0, Rtnl.RT_TABLE_UNSPEC, 18, Rtnl.RT_SCOPE_UNIVERSE, 6,
                Rtnl.RTNH_F_ONLINK));
        Attributes a = Attributes.parse(b);
        assertThat(a.u32(Rtnl.RTA_TABLE)).contains(1000);
        assertThat(a.address(Rtnl.RTA_DST)).contains(ip("198.51.100.0"));
        assertThat(a.address(Rtnl.RTA_GATEWAY)).contains(ip("192.0.2.1"));
        assertThat(a.u32(Rtnl.RTA_OIF)).contains(3);
        assertThat(a.u32(Rtnl.RTA_PRIORITY)).contains(5);

        NetlinkMessage del = one(RtnlCodec.routeChangeRequest(false, r, 3, 43));
        assertThat(del.header().type()).isEqualTo(Rtnl.RTM_DELROUTE);
        assertThat(del.header().flags()).isEqualTo(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK);
        RtMsg dm = RtMsg.parse(del.bodyView().order(ByteOrder.nativeOrder())).orElseThrow();
        assertThat(dm.scope()).isEqualTo(Rtnl.RT_SCOPE_NOWHERE);
        assertThat(dm.type()).as("a type not written is not matched on delete").isZero();
    }

    @Test
    void aSmallTableGoesInTheHeaderAndAddModesSetTheirFlag() throws Exception {
        RouteSpec r = new RouteSpec(true, 1, false, Optional.empty(), 0, Optional.of(ip("2001:db8::")), 64,
                Optional.empty(), Optional.empty(), Optional.empty(), 100, -1, 253, 18, -1, false, Rtnl.NLM_F_EXCL);
        NetlinkMessage add = one(RtnlCodec.routeChangeRequest(true, r, 0, 1));
        assertThat(add.header().flags() & Rtnl.NLM_F_EXCL).isNotZero();
        ByteBuffer b = add.bodyView().order(ByteOrder.nativeOrder());
        RtMsg m = RtMsg.parse(b).orElseThrow();
        assertThat(m.table()).isEqualTo(100);
        assertThat(m.srcLength()).isEqualTo(64);
        assertThat(m.scope()).isEqualTo(253);
        Attributes a = Attributes.parse(b);
        assertThat(a.u32(Rtnl.RTA_TABLE)).isEmpty();
        assertThat(a.address(Rtnl.RTA_DST)).isEmpty();
        assertThat(a.address(Rtnl.RTA_SRC)).contains(ip("2001:db8::"));
        assertThat(a.u32(Rtnl.RTA_OIF)).isEmpty();
    }

    @Test
    void ruleHeaderAndAttributes() throws Exception {
        RuleSpec r = new RuleSpec(false, Optional.of(ip("198.51.100.0")), 24, Optional.empty(), 0, true, 100, 0x10,
                7, -1, Optional.of("eth0"), Optional.empty(), Rtnl.FR_ACT_TO_TBL, 300, 0, 18, -1, null,
                new int[] {80, 81}, null, -1);
        NetlinkMessage add = one(RtnlCodec.ruleChangeRequest(true, r, 9));
        assertThat(add.header().type()).isEqualTo(Rtnl.RTM_NEWRULE);
        assertThat(add.header().flags())
                .isEqualTo(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL);
        ByteBuffer b = add.bodyView().order(ByteOrder.nativeOrder());
        byte[] frh = new byte[8];
        b.get(frh);
        assertThat(frh).containsExactly(Rtnl.AF_INET, 0, 24, 0x10, 0, 0, 0, Rtnl.FR_ACT_TO_TBL);
        assertThat(b.getInt()).isEqualTo(Rtnl.FIB_RULE_INVERT);
        Attributes a = Attributes.parse(b);
        assertThat(a.u32(Rtnl.FRA_TABLE)).contains(300);
        assertThat(a.address(Rtnl.FRA_SRC)).contains(ip("198.51.100.0"));
        assertThat(a.u32(Rtnl.FRA_PRIORITY)).contains(100);
        assertThat(a.u32(Rtnl.FRA_FWMARK)).contains(7);
        assertThat(a.u32(Rtnl.FRA_FWMASK)).isEmpty();
        assertThat(a.string(Rtnl.FRA_IIFNAME)).contains("eth0");
        assertThat(a.bytes(Rtnl.FRA_PROTOCOL)).hasValueSatisfying(v -> assertThat(v).containsExactly(18));
        assertThat(a.bytes(Rtnl.FRA_DPORT_RANGE)).isPresent();
        assertThat(one(RtnlCodec.ruleChangeRequest(false, r, 10)).header().type()).isEqualTo(Rtnl.RTM_DELRULE);
    }
}
