package org.keepvip.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Golden bytes of the VMAC requests, as keepalived's vrrp_vmac.c and vrrp_if_config.c build them. */
class LinkCodecTest {
    @BeforeEach
    void littleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }

    @Test
    void createMacvlan() {
        byte[] expected = Hex.parse("""
                5c000000 -- nlmsg_len 92
                1000     -- RTM_NEWLINK
                0506     -- NLM_F_REQUEST|NLM_F_ACK|NLM_F_EXCL|NLM_F_CREATE
                07000000 -- seq 7
                00000000 -- pid 0
                00 00 0000 00000000 00000000 00000000 -- ifinfomsg: AF_UNSPEC, no index, flags, change
                1c00 1200                  -- IFLA_LINKINFO, 28 bytes
                  0b00 0100 6d6163766c616e 00 -- IFLA_INFO_KIND "macvlan" (no NUL, as keepalived), 1 byte pad
                  0c00 0200                -- IFLA_INFO_DATA
                    0800 0100 01000000     -- IFLA_MACVLAN_MODE private
                0800 0500 04000000         -- IFLA_LINK 4
                0a00 0300 767272702e39 0000 -- IFLA_IFNAME "vrrp.9", 2 bytes pad
                0a00 0100 00005e000109 0000 -- IFLA_ADDRESS 00:00:5e:00:01:09, 2 bytes pad
                """);
        assertThat(Hex.format(LinkCodec.createMacvlan("vrrp.9", 4, new byte[] {0, 0, 0x5e, 0, 1, 9}, 7)))
                .isEqualTo(Hex.format(expected));
    }

    @Test
    void createMacvlanInAVrf() {
        byte[] plain = LinkCodec.createMacvlan("vrrp.9", 4, new byte[] {0, 0, 0x5e, 0, 1, 9}, 7);
        byte[] inVrf = LinkCodec.createMacvlan("vrrp.9", 4, new byte[] {0, 0, 0x5e, 0, 1, 9}, 3, 7);
        byte[] tail = Hex.parse("0800 0a00 03000000 -- IFLA_MASTER 3, after IFLA_ADDRESS as keepalived puts it");
        assertThat(Hex.format(java.util.Arrays.copyOfRange(inVrf, 16, inVrf.length))).isEqualTo(
                Hex.format(java.util.Arrays.copyOfRange(plain, 16, plain.length)) + Hex.format(tail));
        assertThat(inVrf[0]).isEqualTo((byte) (plain.length + 8));
    }

    @Test
    void setMaster() {
        byte[] expected = Hex.parse("""
                28000000 1000 0500 09000000 00000000 -- RTM_NEWLINK, REQUEST|ACK, seq 9
                00 00 0000 07000000 00000000 00000000 -- ifinfomsg: ifindex 7
                0800 0a00 03000000         -- IFLA_MASTER 3 (0 frees it)
                """);
        assertThat(Hex.format(LinkCodec.setMaster(7, 3, 9))).isEqualTo(Hex.format(expected));
    }

    @Test
    void createIpvlan() {
        byte[] expected = Hex.parse("""
                60000000 -- nlmsg_len 96
                1000 0506 08000000 00000000 -- RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE, seq 8
                00 00 0000 00000000 01000000 01000000 -- ifinfomsg: created up (IFF_UP in flags and change)
                0800 0500 04000000         -- IFLA_LINK 4
                0a00 0300 6970762e3530 0000 -- IFLA_IFNAME "ipv.50", 2 bytes pad
                2400 1200                  -- IFLA_LINKINFO, 36 bytes
                  0a00 0100 6970766c616e 0000 -- IFLA_INFO_KIND "ipvlan", 2 bytes pad
                  1400 0200                -- IFLA_INFO_DATA
                    0600 0100 0000 0000    -- IFLA_IPVLAN_MODE L2, 2 bytes pad
                    0600 0200 0100 0000    -- IFLA_IPVLAN_FLAGS private, 2 bytes pad
                0800 0a00 03000000         -- IFLA_MASTER 3: the base's VRF
                """);
        assertThat(Hex.format(LinkCodec.createIpvlan("ipv.50", 4, Rtnl.IPVLAN_F_PRIVATE, 3, 8)))
                .isEqualTo(Hex.format(expected));
    }

    @Test
    void ipv4ConfAndLinkState() {
        Map<Integer, Integer> conf = new LinkedHashMap<>();
        conf.put(Rtnl.IPV4_DEVCONF_ARP_IGNORE, 1);
        conf.put(Rtnl.IPV4_DEVCONF_ARPFILTER, 1);
        byte[] expected = Hex.parse("""
                3c000000 -- nlmsg_len 60
                1000 0500 02000000 00000000 -- RTM_NEWLINK, REQUEST|ACK, seq 2
                00 00 0000 05000000 00000000 00000000 -- ifinfomsg: ifindex 5
                1c00 1a00                  -- IFLA_AF_SPEC
                  1800 0200                -- AF_INET
                    1400 0100              -- IFLA_INET_CONF
                      0800 1300 01000000   -- IPV4_DEVCONF_ARP_IGNORE 1
                      0800 0d00 01000000   -- IPV4_DEVCONF_ARPFILTER 1
                """);
        assertThat(Hex.format(LinkCodec.ipv4Conf(5, conf, 2))).isEqualTo(Hex.format(expected));
        byte[] up = Hex.parse("""
                20000000 1000 0500 03000000 00000000 -- RTM_NEWLINK, REQUEST|ACK, seq 3
                00 00 0000 05000000 01000000 01000000 -- ifindex 5, IFF_UP set in flags and change
                """);
        assertThat(Hex.format(LinkCodec.setUp(5, true, 3))).isEqualTo(Hex.format(up));
        byte[] delete = Hex.parse("""
                20000000 1100 0500 04000000 00000000 -- RTM_DELLINK, REQUEST|ACK, seq 4
                00 00 0000 05000000 00000000 00000000
                """);
        assertThat(Hex.format(LinkCodec.deleteLink(5, 4))).isEqualTo(Hex.format(delete));
    }

    @Test
    void decodesWhatTheKernelSaysOfAMacvlan() {
        byte[] body = Hex.parse("""
                00 00 0100 06000000 43100100 00000000 -- ifinfomsg: ARPHRD_ETHER, ifindex 6, UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
                0a00 0300 767272702e39 0000 -- IFLA_IFNAME "vrrp.9"
                0a00 0100 00005e000109 0000 -- IFLA_ADDRESS
                0800 0500 04000000          -- IFLA_LINK 4
                1c00 1200 0b00 0100 6d6163766c616e 00 0c00 0200 0800 0100 01000000 -- macvlan, private
                1c00 1a00 1800 0200 1400 0100 01000000 00000000 00000000 00000000 -- AF_INET conf: forwarding 1 ...
                """);
        Link l = RtnlCodec.link(java.nio.ByteBuffer.wrap(body)).orElseThrow();
        assertThat(l.isPrivateMacvlan()).isTrue();
        assertThat(l.parentIndex()).isEqualTo(4);
        assertThat(l.ipv4Conf(1)).hasValue(1);
        assertThat(l.ipv4Conf(Rtnl.IPV4_DEVCONF_ARP_IGNORE)).as("beyond what the kernel sent").isEmpty();
        assertThat(l.mac().orElseThrow().toString()).isEqualTo("00:00:5e:00:01:09");
    }
}
