package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.daemon.ConfigMapper;
import org.keepvip.netlink.VipSpec;

/**
 * Where a MASTER's GARPs/NAs leave: each VIP's on the interface it sits on (its own, a {@code dev},
 * a macvlan), as keepalived's send_gratuitous_arp(); and garp_extra_if's periodic one per extra
 * interface, chosen as keepalived's vrrp_send_vmac_update() chooses.
 */
class AnnounceInterfacesTest {
    static final VipSpec OWN = OneInstance.SPEC;
    static final VipSpec ON_ETH1 = VipSpec.of(OneInstance.ip("198.51.100.100"), 24, "eth1");
    static final VipSpec ON_VMAC = VipSpec.of(OneInstance.ip("198.51.100.110"), 24, "vrrp.1");
    static final VipSpec ON_VMAC_TOO = VipSpec.of(OneInstance.ip("198.51.100.111"), 24, "vrrp.1");

    static Ports.PacketOut recording(Recorder calls) {
        return new Ports.PacketOut() {
            @Override
            public void sendVrrp(String ifname, byte[] msg, InetAddress source, InetAddress destination) {
                calls.record("advert");
            }

            @Override
            public void announce(String ifname, List<InetAddress> addresses, int rounds) {
                calls.record("announce " + ifname + " " + addresses.stream().map(InetAddress::getHostAddress)
                        .toList() + " x" + rounds);
            }
        };
    }

    @Test
    void eachVipIsAnnouncedOnItsOwnInterfaceAndTheExtraOnesPeriodically() throws Exception {
        Recorder calls = new Recorder();
        List<VipSpec> vips = List.of(OWN, ON_ETH1, ON_VMAC, ON_VMAC_TOO);
        EventLoop loop = new EventLoop();
        InstanceRuntime runtime = new InstanceRuntime(OneInstance.machine(), OneInstance.wire(),
                OneInstance.expectations(), vips, recording(calls), FakePorts.vips(), null, (i, s, p) -> { },
                loop::post);
        List<VipSpec> targets = ConfigMapper.extraIfTargets(vips, "eth0", false, true, List.of("vrrp.1"));
        runtime.useExtraIfGarp(Duration.ofMillis(150), targets);
        loop.add(runtime);
        Thread thread = new Thread(loop, "vrrp-test");
        thread.start();
        try {
            // The takeover's burst (garp_master_repeat 5): one per interface, each with its VIPs.
            calls.await("announce eth0 [192.0.2.100] x5");
            calls.await("announce eth1 [198.51.100.100] x5");
            calls.await("announce vrrp.1 [198.51.100.110, 198.51.100.111] x5");
            // garp_extra_if: once the period has passed, at an advert: one GARP per extra interface,
            // for the first VIP on it; never on the instance's own interface.
            calls.await("announce eth1 [198.51.100.100] x1");
            calls.await("announce vrrp.1 [198.51.100.110] x1");
        } finally {
            loop.post(new LoopEvent.Stop());
            thread.join(5000);
            assertThat(runtime.drainHooks(5000)).isTrue();
            runtime.close();
        }
        assertThat(calls.seen()).noneMatch(c -> c.startsWith("announce eth0") && c.endsWith("x1"));
    }

    @Test
    void extraTargetsFollowKeepalivedsRules() {
        List<VipSpec> vips = List.of(OWN, ON_ETH1, ON_VMAC, ON_VMAC_TOO);
        // Without "all": only the macvlans keepvip made.
        assertThat(ConfigMapper.extraIfTargets(vips, "eth0", false, false, List.of("vrrp.1"))).containsExactly(ON_VMAC);
        // With "all": every interface but the own one.
        assertThat(ConfigMapper.extraIfTargets(vips, "eth0", false, true, List.of("vrrp.1")))
                .containsExactly(ON_ETH1, ON_VMAC);
        // Another interface, but no macvlan of ours and no "all": off.
        assertThat(ConfigMapper.extraIfTargets(List.of(OWN, ON_ETH1), "eth0", false, false, List.of())).isEmpty();
        // Everything on the own interface: off, even with vmac_xmit_base (keepalived turns it off first).
        VipSpec onOwnVmac = VipSpec.of(OneInstance.ip("192.0.2.101"), 24, "vrrp.1");
        assertThat(ConfigMapper.extraIfTargets(List.of(onOwnVmac), "vrrp.1", true, true, List.of("vrrp.1"))).isEmpty();
        // With use_vmac and vmac_xmit_base, the own macvlan is refreshed too when another interface has a VIP.
        assertThat(ConfigMapper.extraIfTargets(List.of(onOwnVmac, ON_ETH1), "vrrp.1", true, true, List.of("vrrp.1")))
                .containsExactly(onOwnVmac, ON_ETH1);
        assertThat(ConfigMapper.extraIfTargets(List.of(onOwnVmac, ON_ETH1), "vrrp.1", false, true, List.of("vrrp.1")))
                .containsExactly(ON_ETH1);
    }
}
