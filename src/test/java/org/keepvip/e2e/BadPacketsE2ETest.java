package org.keepvip.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.e2e.Agents.awaitHolder;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.packet.NextHopResolver;
import org.keepvip.agent.packet.OutboundVrrp;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.agent.packet.PcapPacketPort;
import org.keepvip.agent.packet.PortOptions;
import org.keepvip.e2e.lab.Await;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.LabAssumptions;
import org.keepvip.e2e.lab.Node;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;

/**
 * A third host sends adverts that would win the election (priority 254) but
 * are each broken in one way. Nobody changes state, and each cause is counted in status --json. A
 * final well-formed advert proves the path works: the master yields to it.
 */
class BadPacketsE2ETest {
    static final String VIP = "192.0.2.202";
    static final int VRID = 54;

    @BeforeAll
    static void root() {
        LabAssumptions.assumeLabPossible();
    }

    @Test
    void brokenAdvertsAreCountedAndChangeNothing() throws Exception {
        try (Lab lab = Lab.builder().host("a").host("b").host("x").build()) {
            Node a = lab.node("a");
            Node b = lab.node("b");
            Node x = lab.node("x");
            Agents.Keepvip ka = Agents.keepvip(lab, a, "kva", Configs.v2Multicast(VRID, 150, VIP, false));
            Agents.Keepvip kb = Agents.keepvip(lab, b, "kvb", Configs.v2Multicast(VRID, 100, VIP, false));
            awaitHolder(lab, VIP, a, Duration.ofSeconds(8), a, b);

            InetAddress src = InetAddress.getByName(x.ipv4());
            InetAddress group = VrrpCodec.MULTICAST_V4;
            byte[] good = VrrpCodec.encode(advert(2, "s3cret"), src, group, ChecksumMode.STANDARD);
            byte[] badChecksum = good.clone();
            badChecksum[6] ^= 0x5a;
            byte[] wrongPassword = VrrpCodec.encode(advert(2, "guess"), src, group, ChecksumMode.STANDARD);
            byte[] wrongVersion = VrrpCodec.encode(advert(3, null), src, group, ChecksumMode.STANDARD);
            byte[] truncated = Arrays.copyOf(good, 6);

            ExecutorService inX = lab.executor(x);
            try (PacketPort port = inX.submit(() -> PcapPacketPort.open("eth0", PortOptions.defaults(),
                    NextHopResolver.none(), rx -> { })).get()) {
                for (int round = 0; round < 3; round++) {
                    port.sendVrrp(new OutboundVrrp(src, group, 254, good)); // TTL 254 on multicast
                    port.sendVrrp(OutboundVrrp.multicast(src, badChecksum));
                    port.sendVrrp(OutboundVrrp.multicast(src, wrongPassword));
                    port.sendVrrp(OutboundVrrp.multicast(src, wrongVersion));
                    port.sendVrrp(OutboundVrrp.multicast(src, truncated));
                }
                List<String> causes = List.of("bad_ttl", "bad_checksum", "wrong_password", "bad_version", "too_short");
                for (Agents.Keepvip k : List.of(ka, kb)) {
                    Await.until(Duration.ofSeconds(5), k.process().label() + " counted every cause", () ->
                            drops(k).keySet().containsAll(causes));
                    Map<String, Long> drops = drops(k);
                    for (String cause : causes) {
                        assertThat(drops.get(cause)).as(k.process().label() + " " + cause).isEqualTo(3L);
                    }
                }
                assertThat(ka.state()).contains("MASTER");
                assertThat(kb.state()).contains("BACKUP");
                assertThat(Agents.holds(lab, a, VIP)).isTrue();

                // Control: the same advert, well-formed, does win.
                port.sendVrrp(OutboundVrrp.multicast(src, good));
                Await.until(Duration.ofSeconds(3), "a yields to the valid priority-254 advert",
                        () -> ka.state().orElse("").equals("BACKUP"));
            }
        }
    }

    private static VrrpAdvert advert(int version, String password) throws Exception {
        byte[] pass = password == null ? new byte[0]
                : Arrays.copyOf(password.getBytes(StandardCharsets.US_ASCII), 8);
        return new VrrpAdvert(version, VRID, 254, 100, password == null ? AuthType.NONE : AuthType.PASS, pass,
                List.of(InetAddress.getByName(VIP)));
    }

    private static Map<String, Long> drops(Agents.Keepvip k) {
        try {
            StatusSnapshot.Instance i = k.instance();
            return i.stats().drops();
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }
}
