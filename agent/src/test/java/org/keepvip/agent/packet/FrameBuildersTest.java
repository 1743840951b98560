package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

import org.keepvip.vrrp.packet.InternetChecksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameBuildersTest {
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:02");

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void vrrpV2MulticastFrameEqualsTheKeepalivedCapture() throws Exception {
        // a captured keepalived advert (VrrpCodecGoldenTest): VRID 51, priority 100, VIP 10.77.0.100, source 10.77.0.2, first advert (ID 1)
        byte[] vrrp = Hex.bytes("2133 6401 0001 7019 0a4d 0064 0000 0000 0000 0000");
        byte[] frame = VrrpFrames.ipv4(MAC, MacAddress.VRRP_IPV4_GROUP, (Inet4Address) ip("10.77.0.2"),
                OutboundVrrp.IPV4_GROUP, 255, 1, vrrp);
        assertThat(Hex.of(frame)).isEqualTo(Hex.of(Hex.bytes("""
                0100 5e00 0012 0200 0000 0002 0800 |
                45c0 0028 0001 0000 ff70 d043 0a4d 0002 e000 0012 |
                2133 6401 0001 7019 0a4d 0064 0000 0000 0000 0000""")));
    }

    @Test
    void vrrpV3UnicastIpHeaderEqualsTheKeepalivedCapture() throws Exception {
        byte[] vrrp = Hex.bytes("3134 6401 0032 4a6a 0a4d 00c8");
        MacAddress peer = MacAddress.parse("02:00:00:00:00:02");
        MacAddress self = MacAddress.parse("02:00:00:00:00:01");
        byte[] frame = VrrpFrames.ipv4(self, peer, (Inet4Address) ip("10.77.0.1"), (Inet4Address) ip("10.77.0.2"),
                255, 1, vrrp);
        assertThat(Hex.of(frame)).isEqualTo(Hex.of(Hex.bytes("""
                0200 0000 0002 0200 0000 0001 0800 |
                45c0 0020 0001 0000 ff70 a610 0a4d 0001 0a4d 0002 | 3134 6401 0032 4a6a 0a4d 00c8""")));
    }

    @Test
    void unicastTtlAndIdentificationGoIntoTheHeaderWithAValidChecksum() throws Exception {
        byte[] frame = VrrpFrames.ipv4(MAC, MAC, (Inet4Address) ip("192.0.2.1"), (Inet4Address) ip("198.51.100.7"),
                64, 0xBEEF, new byte[12]);
        assertThat(frame[14 + 8] & 0xFF).isEqualTo(64);
        assertThat(Hex.of(Arrays.copyOfRange(frame, 18, 20))).isEqualTo("beef");
        assertThat(InternetChecksum.compute(frame, 14, 20)).isZero();
    }

    @Test
    void vrrpIpv6Frame() throws Exception {
        byte[] vrrp = Hex.bytes("3133 6401 0064 abcd 2001 0db8 0001 0000 0000 0000 0000 0100");
        byte[] frame = VrrpFrames.ipv6(MAC, MacAddress.VRRP_IPV6_GROUP, (Inet6Address) ip("fe80::2"),
                OutboundVrrp.IPV6_GROUP, 255, vrrp);
        assertThat(Hex.of(frame)).isEqualTo(Hex.of(Hex.bytes("""
                3333 0000 0012 0200 0000 0002 86dd |
                6c00 0000 0018 70ff |
                fe80 0000 0000 0000 0000 0000 0000 0002 |
                ff02 0000 0000 0000 0000 0000 0000 0012 |
                3133 6401 0064 abcd 2001 0db8 0001 0000 0000 0000 0000 0100""")));
    }

    @Test
    void gratuitousArpEqualsTheKeepalivedCapture() throws Exception {
        byte[] frame = AnnouncementFrames.gratuitousArp(MAC, (Inet4Address) ip("10.77.0.100"));
        assertThat(Hex.of(frame)).isEqualTo(Hex.of(Hex.bytes("""
                ffff ffff ffff 0200 0000 0002 0806 | 0001 0800 06 04 0001 |
                0200 0000 0002 0a4d 0064 | ffff ffff ffff 0a4d 0064""")));
    }

    @Test
    void unsolicitedNaWithOverride() throws Exception {
        // checksum computed independently (Python, RFC 4443 pseudo-header): 0xf729
        byte[] frame = AnnouncementFrames.unsolicitedNa(MAC, (Inet6Address) ip("2001:db8:1::100"), false);
        assertThat(Hex.of(frame)).isEqualTo(Hex.of(Hex.bytes("""
                3333 0000 0001 0200 0000 0002 86dd |
                6000 0000 0020 3aff |
                2001 0db8 0001 0000 0000 0000 0000 0100 |
                ff02 0000 0000 0000 0000 0000 0000 0001 |
                88 00 f729 | 20 000000 | 2001 0db8 0001 0000 0000 0000 0000 0100 | 02 01 0200 0000 0002""")));
    }

    @Test
    void unsolicitedNaWithRouterFlag() throws Exception {
        byte[] frame = AnnouncementFrames.unsolicitedNa(MAC, (Inet6Address) ip("2001:db8::100"), true);
        int icmp = 14 + 40;
        assertThat(frame[icmp + 4] & 0xFF).isEqualTo(0xA0);
        assertThat(Hex.of(Arrays.copyOfRange(frame, icmp + 2, icmp + 4))).isEqualTo("772b"); // Python: 0x772b
    }

    @Test
    void rejectsOutOfRangeTtl() throws Exception {
        Inet4Address a = (Inet4Address) ip("192.0.2.1");
        assertThatThrownBy(() -> VrrpFrames.ipv4(MAC, MAC, a, a, 0, 1, new byte[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TTL/hop limit 0");
        assertThatThrownBy(() -> VrrpFrames.ipv4(MAC, MAC, a, a, 256, 1, new byte[8]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
