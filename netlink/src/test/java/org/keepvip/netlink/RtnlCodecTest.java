package org.keepvip.netlink;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Golden bytes, no root. Requests are written out field by field; replies were captured from a
 * real kernel (6.18, x86_64) in a test namespace and pasted here. Netlink is host byte order, so
 * these run on little-endian machines only.
 */
class RtnlCodecTest {
    @BeforeAll
    static void littleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void newaddrIpv4WithLabelAndBroadcast() throws Exception {
        VipSpec vip = VipSpec.of(ip("192.0.2.10"), 24, "dummy0").withIfindex(3)
                .withLabel("dummy0:vip").withBroadcast(ip("192.0.2.255"));
        byte[] expected = Hex.parse("""
                40000000 -- nlmsg_len 64
                1400     -- RTM_NEWADDR
                0500     -- NLM_F_REQUEST|NLM_F_ACK, no CREATE/EXCL/REPLACE
                01000000 -- seq 1
                00000000 -- pid 0
                02 18 00 00 03000000 -- ifaddrmsg: AF_INET, /24, flags 0, scope global, ifindex 3
                0800 0200 c000020a   -- IFA_LOCAL 192.0.2.10
                0800 0100 c000020a   -- IFA_ADDRESS 192.0.2.10 (= local: no peer)
                0800 0400 c00002ff   -- IFA_BROADCAST 192.0.2.255
                0f00 0300 64756d6d79303a76697000 00 -- IFA_LABEL "dummy0:vip\\0", 1 byte pad
                """);
        assertThat(Hex.format(RtnlCodec.addressRequest(true, vip, 3, 1))).isEqualTo(Hex.format(expected));
    }

    @Test
    void newaddrIpv6HostRouteIsNodadAndDeprecated() throws Exception {
        VipSpec vip = VipSpec.of(ip("2001:db8::10"), 128, "dummy0");
        byte[] expected = Hex.parse("""
                48000000 1400 0500 06000000 00000000 -- len 72, RTM_NEWADDR, REQUEST|ACK, seq 6
                0a 80 02 00 03000000 -- AF_INET6, /128, ifa_flags IFA_F_NODAD, scope 0, ifindex 3
                1400 0200 20010db8000000000000000000000010 -- IFA_LOCAL 2001:db8::10 (no IFA_ADDRESS: that would be a peer)
                1400 0600 00000000 ffffffff 00000000 00000000 -- IFA_CACHEINFO preferred 0, valid forever
                0800 0800 02000000 -- IFA_FLAGS IFA_F_NODAD
                """);
        assertThat(Hex.format(RtnlCodec.addressRequest(true, vip, 3, 6))).isEqualTo(Hex.format(expected));
    }

    @Test
    void newaddrIpv6WithNodadOffAndPrefix64IsPreferredForever() throws Exception {
        VipSpec vip = VipSpec.of(ip("2001:db8::10"), 64, "dummy0").withNodad(false);
        byte[] expected = Hex.parse("""
                40000000 1400 0500 02000000 00000000 -- len 64, no IFA_FLAGS
                0a 40 00 00 03000000 -- AF_INET6, /64, no flags
                1400 0200 20010db8000000000000000000000010
                1400 0600 ffffffff ffffffff 00000000 00000000 -- preferred and valid forever
                """);
        assertThat(Hex.format(RtnlCodec.addressRequest(true, vip, 3, 2))).isEqualTo(Hex.format(expected));
    }

    @Test
    void deladdrIpv4CarriesLocalAndAddressOnly() throws Exception {
        VipSpec vip = VipSpec.of(ip("192.0.2.10"), 24, "dummy0").withLabel("dummy0:vip")
                .withBroadcast(ip("192.0.2.255")).withScope(Rtnl.RT_SCOPE_LINK);
        byte[] expected = Hex.parse("""
                28000000 1500 0500 07000000 00000000 -- len 40, RTM_DELADDR, REQUEST|ACK, seq 7
                02 18 00 fd 03000000 -- AF_INET, /24, scope link (253), ifindex 3
                0800 0200 c000020a   -- IFA_LOCAL
                0800 0100 c000020a   -- IFA_ADDRESS (no label, broadcast or cacheinfo on delete)
                """);
        assertThat(Hex.format(RtnlCodec.addressRequest(false, vip, 3, 7))).isEqualTo(Hex.format(expected));
    }

    @Test
    void deladdrIpv6() throws Exception {
        VipSpec vip = VipSpec.of(ip("2001:db8::10"), 128, "dummy0");
        byte[] expected = Hex.parse("""
                48000000 1500 0500 08000000 00000000 -- len 72, RTM_DELADDR
                0a 80 02 00 03000000
                1400 0200 20010db8000000000000000000000010 -- IFA_LOCAL
                1400 0100 20010db8000000000000000000000010 -- IFA_ADDRESS
                0800 0800 02000000
                """);
        assertThat(Hex.format(RtnlCodec.addressRequest(false, vip, 3, 8))).isEqualTo(Hex.format(expected));
    }

    @Test
    void dumpAndRouteRequests() throws Exception {
        assertThat(Hex.format(RtnlCodec.addressDumpRequest(Rtnl.AF_INET, 4))).isEqualTo(Hex.format(Hex.parse("""
                18000000 1600 0103 04000000 00000000 -- RTM_GETADDR, REQUEST|DUMP
                02 00 00 00 00000000 -- AF_INET
                """)));
        assertThat(Hex.format(RtnlCodec.routeRequest(ip("192.0.2.77"), 0, 8))).isEqualTo(Hex.format(Hex.parse("""
                24000000 1a00 0100 08000000 00000000 -- RTM_GETROUTE, REQUEST (a lookup, not a dump)
                02 20 00 00 00 00 00 00 00000000 -- rtmsg: AF_INET, dst_len 32
                0800 0100 c000024d -- RTA_DST 192.0.2.77
                """)));
    }

    @Test
    void neighbourRequests() throws Exception {
        assertThat(Hex.format(RtnlCodec.neighbourGetRequest(2, ip("192.0.2.2"), 9))).isEqualTo(Hex.format(Hex.parse("""
                24000000 1e00 0100 09000000 00000000 -- len 36, RTM_GETNEIGH, REQUEST (single entry, no dump)
                02 00 0000 02000000 0000 00 00 -- ndmsg: AF_INET, ifindex 2, state/flags/type 0 (the kernel checks)
                0800 0100 c0000202 -- NDA_DST 192.0.2.2
                """)));
        assertThat(Hex.format(RtnlCodec.neighbourUseRequest(2, ip("2001:db8::2"), 10))).isEqualTo(Hex.format(Hex.parse("""
                30000000 1c00 0505 0a000000 00000000 -- len 48, RTM_NEWNEIGH, REQUEST|ACK|REPLACE|CREATE, seq 10
                0a 00 0000 02000000 0100 01 00 -- AF_INET6, ifindex 2, NUD_INCOMPLETE, NTF_USE
                1400 0100 20010db8000000000000000000000002 -- NDA_DST 2001:db8::2
                """)));
    }

    // ---- captured replies

    /** ACK for the RTM_NEWADDR with seq 1; NETLINK_CAP_ACK set, so only the request header is echoed. */
    static final String ACK = """
            24000000 0200 0001 01000000 0b280000 -- len 36, NLMSG_ERROR, NLM_F_CAPPED, seq 1, port id
            00000000 -- error 0: ACK
            40000000 1400 0500 01000000 00000000 -- the request's header
            """;

    /** Adding the same address again: EEXIST, with the kernel's extended-ack text. */
    static final String EEXIST = """
            48000000 0200 0003 02000000 0b280000 -- NLMSG_ERROR, CAPPED|ACK_TLVS, seq 2
            efffffff -- error -17 (EEXIST)
            40000000 1400 0500 02000000 00000000
            2300 0100 697076343a204164647265737320616c72656164792061737369676e656400 00
                -- NLMSGERR_ATTR_MSG "ipv4: Address already assigned"
            """;

    /** Adding on ifindex 99, which does not exist: ENODEV. */
    static final String ENODEV = """
            40000000 0200 0003 03000000 0b280000
            edffffff -- error -19 (ENODEV)
            40000000 1400 0500 03000000 00000000
            1b00 0100 697076343a20446576696365206e6f7420666f756e6400 00 -- "ipv4: Device not found"
            """;

    @Test
    void parsesAck() {
        List<NetlinkMessage> ms = NetlinkMessage.split(ByteBuffer.wrap(Hex.parse(ACK)));
        assertThat(ms).hasSize(1);
        NlMsgErr err = ms.get(0).error().orElseThrow();
        assertThat(err.isAck()).isTrue();
        assertThat(err.request()).isEqualTo(new NlMsgHdr(64, Rtnl.RTM_NEWADDR, 5, 1, 0));
        assertThat(ms.get(0).header().seq()).isEqualTo(1);
        assertThat(ms.get(0).extAckMessage()).isEmpty();
    }

    @Test
    void parsesErrorsWithExtendedAck() {
        NetlinkMessage eexist = NetlinkMessage.split(ByteBuffer.wrap(Hex.parse(EEXIST))).get(0);
        assertThat(eexist.error().orElseThrow().errno()).isEqualTo(Errno.EEXIST);
        assertThat(eexist.extAckMessage()).contains("ipv4: Address already assigned");
        NetlinkMessage enodev = NetlinkMessage.split(ByteBuffer.wrap(Hex.parse(ENODEV))).get(0);
        assertThat(enodev.error().orElseThrow().errno()).isEqualTo(Errno.ENODEV);
        assertThat(enodev.extAckMessage()).contains("ipv4: Device not found");
        assertThat(new NetlinkException("add 192.0.2.10/24 dev #99", Errno.ENODEV))
                .hasMessage("add 192.0.2.10/24 dev #99: ENODEV (No such device)")
                .extracting(NetlinkException::errno).isEqualTo(19);
    }

    /** One RTM_GETADDR (AF_INET) dump reply datagram, then its NLMSG_DONE. */
    static final String ADDR_DUMP_V4 = """
            4c000000 1400 0200 04000000 0b280000 -- RTM_NEWADDR, NLM_F_MULTI, seq 4
            02 08 80 fe 01000000 -- AF_INET, /8, IFA_F_PERMANENT, scope host, lo
            0800 0100 7f000001 | 0800 0200 7f000001 -- IFA_ADDRESS, IFA_LOCAL 127.0.0.1
            0700 0300 6c6f00 00 -- IFA_LABEL "lo"
            0800 0800 80000000 -- IFA_FLAGS
            1400 0600 ffffffff ffffffff b7770300 b7770300 -- IFA_CACHEINFO
            5c000000 1400 0200 04000000 0b280000
            02 18 80 00 02000000 -- AF_INET, /24, PERMANENT, global, ifindex 2
            0800 0100 c000020a | 0800 0200 c000020a | 0800 0400 c00002ff -- address, local, broadcast
            0f00 0300 64756d6d79303a76697000 00 -- label "dummy0:vip"
            0800 0800 80000000
            1400 0600 ffffffff ffffffff c1770300 c1770300
            """;
    static final String DONE = "14000000 0300 0200 04000000 0b280000 00000000 -- NLMSG_DONE, MULTI, seq 4, 0";

    @Test
    void parsesIpv4AddressDump() throws Exception {
        List<NetlinkMessage> ms = NetlinkMessage.split(ByteBuffer.wrap(Hex.parse(ADDR_DUMP_V4 + DONE)));
        assertThat(ms).extracting(m -> m.header().type())
                .containsExactly(Rtnl.RTM_NEWADDR, Rtnl.RTM_NEWADDR, Rtnl.NLMSG_DONE);
        IfAddress lo = RtnlCodec.address(ms.get(0).body()).orElseThrow();
        assertThat(lo).isEqualTo(new IfAddress(1, ip("127.0.0.1"), 8, Rtnl.RT_SCOPE_HOST, Rtnl.IFA_F_PERMANENT,
                Optional.of("lo")));
        IfAddress vip = RtnlCodec.address(ms.get(1).body()).orElseThrow();
        assertThat(vip).isEqualTo(new IfAddress(2, ip("192.0.2.10"), 24, 0, Rtnl.IFA_F_PERMANENT,
                Optional.of("dummy0:vip")));
        assertThat(vip.family()).isEqualTo(Rtnl.AF_INET);
    }

    @Test
    void parsesIpv6AddressWithNodadDeprecated() throws Exception {
        byte[] b = Hex.parse("""
                48000000 1400 0200 07000000 0b290000
                0a 80 a2 00 03000000 -- AF_INET6, /128, NODAD|DEPRECATED|PERMANENT, ifindex 3
                1400 0100 20010db8000000000000000000000010 -- IFA_ADDRESS only (no peer)
                1400 0600 00000000 ffffffff 497f0300 497f0300 -- preferred 0, valid forever
                0800 0800 a2000000
                """);
        IfAddress a = RtnlCodec.address(NetlinkMessage.split(ByteBuffer.wrap(b)).get(0).body()).orElseThrow();
        assertThat(a).isEqualTo(new IfAddress(3, ip("2001:db8::10"), 128, 0,
                Rtnl.IFA_F_NODAD | Rtnl.IFA_F_DEPRECATED | Rtnl.IFA_F_PERMANENT, Optional.empty()));
        assertThat(a.family()).isEqualTo(Rtnl.AF_INET6);
    }

    @Test
    void parsesCapturedLink() throws Exception {
        List<NetlinkMessage> ms = NetlinkMessage.split(ByteBuffer.wrap(Hex.resource("rtm_newlink_dummy0.hex")));
        assertThat(ms).hasSize(1);
        Link l = RtnlCodec.link(ms.get(0).body()).orElseThrow();
        assertThat(l.ifindex()).isEqualTo(3);
        assertThat(l.name()).isEqualTo("dummy0");
        assertThat(l.mac()).contains(MacAddress.parse("02:00:00:00:00:01"));
        assertThat(l.mtu()).isEqualTo(1500);
        assertThat(l.isUp()).isTrue();
        assertThat(l.isRunning()).isTrue();
        assertThat(l.isLoopback()).isFalse();
        assertThat(NetlinkEvent.of(ms.get(0))).contains(new NetlinkEvent.LinkChanged(3, "dummy0", true, true));
    }

    @Test
    void parsesRouteReply() throws Exception {
        byte[] b = Hex.parse("""
                68000000 1800 0000 08000000 0b290000 -- RTM_NEWROUTE, seq 8
                02 20 00 00 fe 00 00 01 00020000 -- AF_INET, /32, table main, type unicast, RTM_F_CLONED
                0800 0f00 fe000000 -- RTA_TABLE 254
                0800 0100 c000024d -- RTA_DST 192.0.2.77
                0800 0400 02000000 -- RTA_OIF 2
                0800 0700 c000020a -- RTA_PREFSRC 192.0.2.10
                0800 1900 00000000 -- RTA_UID
                2400 0c00 0200000000000000000000000000000000000000000000000000000000000000 -- RTA_CACHEINFO
                """);
        Route r = RtnlCodec.route(NetlinkMessage.split(ByteBuffer.wrap(b)).get(0).body(), ip("192.0.2.77"))
                .orElseThrow();
        assertThat(r.outputIfindex()).isEqualTo(2);
        assertThat(r.gateway()).isEmpty();
        assertThat(r.preferredSource()).contains(ip("192.0.2.10"));
        assertThat(r.type()).isEqualTo(Rtnl.RTN_UNICAST);
        assertThat(r.nextHop()).isEqualTo(ip("192.0.2.77"));
    }

    @Test
    void parsesNeighbour() throws Exception {
        byte[] body = Hex.parse("""
                02 00 0000 02000000 0200 00 01 -- AF_INET, ifindex 2, NUD_REACHABLE, flags 0, type unicast
                0800 0100 c0000214 -- NDA_DST 192.0.2.20
                0a00 0200 020000000002 0000 -- NDA_LLADDR 02:00:00:00:00:02
                """);
        Neighbour n = RtnlCodec.neighbour(ByteBuffer.wrap(body).order(ByteOrder.nativeOrder())).orElseThrow();
        assertThat(n).isEqualTo(new Neighbour(2, ip("192.0.2.20"), Optional.of(MacAddress.parse("02:00:00:00:00:02")),
                Rtnl.NUD_REACHABLE));
        assertThat(n.isUsable()).isTrue();
        assertThat(new Neighbour(2, ip("192.0.2.20"), Optional.empty(), Rtnl.NUD_INCOMPLETE).isUsable()).isFalse();
    }

    @Test
    void monitorEventsFromAddressMessages() throws Exception {
        List<NetlinkMessage> ms = NetlinkMessage.split(ByteBuffer.wrap(Hex.parse(ADDR_DUMP_V4)));
        assertThat(NetlinkEvent.of(ms.get(1)))
                .contains(new NetlinkEvent.AddressAdded(2, ip("192.0.2.10"), 24));
        byte[] del = Hex.parse(ADDR_DUMP_V4).clone();
        // Turn the second message into an RTM_DELADDR (type field at offset 0x4c + 4).
        del[0x4c + 4] = (byte) Rtnl.RTM_DELADDR;
        assertThat(NetlinkEvent.of(NetlinkMessage.split(ByteBuffer.wrap(del)).get(1)))
                .contains(new NetlinkEvent.AddressRemoved(2, ip("192.0.2.10"), 24));
    }
}
