package org.keepvip.agent.loop;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.agent.daemon.VipSpec;

/**
 * The instance the runtime order tests drive: VI_1, VRRPv3 VRID 1 on eth0 at 192.0.2.12 with the
 * VIP 192.0.2.100/24, adverts every 100 ms (so it takes over by itself within half a second), and a
 * peer at 192.0.2.11.
 */
final class OneInstance {
    static final InetAddress SELF = ip("192.0.2.12");
    static final InetAddress PEER = ip("192.0.2.11");
    static final InetAddress GROUP = ip("224.0.0.18");
    static final InetAddress VIP = ip("192.0.2.100");
    static final int ADVERT_CENTIS = 10;
    static final VipSpec SPEC = new VipSpec(VIP, 24, "eth0", null, false);

    private OneInstance() {
    }

    static VrrpInstance machine() {
        return new VrrpInstance(InstanceConfig.builder("VI_1", 1, SELF).version(3).priority(100)
                .advertIntervalCentis(ADVERT_CENTIS).build());
    }

    static InstanceRuntime.Wire wire() {
        return new InstanceRuntime.Wire("eth0", 3, 1, ADVERT_CENTIS, AuthType.NONE, null, List.of(VIP), SELF,
                List.of(GROUP), ChecksumMode.STANDARD, null, false);
    }

    static ReceiveExpectations expectations() {
        return ReceiveExpectations.of(3, 1, ADVERT_CENTIS, List.of(VIP), 100);
    }

    /** The peer's advert at priority 200, as the capture hands it to the loop: the instance yields. */
    static LoopEvent.PacketIn higherPriorityAdvert() {
        byte[] higher = VrrpCodec.encode(new VrrpAdvert(3, 1, 200, ADVERT_CENTIS, AuthType.NONE, new byte[0],
                List.of(VIP)), PEER, GROUP, ChecksumMode.STANDARD);
        return new LoopEvent.PacketIn("eth0", PacketContext.of(PEER, GROUP, 255), higher, System.nanoTime());
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
