package org.keepvip.vrrp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.keepvip.vrrp.packet.Hex.bytes;
import static org.keepvip.vrrp.packet.Hex.ip;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VrrpCodecTest {

    private static final InetAddress SRC4 = ip("192.0.2.1");
    private static final InetAddress MCAST4 = VrrpCodec.MULTICAST_V4;
    private static final VrrpAdvert V2 = new VrrpAdvert(2, 7, 100, 100, AuthType.NONE, null, List.of(ip("192.0.2.100")));

    @Test
    void tooShortSaysHowLongItWas() {
        Rejected r = rejected(VrrpCodec.decode(bytes("2107 6401 0001"), SRC4, MCAST4));
        assertThat(r.reason()).isEqualTo(RejectReason.TOO_SHORT);
        assertThat(r.detail()).isEqualTo("length 6 (expected: 8+)");
        assertThat(r.logMessage()).isEqualTo("VRRP packet from 192.0.2.1 too short - 6 bytes");
    }

    @Test
    void lengthMismatchGivesActualAndExpected() {
        byte[] msg = VrrpCodec.encode(V2, SRC4, MCAST4, ChecksumMode.STANDARD);
        byte[] cut = java.util.Arrays.copyOf(msg, 18);
        Rejected r = rejected(VrrpCodec.decode(cut, SRC4, MCAST4));
        assertThat(r.reason()).isEqualTo(RejectReason.LENGTH_MISMATCH);
        assertThat(r.detail()).isEqualTo("length 18 (expected: 20 for 1 addresses)");
        assertThat(r.logMessage()).isEqualTo("vrrp packet from 192.0.2.1 too short, length 18 and expect 20");
    }

    @Test
    void badVersionAndTypeAreRejected() {
        byte[] msg = VrrpCodec.encode(V2, SRC4, MCAST4, ChecksumMode.STANDARD);
        msg[0] = 0x41;
        assertThat(rejected(VrrpCodec.decode(msg, SRC4, MCAST4)).reason()).isEqualTo(RejectReason.BAD_VERSION);
        msg[0] = 0x22;
        Rejected r = rejected(VrrpCodec.decode(msg, SRC4, MCAST4));
        assertThat(r.reason()).isEqualTo(RejectReason.BAD_TYPE);
        assertThat(r.detail()).isEqualTo("type 2 (expected: 1)");
    }

    @Test
    void badChecksumNamesTheExpectedOne() {
        byte[] msg = VrrpCodec.encode(V2, SRC4, MCAST4, ChecksumMode.STANDARD);
        int good = (msg[6] & 0xFF) << 8 | msg[7] & 0xFF;
        msg[7] ^= 1;
        Rejected r = rejected(VrrpCodec.decode(msg, SRC4, MCAST4));
        assertThat(r.reason()).isEqualTo(RejectReason.BAD_CHECKSUM);
        assertThat(r.detail()).isEqualTo(String.format("checksum 0x%04x (expected: 0x%04x)", good ^ 1, good));
        assertThat(r.logMessage()).isEqualTo("Invalid VRRPv2 checksum from 192.0.2.1");
    }

    @Test
    void vridZeroAndUnknownAuthTypeAreRejected() {
        VrrpAdvert a = V2;
        byte[] msg = VrrpCodec.encode(a, SRC4, MCAST4, ChecksumMode.STANDARD);
        msg[1] = 0;
        assertThat(rejected(VrrpCodec.decode(msg, SRC4, MCAST4)).reason()).isEqualTo(RejectReason.UNKNOWN_VRID);
        msg = VrrpCodec.encode(a, SRC4, MCAST4, ChecksumMode.STANDARD);
        msg[4] = 3;
        assertThat(rejected(VrrpCodec.decode(msg, SRC4, MCAST4)).reason()).isEqualTo(RejectReason.INVALID_AUTH_TYPE);
    }

    @Test
    void shortPasswordIsNulPadded() {
        VrrpAdvert a = new VrrpAdvert(2, 7, 100, 100, AuthType.PASS, "abc".getBytes(StandardCharsets.US_ASCII),
                List.of(ip("192.0.2.100")));
        byte[] msg = VrrpCodec.encode(a, SRC4, MCAST4, ChecksumMode.STANDARD);
        assertThat(java.util.Arrays.copyOfRange(msg, 12, 20)).isEqualTo(bytes("6162630000000000"));
        assertThat(msg[4]).isEqualTo((byte) 1);
    }

    @Test
    void v3IntervalUsesTwelveBitsAndIgnoresReservedBitsOnReceive() {
        VrrpAdvert a = new VrrpAdvert(3, 9, 50, 0xFFF, AuthType.NONE, null, List.of(ip("192.0.2.100")));
        byte[] msg = VrrpCodec.encode(a, SRC4, MCAST4, ChecksumMode.STANDARD);
        assertThat(msg[4]).isEqualTo((byte) 0x0F);
        assertThat(msg[5]).isEqualTo((byte) 0xFF);
        // A sender that sets the reserved bits: recompute the checksum and decode.
        msg[4] = (byte) 0xFF;
        msg[6] = 0;
        msg[7] = 0;
        long acc = InternetChecksum.pseudoHeader(SRC4, MCAST4, 112, msg.length);
        int sum = InternetChecksum.finish(InternetChecksum.add(acc, msg, 0, msg.length));
        msg[6] = (byte) (sum >> 8);
        msg[7] = (byte) sum;
        DecodeResult r = VrrpCodec.decode(msg, SRC4, MCAST4);
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        assertThat(((DecodeResult.Decoded) r).advert().advertIntervalCentis()).isEqualTo(0xFFF);
    }

    @Test
    void ipv4MappedVipStaysAnIpv6Address() {
        InetAddress mapped = VrrpCodec.address(bytes("00000000000000000000ffffc0000264"));
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        VrrpAdvert a = new VrrpAdvert(3, 9, 50, 100, AuthType.NONE, null, List.of(mapped));
        byte[] msg = VrrpCodec.encode(a, ip("fe80::1"), VrrpCodec.MULTICAST_V6, ChecksumMode.STANDARD);
        DecodeResult.Decoded d = (DecodeResult.Decoded) VrrpCodec.decode(msg, ip("fe80::1"), VrrpCodec.MULTICAST_V6);
        assertThat(d.advert().addresses().get(0)).isInstanceOf(Inet6Address.class);
        assertThat(d.advert().addresses().get(0).getAddress()).isEqualTo(mapped.getAddress());
    }

    @Test
    void encodeRefusesWhatCannotGoOnTheWire() {
        assertThatThrownBy(() -> VrrpCodec.encode(
                new VrrpAdvert(2, 7, 100, 150, AuthType.NONE, null, List.of()), SRC4, MCAST4, ChecksumMode.STANDARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> VrrpCodec.encode(
                new VrrpAdvert(2, 7, 100, 100, AuthType.AH, null, List.of()), SRC4, MCAST4, ChecksumMode.STANDARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AH");
        assertThatThrownBy(() -> VrrpCodec.encode(
                new VrrpAdvert(3, 7, 100, 100, AuthType.NONE, null, List.of(ip("2001:db8::1"))), SRC4, MCAST4,
                ChecksumMode.STANDARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("family");
        assertThatThrownBy(() -> VrrpCodec.encode(V2, SRC4, VrrpCodec.MULTICAST_V6, ChecksumMode.STANDARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("family");
    }

    @Test
    void randomAdvertsRoundTripInEveryMode() {
        Random rnd = new Random(20261122L);
        for (int i = 0; i < 3000; i++) {
            boolean v6 = rnd.nextBoolean();
            int version = v6 && rnd.nextInt(4) != 0 ? 3 : 2 + rnd.nextInt(2);
            int n = rnd.nextInt(v6 ? 20 : 40);
            List<InetAddress> addrs = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                byte[] raw = new byte[v6 ? 16 : 4];
                rnd.nextBytes(raw);
                addrs.add(VrrpCodec.address(raw));
            }
            AuthType auth = version == 2 && rnd.nextBoolean() ? AuthType.PASS : AuthType.NONE;
            byte[] pw = new byte[8];
            rnd.nextBytes(pw);
            int interval = version == 2 ? 100 * rnd.nextInt(256) : rnd.nextInt(0x1000);
            VrrpAdvert a = new VrrpAdvert(version, 1 + rnd.nextInt(255), rnd.nextInt(256), interval, auth,
                    auth == AuthType.PASS ? pw : null, addrs);
            InetAddress src = v6 ? ip("fe80::" + Integer.toHexString(rnd.nextInt(0xffff))) : ip("192.0.2." + rnd.nextInt(256));
            InetAddress dst = rnd.nextBoolean() ? (v6 ? VrrpCodec.MULTICAST_V6 : MCAST4)
                    : (v6 ? ip("2001:db8::" + Integer.toHexString(rnd.nextInt(0xffff))) : ip("198.51.100." + rnd.nextInt(256)));
            ChecksumMode mode = ChecksumMode.values()[rnd.nextInt(3)];

            byte[] msg = VrrpCodec.encode(a, src, dst, mode);
            assertThat(msg).hasSize(VrrpCodec.messageLength(version, n, v6));
            DecodeResult r = VrrpCodec.decode(msg, src, dst);
            assertThat(r).as("iteration %d: %s", i, a).isInstanceOf(DecodeResult.Decoded.class);
            assertThat(((DecodeResult.Decoded) r).advert()).isEqualTo(a);
        }
    }

    @Test
    void decodesAByteBufferWithoutMovingIt() {
        byte[] msg = VrrpCodec.encode(V2, SRC4, MCAST4, ChecksumMode.STANDARD);
        byte[] framed = new byte[msg.length + 20];
        System.arraycopy(msg, 0, framed, 20, msg.length);
        java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(framed).position(20);
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(msg.length).put(msg).flip();
        for (java.nio.ByteBuffer b : List.of(heap.slice(), heap, direct)) {
            int before = b.position();
            assertThat(VrrpCodec.decode(b, SRC4, MCAST4)).isEqualTo(new DecodeResult.Decoded(V2, ChecksumMode.STANDARD));
            assertThat(b.position()).isEqualTo(before);
        }
    }

    @Test
    void ahIsRefusedInExpectations() {
        assertThatThrownBy(() -> ReceiveExpectations.of(2, 1, 100, List.of(), 100).withAuth(AuthType.AH, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AH is not supported");
    }

    private static Rejected rejected(DecodeResult r) {
        assertThat(r).isInstanceOf(Rejected.class);
        return (Rejected) r;
    }
}
