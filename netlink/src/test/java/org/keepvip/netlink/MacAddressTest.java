package org.keepvip.netlink;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MacAddressTest {
    @Test
    void parsesAndPrints() {
        MacAddress m = MacAddress.parse("0A-1b-2C:3d:4E:5f");
        assertThat(m.toString()).isEqualTo("0a:1b:2c:3d:4e:5f");
        assertThat(MacAddress.of(m.bytes())).isEqualTo(m);
        assertThat(m.isMulticast()).isFalse();
        assertThat(MacAddress.BROADCAST.isMulticast()).isTrue();
    }

    @Test
    void mapsMulticastGroups() throws Exception {
        assertThat(MacAddress.forMulticastGroup(InetAddress.getByName("224.0.0.18"))).isEqualTo(MacAddress.VRRP_IPV4_GROUP);
        assertThat(MacAddress.forMulticastGroup(InetAddress.getByName("239.129.0.18")).toString())
                .isEqualTo("01:00:5e:01:00:12"); // only the low 23 bits map
        assertThat(MacAddress.forMulticastGroup(InetAddress.getByName("ff02::12"))).isEqualTo(MacAddress.VRRP_IPV6_GROUP);
        assertThat(MacAddress.forMulticastGroup(InetAddress.getByName("ff02::1"))).isEqualTo(MacAddress.IPV6_ALL_NODES);
        assertThatThrownBy(() -> MacAddress.forMulticastGroup(InetAddress.getByName("192.0.2.1")))
                .hasMessageContaining("not a multicast");
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00")).hasMessageContaining("not a MAC");
        assertThatThrownBy(() -> MacAddress.parse("zz:00:00:00:00:00")).hasMessageContaining("not a MAC");
        assertThatThrownBy(() -> new MacAddress(1L << 48)).hasMessageContaining("out of range");
    }
}
