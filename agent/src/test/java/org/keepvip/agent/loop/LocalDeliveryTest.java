package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.loop.LocalDelivery.Refusal;

class LocalDeliveryTest {
    private static final InetAddress SELF = ip("192.0.2.10");
    private static final InetAddress PEER = ip("192.0.2.11");
    private static final InetAddress GROUP = ip("224.0.0.18");
    private static final InetAddress VIP = ip("192.0.2.100");

    @Test
    void anAdvertFromAPeerToTheGroupOrToUsIsDelivered() {
        assertThat(LocalDelivery.refusal(PEER, GROUP, SELF, List.of(GROUP), List.of(VIP))).isNull();
        assertThat(LocalDelivery.refusal(PEER, SELF, SELF, List.of(PEER), List.of())).isNull();
    }

    @Test
    void ourOwnAddressAsSourceIsRefused() {
        assertThat(LocalDelivery.refusal(SELF, GROUP, SELF, List.of(GROUP), List.of())).isEqualTo(Refusal.OWN_ADDRESS);
        assertThat(Refusal.OWN_ADDRESS.counter()).isEqualTo("own_address");
    }

    @Test
    void ourVipAsSourceIsRefusedOnlyWhileWeHoldIt() {
        assertThat(LocalDelivery.refusal(VIP, GROUP, SELF, List.of(GROUP), List.of(VIP))).isEqualTo(Refusal.OWN_VIP);
        assertThat(LocalDelivery.refusal(VIP, GROUP, SELF, List.of(GROUP), List.of()))
                .as("an address owner's adverts come from the VIP").isNull();
    }

    @Test
    void anotherGroupOrAnotherHostsAddressIsTheWrongDestination() {
        assertThat(LocalDelivery.refusal(PEER, ip("224.0.0.1"), SELF, List.of(GROUP), List.of()))
                .isEqualTo(Refusal.WRONG_DESTINATION);
        assertThat(LocalDelivery.refusal(PEER, ip("192.0.2.99"), SELF, List.of(PEER), List.of()))
                .isEqualTo(Refusal.WRONG_DESTINATION);
        assertThat(LocalDelivery.refusal(ip("fe80::2"), ip("ff02::1"), ip("fe80::1"), List.of(ip("ff02::12")),
                List.of())).isEqualTo(Refusal.WRONG_DESTINATION);
    }

    @Test
    void multicastOnAUnicastInstanceIsLeftToTheReceiveChecks() {
        assertThat(LocalDelivery.refusal(PEER, GROUP, SELF, List.of(PEER), List.of())).isNull();
        assertThat(LocalDelivery.refusal(PEER, SELF, SELF, List.of(GROUP), List.of())).isNull();
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
