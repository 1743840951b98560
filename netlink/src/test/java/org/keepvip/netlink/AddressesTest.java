package org.keepvip.netlink;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class AddressesTest {
    @ParameterizedTest
    @CsvSource({
        "2001:db8:0:0:0:0:0:5, 2001:db8::5",
        "0:0:0:0:0:0:0:1, ::1",
        "0:0:0:0:0:0:0:0, ::",
        "fe80:0:0:0:78ee:fff:fe9e:5866, fe80::78ee:fff:fe9e:5866",
        "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "2001:db8:1:2:3:4:0:1, 2001:db8:1:2:3:4:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "1:0:0:2:0:0:3:4, 1::2:0:0:3:4",
        "1:0:0:0:0:0:0:0, 1::",
        "192.0.2.10, 192.0.2.10",
    })
    void formatsLikeIp(String in, String expected) throws Exception {
        assertThat(Addresses.format(InetAddress.getByName(in))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "192.0.2.10, 24, 192.0.2.255",
        "192.0.2.10, 30, 192.0.2.11",
        "198.51.100.77, 16, 198.51.255.255",
        "192.0.2.10, 0, 255.255.255.255",
    })
    void broadcastSetsHostBits(String in, int prefix, String expected) throws Exception {
        assertThat(Addresses.broadcast(InetAddress.getByName(in), prefix)).isEqualTo(InetAddress.getByName(expected));
    }

    @org.junit.jupiter.api.Test
    void broadcastRejectsHostRoutesAndIpv6() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Addresses.broadcast(InetAddress.getByName("192.0.2.1"), 31))
                .hasMessageContaining("at most /30, got 192.0.2.1/31");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Addresses.broadcast(InetAddress.getByName("2001:db8::1"), 64))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
