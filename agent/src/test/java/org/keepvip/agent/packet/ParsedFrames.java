package org.keepvip.agent.packet;

import static org.assertj.core.api.Assertions.assertThat;

/** What holds for every {@link FrameParser} result, whatever the frame: for the fuzz and mutation tests. */
final class ParsedFrames {
    private ParsedFrames() {
    }

    /**
     * A packet carries the capture's interface and time, protocol 112, addresses of one family and
     * a payload that all come from the frame's bytes, within the lengths received; a drop says what
     * was wrong.
     */
    static void assertSound(byte[] frame, long receivedAtNanos, FrameVerdict r) {
        if (r instanceof ReceivedVrrp v) {
            assertThat(v.interfaceName()).isEqualTo("eth0");
            assertThat(v.receivedAtNanos()).isEqualTo(receivedAtNanos);
            assertThat(v.protocol()).as("only VRRP goes on").isEqualTo(112);
            assertThat(v.source().getAddress()).as("source from the frame").hasSameSizeAs(v.destination().getAddress());
            assertThat(indexOf(frame, v.source().getAddress())).as("the source address is in the frame").isNotNegative();
            assertThat(indexOf(frame, v.destination().getAddress())).as("the destination is in the frame").isNotNegative();
            byte[] payload = v.payload();
            assertThat(payload.length).as("the payload lies inside the frame").isLessThan(frame.length);
            assertThat(indexOf(frame, payload)).as("the payload is bytes of the frame").isNotNegative();
            assertThat(v.ipTotalLength()).as("IP length within what was received")
                    .isLessThanOrEqualTo(v.receivedIpLength()).isLessThanOrEqualTo(frame.length - EtherType.HEADER_LENGTH);
        } else {
            FrameVerdict.Dropped d = (FrameVerdict.Dropped) r;
            assertThat(d.detail()).as("a drop (%s) says what was wrong", d.reason()).isNotBlank();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
