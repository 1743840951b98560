package org.keepvip.vrrp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.packet.Hex.bytes;
import static org.keepvip.vrrp.packet.Hex.ip;

import java.net.Inet4Address;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum (with end-around carry) to ddf2.
        byte[] data = bytes("0001 f203 f4f5 f6f7");
        assertThat(InternetChecksum.fold(InternetChecksum.add(0, data, 0, data.length))).isEqualTo(0xddf2);
        assertThat(InternetChecksum.compute(data, 0, data.length)).isEqualTo(0x220d);
    }

    @Test
    void oddLengthPadsTheLastByteWithZero() {
        assertThat(InternetChecksum.compute(bytes("0102 03"), 0, 3))
                .isEqualTo(InternetChecksum.compute(bytes("0102 0300"), 0, 4));
    }

    @Test
    void capturedIpv4HeaderVerifies() {
        // The IPv4 header of the captured v2 advert (VrrpCodecGoldenTest), checksum d043 included.
        byte[] header = bytes("45c0 0028 0001 0000 ff70 d043 0a4d 0002 e000 0012");
        assertThat(InternetChecksum.verifies(InternetChecksum.add(0, header, 0, header.length))).isTrue();
        header[10] = 0;
        header[11] = 0;
        assertThat(InternetChecksum.compute(header, 0, header.length)).isEqualTo(0xd043);
        header[11] = 1;
        assertThat(InternetChecksum.verifies(InternetChecksum.add(0, header, 0, header.length))).isFalse();
    }

    @Test
    void ipv4PseudoHeaderSumsItsFiveFields() {
        long acc = InternetChecksum.ipv4PseudoHeader((Inet4Address) ip("10.77.0.1"), (Inet4Address) ip("10.77.0.2"),
                112, 12);
        byte[] explicit = bytes("0a4d 0001 0a4d 0002 00 70 000c");
        assertThat(InternetChecksum.fold(acc)).isEqualTo(InternetChecksum.fold(InternetChecksum.add(0, explicit, 0, 12)));
    }

    @Test
    void ipv6PseudoHeaderSumsItsFields() {
        long acc = InternetChecksum.ipv6PseudoHeader((Inet6Address) ip("2001:db8::1"), (Inet6Address) ip("ff02::12"),
                112, 0x1_0018L);
        byte[] explicit = bytes("20010db8000000000000000000000001 ff020000000000000000000000000012"
                + "00010018 000000 70");
        assertThat(InternetChecksum.fold(acc))
                .isEqualTo(InternetChecksum.fold(InternetChecksum.add(0, explicit, 0, explicit.length)));
    }
}
