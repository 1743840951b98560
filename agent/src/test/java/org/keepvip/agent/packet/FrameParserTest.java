package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

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
        FrameVerdict r = FrameParser.parse(frame, "eth0", 42);
        assertThat(r).isInstanceOf(ReceivedVrrp.class);
        return (ReceivedVrrp) r;
    }

    static DropReason dropped(byte[] frame) {
        FrameVerdict r = FrameParser.parse(frame, "eth0", 42);
        assertThat(r).isInstanceOf(FrameVerdict.Dropped.class);
        return ((FrameVerdict.Dropped) r).reason();
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

    @Test
    void aUnicastFrameForAnotherMacIsDroppedMulticastAndOursAreNot() throws Exception {
        MacAddress ours = MacAddress.parse("02:00:00:00:00:0a");
        byte[] toOther = v4Frame();
        System.arraycopy(MacAddress.parse("02:00:00:00:99:99").bytes(), 0, toOther, 0, 6);
        assertThat(((FrameVerdict.Dropped) FrameParser.parse(toOther, "eth0", 0, ours)).reason())
                .isEqualTo(DropReason.OTHER_HOST);
        byte[] toUs = toOther.clone();
        System.arraycopy(ours.bytes(), 0, toUs, 0, 6);
        assertThat(FrameParser.parse(toUs, "eth0", 0, ours)).isInstanceOf(ReceivedVrrp.class);
        assertThat(FrameParser.parse(v4Frame(), "eth0", 0, ours)).as("to the group's MAC").isInstanceOf(ReceivedVrrp.class);
    }

    @Test
    void everyFragmentIsDroppedFirstMiddleAndLast() throws Exception {
        assertThat(dropped(withIpv4Header(v4Frame(), 6, 0x20))).as("first: MF, offset 0").isEqualTo(DropReason.FRAGMENT);
        byte[] middle = withIpv4Header(v4Frame(), 6, 0x20);
        assertThat(dropped(withIpv4Header(middle, 7, 0x03))).as("middle: MF, offset 24").isEqualTo(DropReason.FRAGMENT);
        assertThat(dropped(withIpv4Header(v4Frame(), 7, 0x03))).as("last: offset 24").isEqualTo(DropReason.FRAGMENT);
        assertThat(parsed(withIpv4Header(v4Frame(), 6, 0x40)).payload()).as("DF alone is no fragment").isEqualTo(VRRP);
        // An atomic fragment (offset 0, M clear) is a fragment header all the same.
        assertThat(dropped(v6WithExtension(44, Hex.bytes("7000 0000 0000 002a")))).isEqualTo(DropReason.FRAGMENT);
        // Behind a hop-by-hop header too.
        byte[] hopThenFragment = v6WithExtensions(new int[] {0, 44},
                Hex.bytes("2c00 0104 0000 0000"), Hex.bytes("7000 0001 0000 002a"));
        assertThat(dropped(hopThenFragment)).isEqualTo(DropReason.FRAGMENT);
    }

    @Test
    void ipv4OptionsAreJudgedAsTheKernelJudgesThem() throws Exception {
        // NOP, NOP, router alert (148, length 4): the kernel delivers it, and keepalived skips the options.
        ReceivedVrrp withAlert = parsed(v4WithOptions(Hex.bytes("0101 9404 0000 0000")));
        assertThat(withAlert.payload()).isEqualTo(VRRP);
        assertThat(withAlert.ipTotalLength()).isEqualTo(48);
        assertThat(dropped(v4WithOptions(Hex.bytes("0701 0000")))).as("length 1").isEqualTo(DropReason.IPV4_BAD_OPTIONS);
        assertThat(dropped(v4WithOptions(Hex.bytes("0709 0400")))).as("past the header").isEqualTo(DropReason.IPV4_BAD_OPTIONS);
        assertThat(dropped(v4WithOptions(Hex.bytes("0183 0704 c000 0201"))))
                .as("loose source route").isEqualTo(DropReason.IPV4_SOURCE_ROUTE);
        assertThat(dropped(v4WithOptions(Hex.bytes("8907 04c0 0002 0100"))))
                .as("strict source route").isEqualTo(DropReason.IPV4_SOURCE_ROUTE);
        assertThat(parsed(v4WithOptions(Hex.bytes("0000 0000"))).payload()).as("end of list").isEqualTo(VRRP);
    }

    @Test
    void sourcesNoHostSendsFromAreMartians() throws Exception {
        for (String src : new String[] {"224.0.0.5", "255.255.255.255", "127.0.0.1", "0.0.0.0"}) {
            byte[] f = v4Frame();
            byte[] a = ip(src).getAddress();
            for (int i = 0; i < 4; i++) {
                withIpv4Header(f, 12 + i, a[i]);
            }
            assertThat(dropped(f)).as(src).isEqualTo(DropReason.MARTIAN_SOURCE);
        }
        for (String src : new String[] {"ff02::1", "::1", "::"}) {
            byte[] f = v6Frame();
            System.arraycopy(ip(src).getAddress(), 0, f, 14 + 8, 16);
            assertThat(dropped(f)).as(src).isEqualTo(DropReason.MARTIAN_SOURCE);
        }
    }

    @Test
    void ipv6ExtensionHeadersAreWalkedAsTheKernelWalksThem() throws Exception {
        // Hop-by-hop with a router alert, destination options with PadN: delivered, VRRP behind them.
        assertThat(parsed(v6WithExtension(0, Hex.bytes("7000 0502 0000 0100"))).payload()).isEqualTo(VRRP);
        assertThat(parsed(v6WithExtension(60, Hex.bytes("7000 0104 0000 0000"))).payload()).isEqualTo(VRRP);
        // An unknown option: skipped when its type says skip (00xxxxxx), the packet dropped otherwise.
        assertThat(parsed(v6WithExtension(60, Hex.bytes("7000 1e04 0000 0000"))).payload()).isEqualTo(VRRP);
        assertThat(dropped(v6WithExtension(60, Hex.bytes("7000 5e04 0000 0000"))))
                .isEqualTo(DropReason.IPV6_UNKNOWN_OPTION);
        assertThat(dropped(v6WithExtension(0, Hex.bytes("7000 c204 0000 0000"))))
                .as("a jumbo payload option here").isEqualTo(DropReason.IPV6_UNKNOWN_OPTION);
        assertThat(dropped(v6WithExtension(0, Hex.bytes("7000 0109 0000 0000"))))
                .as("an option overrunning its header").isEqualTo(DropReason.IPV6_BAD_EXTENSION_HEADER);
        // A routing header: fine when spent, else we are not the final destination.
        byte[] spent = Hex.bytes("7002 0000 0000 0000 2001 0db8 0000 0000 0000 0000 0000 0001");
        assertThat(parsed(v6WithExtension(43, spent)).payload()).isEqualTo(VRRP);
        byte[] pending = spent.clone();
        pending[3] = 1;
        assertThat(dropped(v6WithExtension(43, pending))).isEqualTo(DropReason.IPV6_ROUTING_HEADER);
        byte[] hopAfterDest = v6WithExtensions(new int[] {60, 0},
                Hex.bytes("0000 0104 0000 0000"), Hex.bytes("7000 0104 0000 0000"));
        assertThat(dropped(hopAfterDest)).as("hop-by-hop not first").isEqualTo(DropReason.IPV6_BAD_EXTENSION_HEADER);
    }

    /** {@link #v4Frame()} with {@code options} (a multiple of 4 bytes) after its 20-byte header. */
    private static byte[] v4WithOptions(byte[] options) throws Exception {
        byte[] plain = v4Frame();
        byte[] f = new byte[plain.length + options.length];
        System.arraycopy(plain, 0, f, 0, 34);
        System.arraycopy(options, 0, f, 34, options.length);
        System.arraycopy(plain, 34, f, 34 + options.length, plain.length - 34);
        f[14] = (byte) (0x45 + options.length / 4);
        int total = 20 + options.length + VRRP.length;
        f[16] = (byte) (total >>> 8);
        return withIpv4Header(f, 3, total & 0xFF);
    }

    /** {@link #v6Frame()} with one extension header of type {@code type}; its next header is in its bytes. */
    static byte[] v6WithExtension(int type, byte[] header) throws Exception {
        return v6WithExtensions(new int[] {type}, header);
    }

    /** {@link #v6Frame()} with extension headers chained in order: {@code types[i]} names {@code headers[i]}. */
    private static byte[] v6WithExtensions(int[] types, byte[]... headers) throws Exception {
        byte[] plain = v6Frame();
        int extra = Arrays.stream(headers).mapToInt(h -> h.length).sum();
        byte[] f = new byte[plain.length + extra];
        System.arraycopy(plain, 0, f, 0, 54);
        int at = 54;
        for (byte[] h : headers) {
            System.arraycopy(h, 0, f, at, h.length);
            at += h.length;
        }
        System.arraycopy(plain, 54, f, at, plain.length - 54);
        int payload = extra + VRRP.length;
        f[14 + 4] = (byte) (payload >>> 8);
        f[14 + 5] = (byte) payload;
        f[14 + 6] = (byte) types[0];
        return f;
    }

    /** Changes one byte of the IPv4 header and fixes the header checksum, so only that byte is wrong. */
    private static byte[] withIpv4Header(byte[] f, int index, int value) {
        f[14 + index] = (byte) value;
        f[24] = 0;
        f[25] = 0;
        int sum = InternetChecksum.compute(f, 14, Math.max(20, (f[14] & 0x0F) * 4));
        f[24] = (byte) (sum >>> 8);
        f[25] = (byte) sum;
        return f;
    }

    @Test
    void truncationsAndRandomMutationsAreDroppedWithACauseOrParsedSoundly() throws Exception {
        Random random = new Random(4);
        Set<DropReason> seen = EnumSet.noneOf(DropReason.class);
        int parsed = 0;
        for (byte[] good : new byte[][] {v4Frame(), v6Frame()}) {
            for (int len = 0; len < good.length; len++) {
                FrameVerdict r = FrameParser.parse(Arrays.copyOf(good, len), "eth0", 0);
                assertThat(r).as("a frame cut to %d bytes", len).isInstanceOf(FrameVerdict.Dropped.class);
                ParsedFrames.assertSound(good, 0, r);
            }
            assertThat(FrameParser.parse(good, "eth0", 0)).isInstanceOf(ReceivedVrrp.class);
            for (int i = 0; i < 20_000; i++) {
                byte[] f = good.clone();
                for (int k = random.nextInt(4); k >= 0; k--) {
                    f[random.nextInt(f.length)] = (byte) random.nextInt(256);
                }
                FrameVerdict r = FrameParser.parse(f, "eth0", 0);
                ParsedFrames.assertSound(f, 0, r);
                if (r instanceof FrameVerdict.Dropped d) {
                    seen.add(d.reason());
                } else {
                    parsed++;
                }
            }
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] f = new byte[random.nextInt(120)];
            random.nextBytes(f);
            ParsedFrames.assertSound(f, 0, FrameParser.parse(f, "eth0", 0));
        }
        // The mutations reach both outcomes and several checks, or this proves little.
        assertThat(parsed).as("mutated frames still parsed (bytes the parser does not check)").isPositive();
        assertThat(seen).as("drop causes the mutations reached").hasSizeGreaterThanOrEqualTo(5);
    }
}
