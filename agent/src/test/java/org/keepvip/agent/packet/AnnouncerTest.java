package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AnnouncerTest {
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:0a");

    @Test
    void sendsRoundsOverAllVipsInOrder() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        Announcer a = new Announcer(sent::add, MAC);
        InetAddress v4 = InetAddress.getByName("192.0.2.100");
        InetAddress v6 = InetAddress.getByName("2001:db8:1::100");
        int n = a.burst(List.of(v4, v6), 3, false, Duration.ZERO);

        assertThat(n).isEqualTo(6);
        byte[] garp = AnnouncementFrames.gratuitousArp(MAC, (Inet4Address) v4);
        byte[] na = AnnouncementFrames.unsolicitedNa(MAC, (Inet6Address) v6, false);
        assertThat(sent).containsExactly(garp, na, garp, na, garp, na);
    }

    @Test
    void spacingIsKeptBetweenMessages() throws Exception {
        List<Long> times = new ArrayList<>();
        Announcer a = new Announcer(f -> times.add(System.nanoTime()), MAC);
        a.burst(List.of(InetAddress.getByName("192.0.2.100")), 3, false, Duration.ofMillis(20));
        assertThat(times).hasSize(3);
        assertThat(times.get(2) - times.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
    }

    @Test
    void routerFlagReachesTheNa() throws Exception {
        byte[] f = new Announcer(x -> {}, MAC).frameFor(InetAddress.getByName("2001:db8::5"), true);
        assertThat(f[14 + 40 + 4] & 0xFF).isEqualTo(0xA0);
    }
}
