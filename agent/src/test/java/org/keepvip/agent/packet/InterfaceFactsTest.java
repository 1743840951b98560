package org.keepvip.agent.packet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Read-only queries; no root, no traffic. */
class InterfaceFactsTest {
    @Test
    void missingInterfaceIsAClearError() {
        assertThatThrownBy(() -> InterfaceFacts.lookup("kvnosuch0"))
                .hasMessage("interface kvnosuch0: no such interface");
    }

    @Test
    void loopbackIsRefusedAsNotEthernet() {
        assertThatThrownBy(() -> InterfaceFacts.lookup("lo")).hasMessageContaining("is not Ethernet (ARPHRD 772)");
    }

    @Test
    void overlongNameIsRefused() {
        assertThatThrownBy(() -> InterfaceFacts.lookup("a-name-of-sixteen")).hasMessageContaining("1..15");
    }
}
