package org.keepvip.agent.packet;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Random;

import org.keepvip.vrrp.packet.InternetChecksum;

import static org.assertj.core.api.Assertions.assertThat;

class FrameParserTest {
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:02");
    static final byte[] VRRP = Hex.bytes("2133 6401 0001 7019 0a4d 0064 0000 0000 0000 0000");

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    static byte[] v4Frame() throws Exception {
        return VrrpFrames.ipv4(MAC, MacAddress.VRRP_IPV4_GROUP, (Inet4Address) ip("192.0.2.10"),
                OutboundVrrp.IPV4_GROUP, 255, 7, VRRP);
    }

    static byte[] v6Frame() throws Exception {
        return VrrpFrames.ipv6(MAC, MacAddress.VRRP_IPV6_GROUP, (Inet6Address) ip("fe80::2"),
                OutboundVrrp.IPV6_GROUP, 255, VRRP);
    }

    static ReceivedVrrp parsed(byte[] frame) {
        ParseResult r = FrameParser.parse(frame, "eth0", 42);
        assertThat(r).isInstanceOf(ReceivedVrrp.class);
        return (ReceivedVrrp) r;
    }

    static DropReason dropped(byte[] frame) {
        ParseResult r = FrameParser.parse(frame, "eth0", 42);
        assertThat(r).isInstanceOf(ParseResult.Dropped.class);
        return ((ParseResult.Dropped) r).reason();
    }

    @Test
    void readsBackAnIpv4Advert() throws Exception {
        ReceivedVrrp r = parsed(v4Frame());
        assertThat(r.interfaceName()).isEqualTo("eth0");
        assertThat(r.receivedAtNanos()).isEqualTo(42);
        assertThat(r.sourceMac()).isEqualTo(MAC);
        assertThat(r.source()).isEqualTo(ip("192.0.2.10"));
        assertThat(r.destination()).isEqualTo(ip("224.0.0.18"));
        assertThat(r.ttl()).isEqualTo(255);
        assertThat(r.protocol()).isEqualTo(112);
        assertThat(r.ipTotalLength()).isEqualTo(40);
        assertThat(r.receivedIpLength()).isEqualTo(40);
        assertThat(r.payload()).isEqualTo(VRRP);
        assertThat(r.isMulticast()).isTrue();
        assertThat(r.isIpv6()).isFalse();
    }

    @Test
    void readsBackAnIpv6Advert() throws Exception {
        ReceivedVrrp r = parsed(v6Frame());
        assertThat(r.source()).isEqualTo(ip("fe80::2"));
        assertThat(r.destination()).isEqualTo(ip("ff02::12"));
        assertThat(r.ttl()).isEqualTo(255);
        assertThat(r.ipTotalLength()).isEqualTo(40 + VRRP.length);
        assertThat(r.payload()).isEqualTo(VRRP);
        assertThat(r.isIpv6()).isTrue();
    }

    @Test
    void ethernetPaddingIsReportedAndCutFromThePayload() throws Exception {
        byte[] vrrp = Hex.bytes("3134 6401 0032 4a6a 0a4d 00c8"); // 14 + 20 + 12 = 46 bytes, padded to 60
        byte[] frame = Arrays.copyOf(VrrpFrames.ipv4(MAC, MAC, (Inet4Address) ip("192.0.2.1"),
                (Inet4Address) ip("192.0.2.2"), 255, 1, vrrp), 60);
        ReceivedVrrp r = parsed(frame);
        assertThat(r.ipTotalLength()).isEqualTo(32);
        assertThat(r.receivedIpLength()).isEqualTo(46);
        assertThat(r.payload()).isEqualTo(vrrp);
    }

    @Test
    void skipsVlanTags() throws Exception {
        byte[] plain = v4Frame();
        byte[] tagged = new byte[plain.length + 4];
        System.arraycopy(plain, 0, tagged, 0, 12);
        tagged[12] = (byte) 0x81;
        tagged[14] = 0x00;
        tagged[15] = 0x2A; // VLAN 42
        System.arraycopy(plain, 12, tagged, 16, plain.length - 12);
        ReceivedVrrp r = parsed(tagged);
        assertThat(r.source()).isEqualTo(ip("192.0.2.10"));
        assertThat(r.payload()).isEqualTo(VRRP);
    }

    @Test
    void ipv6ExtensionHeadersAreWalked() throws Exception {
        byte[] plain = v6Frame();
        byte[] f = new byte[plain.length + 8];
        System.arraycopy(plain, 0, f, 0, 54);
        f[14 + 6] = 0; // hop-by-hop first
        f[14 + 5] = (byte) (VRRP.length + 8);
        f[54] = 112; // then VRRP; length 0 = 8 bytes
        System.arraycopy(plain, 54, f, 62, VRRP.length);
        assertThat(parsed(f).payload()).isEqualTo(VRRP);
    }

    @Test
    void eachMalformationHasItsReason() throws Exception {
        assertThat(dropped(new byte[13])).isEqualTo(DropReason.FRAME_TOO_SHORT);
        byte[] arp = AnnouncementFrames.gratuitousArp(MAC, (Inet4Address) ip("192.0.2.100"));
        assertThat(dropped(arp)).isEqualTo(DropReason.NOT_IP);
        assertThat(dropped(Arrays.copyOf(v4Frame(), 30))).isEqualTo(DropReason.IP_HEADER_TRUNCATED);
        assertThat(dropped(Arrays.copyOf(v6Frame(), 50))).isEqualTo(DropReason.IP_HEADER_TRUNCATED);

        byte[] f = v4Frame();
        f[14] = 0x65;
        assertThat(dropped(f)).isEqualTo(DropReason.IP_VERSION_MISMATCH);

        f = v4Frame();
        f[14] = 0x44;
        assertThat(dropped(f)).isEqualTo(DropReason.IPV4_BAD_HEADER_LENGTH);

        f = v4Frame();
        f[14 + 11] ^= 1;
        assertThat(dropped(f)).isEqualTo(DropReason.IPV4_BAD_CHECKSUM);

        assertThat(dropped(Arrays.copyOf(v4Frame(), 50))).isEqualTo(DropReason.IP_TRUNCATED);
        assertThat(dropped(Arrays.copyOf(v6Frame(), 70))).isEqualTo(DropReason.IP_TRUNCATED);

        assertThat(dropped(withIpv4Header(v4Frame(), 6, 0x20))).isEqualTo(DropReason.FRAGMENT); // MF
        assertThat(dropped(withIpv4Header(v4Frame(), 9, 17))).isEqualTo(DropReason.NOT_VRRP);

        f = v6Frame();
        f[14 + 6] = 58;
        assertThat(dropped(f)).isEqualTo(DropReason.NOT_VRRP);
        f = v6Frame();
        f[14 + 6] = 44;
        assertThat(dropped(f)).isEqualTo(DropReason.FRAGMENT);
        f = v6Frame();
        f[14 + 6] = 60;
        f[55] = 9; // destination options claiming 80 bytes
        assertThat(dropped(f)).isEqualTo(DropReason.IPV6_BAD_EXTENSION_HEADER);
    }

    /** Changes one byte of the IPv4 header and fixes the header checksum, so only that byte is wrong. */
    private static byte[] withIpv4Header(byte[] f, int index, int value) {
        f[14 + index] = (byte) value;
        f[24] = 0;
        f[25] = 0;
        int sum = InternetChecksum.compute(f, 14, 20);
        f[24] = (byte) (sum >>> 8);
        f[25] = (byte) sum;
        return f;
    }

    @Test
    void neverThrowsOnTruncationsAndRandomMutations() throws Exception {
        Random random = new Random(4);
        for (byte[] good : new byte[][] {v4Frame(), v6Frame()}) {
            for (int len = 0; len <= good.length; len++) {
                assertThat(FrameParser.parse(Arrays.copyOf(good, len), "eth0", 0)).isNotNull();
            }
            for (int i = 0; i < 20_000; i++) {
                byte[] f = good.clone();
                for (int k = random.nextInt(4); k >= 0; k--) {
                    f[random.nextInt(f.length)] = (byte) random.nextInt(256);
                }
                assertThat(FrameParser.parse(f, "eth0", 0)).isNotNull();
            }
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] f = new byte[random.nextInt(120)];
            random.nextBytes(f);
            assertThat(FrameParser.parse(f, "eth0", 0)).isNotNull();
        }
    }
}
