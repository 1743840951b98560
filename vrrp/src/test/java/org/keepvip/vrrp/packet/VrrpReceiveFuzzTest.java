package org.keepvip.vrrp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.packet.Hex.ip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of what a received VRRP message goes through: the codec and
 * the receive checks of an instance. As a plain test it replays the committed inputs in
 * {@code VrrpReceiveFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/testing.md).
 *
 * <p>An input is one control byte and the message. The control byte picks the family, the source,
 * TTL and destination, the instance's expectations, and whether the harness writes the right
 * checksum into the message first, so the fuzzer gets past the checksum to the checks behind it.
 */
class VrrpReceiveFuzzTest {
    private static final InetAddress PEER4 = ip("192.0.2.11");
    private static final InetAddress PEER6 = ip("fe80::11");
    private static final InetAddress UNICAST4 = ip("192.0.2.12");
    private static final InetAddress VIP4 = ip("192.0.2.100");
    private static final InetAddress VIP6 = ip("2001:db8::100");

    private static final List<ReceiveExpectations> EXPECT4 = List.of(
            ReceiveExpectations.of(3, 7, 100, List.of(VIP4), 100),
            ReceiveExpectations.of(2, 7, 100, List.of(VIP4, ip("192.0.2.101")), 100)
                    .withAuth(AuthType.PASS, "secret".getBytes(StandardCharsets.US_ASCII)),
            ReceiveExpectations.of(3, 7, 5, List.of(VIP4), 255).withOwnerIgnoreAdverts(true),
            ReceiveExpectations.of(3, 7, 100, List.of(VIP4), 100)
                    .withPeers(List.of(new UnicastPeer(PEER4, 250, 255)), true)
                    .withChecksum(false, OldUnicastChecksum.AUTO).withSkipCheckAdvAddr(true),
            ReceiveExpectations.of(3, 7, 100, List.of(VIP4), 100).withChecksum(true, OldUnicastChecksum.FORCE),
            ReceiveExpectations.of(2, 7, 100, List.of(VIP4), 100));
    private static final List<ReceiveExpectations> EXPECT6 = List.of(
            ReceiveExpectations.of(3, 7, 100, List.of(VIP6), 100),
            ReceiveExpectations.of(3, 7, 100, List.of(VIP6), 100)
                    .withPeers(List.of(new UnicastPeer(PEER6, 0, 255)), true));

    @FuzzTest(maxDuration = "5m")
    void aReceivedMessageIsAcceptedOrRejectedWithACause(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int control = input[0] & 0xff;
        byte[] message = java.util.Arrays.copyOfRange(input, 1, input.length);
        boolean v6 = (control & 0x01) != 0;
        boolean unicast = (control & 0x02) != 0;
        boolean fixChecksum = (control & 0x04) != 0;
        int ttl = (control & 0x08) != 0 ? 255 : 64 + (control >>> 5);
        List<ReceiveExpectations> choices = v6 ? EXPECT6 : EXPECT4;
        ReceiveExpectations expect = choices.get((control >>> 4) % choices.size());
        InetAddress source = v6 ? PEER6 : PEER4;
        InetAddress destination = v6 ? (unicast ? ip("fe80::12") : VrrpCodec.MULTICAST_V6)
                : (unicast ? UNICAST4 : VrrpCodec.MULTICAST_V4);
        if (fixChecksum && message.length >= VrrpCodec.HEADER_LENGTH) {
            int version = (message[0] >>> 4) & 0x0f;
            ChecksumMode mode = (control & 0x80) != 0 ? ChecksumMode.OLD_UNICAST : ChecksumMode.STANDARD;
            int sum = VrrpCodec.expectedChecksum(message, 0, message.length, version, source, destination, mode);
            message[6] = (byte) (sum >>> 8);
            message[7] = (byte) sum;
        }

        DecodeResult decoded = VrrpCodec.decode(message, source, destination);
        if (decoded instanceof DecodeResult.Decoded d && d.advert().authType() == AuthType.AH) {
            // Decoded so the checks can name the cause, but never sent: keepvip has no IPsec-AH.
            assertThat(ReceiveChecker.check(message, PacketContext.of(source, destination, 255), expect))
                    .as("an AH advert is never accepted").isInstanceOf(Rejected.class);
        } else if (decoded instanceof DecodeResult.Decoded d) {
            // What decodes re-encodes to a message that decodes to the same advert.
            byte[] again = VrrpCodec.encode(d.advert(), source, destination, d.checksum());
            assertThat(VrrpCodec.decode(again, source, destination))
                    .isInstanceOfSatisfying(DecodeResult.Decoded.class, r -> assertThat(r.advert()).isEqualTo(d.advert()));
        } else {
            assertThat(((Rejected) decoded).detail()).as("a rejection names the offending value").isNotBlank();
        }

        PacketContext context = PacketContext.of(source, destination, ttl)
                .withFromKnownMaster((control & 0x40) != 0);
        ReceiveResult result = ReceiveChecker.check(message, context, expect);
        if (result instanceof ReceiveResult.Accepted a) {
            if (a.checksum().isEmpty()) {
                // keepalived's v3_checksum_as_v2 skips the check when no variant matches.
                assertThat(expect.v3ChecksumAsV2()).as("an unverified checksum is accepted only so").isTrue();
            } else {
                assertThat(decoded).as("what the checks accept decodes").isInstanceOf(DecodeResult.Decoded.class);
            }
            assertThat(a.advert().vrid()).isEqualTo(expect.vrid());
            assertThat(a.advert().version()).isEqualTo(expect.version());
        } else {
            Rejected r = (Rejected) result;
            assertThat(r.logMessage()).as("a rejection says why, for the log").isNotBlank();
        }
    }
}
