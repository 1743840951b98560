package org.keepvip.agent.packet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The capture ring the daemon asks for: 400 ms of the adverts it expects on the interface, in
 * slots of the snap length, between 1 MiB and 16 MiB.
 */
class CaptureRingSizeTest {
    private static final int MIB = 1 << 20;

    @Test
    void aFewInstancesKeepTheOneMibDefault() {
        assertThat(PcapPacketPort.ringBytes(1500, 40)).isEqualTo(MIB); // one pair at 50 ms
        assertThat(PcapPacketPort.ringBytes(1500, 0)).isEqualTo(MIB);
    }

    @Test
    void twoHundredFiftyInstancesAtFiftyMillisecondsHoldFourHundredMillisecondsOfAdverts() {
        int bytes = PcapPacketPort.ringBytes(1500, 250 * 20);
        int slot = PcapPacketPort.snaplen(1500) + 128;
        assertThat(bytes / slot).as("slots").isGreaterThanOrEqualTo(2000);
        assertThat(bytes).isLessThanOrEqualTo(4 * MIB);
        assertThat(bytes % 65536).as("whole 64 KiB").isZero();
    }

    @Test
    void theRingIsCappedWhateverTheRate() {
        assertThat(PcapPacketPort.ringBytes(9000, 100_000)).isEqualTo(PcapPacketPort.MAX_RING_BYTES);
    }
}
