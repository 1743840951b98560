package org.keepvip.netlink;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VipSpecTest {
    @Test
    void validatesAgainstTheKernelsLimits() throws Exception {
        InetAddress v4 = InetAddress.getByName("192.0.2.10");
        InetAddress v6 = InetAddress.getByName("2001:db8::1");
        assertThatThrownBy(() -> VipSpec.of(v4, 33, "eth0")).hasMessageContaining("prefix length 33 (expected: 0-32)");
        assertThat(VipSpec.of(v6, 128, "eth0").isIpv6()).isTrue();
        assertThatThrownBy(() -> VipSpec.of(v6, 129, "eth0")).hasMessageContaining("0-128");
        assertThatThrownBy(() -> VipSpec.of(v4, 32, "")).hasMessageContaining("interface name");
        assertThatThrownBy(() -> VipSpec.of(v6, 64, "eth0").withBroadcast(v4)).hasMessageContaining("only applies to IPv4");
        assertThatThrownBy(() -> VipSpec.of(v4, 32, "eth0").withLabel("eth0:abcdefghijkl"))
                .hasMessageContaining("longer than 15");
        assertThat(VipSpec.of(v4, 32, "eth0").withLabel("eth0:abcdefghij").label()).contains("eth0:abcdefghij");
        assertThat(VipSpec.of(v4, 24, "eth0")).hasToString("192.0.2.10/24 dev eth0");
    }

    @Test
    void explicitPreferredLifetimeOnIpv4AddsCacheinfo() throws Exception {
        VipSpec vip = VipSpec.of(InetAddress.getByName("192.0.2.10"), 32, "eth0").withPreferredLifetime(0);
        byte[] req = RtnlCodec.addressRequest(true, vip, 2, 1);
        // header 16 + ifaddrmsg 8 + local 8 + address 8 + cacheinfo 20
        assertThat(req).hasSize(60);
    }

    @Test
    void macAddressFormat() {
        MacAddress m = MacAddress.parse("02:00:5e:00:01:0a");
        assertThat(m).hasToString("02:00:5e:00:01:0a");
        assertThat(m.isZero()).isFalse();
        assertThat(MacAddress.of(new byte[6]).isZero()).isTrue();
    }
}
