package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.keepvip.vrrp.packet.InternetChecksum;

/**
 * Coverage-guided fuzzing (Jazzer) of the captured-frame parser: Ethernet, VLAN tags, IPv4 with
 * its options and IPv6 with its extension headers, down to the VRRP payload. As a plain test it
 * replays the committed inputs in {@code FrameParseFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes
 * (docs/testing.md).
 *
 * <p>An input is one control byte and the frame. Bit 0 of the control byte has the harness write
 * the right IPv4 header checksum first (the fuzzer would rarely guess it); bit 1 passes our MAC, so
 * unicast frames to another host are dropped.
 */
class FrameParseFuzzTest {
    private static final MacAddress OWN = new MacAddress(0x02_00_00_00_00_12L);

    @FuzzTest(maxDuration = "5m")
    void anyFrameIsParsedOrDroppedWithACause(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int control = input[0] & 0xff;
        byte[] frame = Arrays.copyOfRange(input, 1, input.length);
        if ((control & 0x01) != 0) {
            fixIpv4HeaderChecksum(frame);
        }
        FrameVerdict r = FrameParser.parse(frame, "eth0", 42L, (control & 0x02) != 0 ? OWN : null);
        ParsedFrames.assertSound(frame, 42L, r);
    }

    /** Rewrites the IPv4 header checksum of an untagged IPv4 frame with a plausible header length. */
    private static void fixIpv4HeaderChecksum(byte[] frame) {
        int ip = EtherType.HEADER_LENGTH;
        if (frame.length < ip + 20 || (frame[12] & 0xff) != 0x08 || frame[13] != 0) {
            return;
        }
        int headerLength = (frame[ip] & 0x0f) * 4;
        if (headerLength < 20 || frame.length < ip + headerLength) {
            return;
        }
        frame[ip + 10] = 0;
        frame[ip + 11] = 0;
        int sum = InternetChecksum.compute(frame, ip, headerLength);
        frame[ip + 10] = (byte) (sum >>> 8);
        frame[ip + 11] = (byte) sum;
    }
}
