package org.keepvip.netlink;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Truncated and random input yields empty results, never an exception. */
class GarbageTest {
    private static ByteBuffer nb(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    @Test
    void structsReturnEmptyWhenTruncated() {
        for (int n = 0; n < 20; n++) {
            byte[] b = new byte[n];
            assertThat(NlMsgHdr.parse(nb(b)).isPresent()).isEqualTo(n >= NlMsgHdr.SIZE);
            assertThat(NlMsgErr.parse(nb(b)).isPresent()).isEqualTo(n >= NlMsgErr.SIZE);
            assertThat(IfAddrMsg.parse(nb(b)).isPresent()).isEqualTo(n >= IfAddrMsg.SIZE);
            assertThat(IfInfoMsg.parse(nb(b)).isPresent()).isEqualTo(n >= IfInfoMsg.SIZE);
            assertThat(NdMsg.parse(nb(b)).isPresent()).isEqualTo(n >= NdMsg.SIZE);
            assertThat(RtMsg.parse(nb(b)).isPresent()).isEqualTo(n >= RtMsg.SIZE);
        }
    }

    @Test
    void attributeWithImpossibleLengthIsEmpty() {
        assertThat(RtAttr.parse(nb(new byte[] {2, 0, 1, 0}))).isEmpty(); // len 2 < header
        assertThat(RtAttr.parse(nb(new byte[] {9, 0, 1, 0, 1, 2, 3, 4}))).isEmpty(); // len 9 > 8 available
        ByteBuffer ok = nb(new byte[] {5, 0, 3, 0, 'x', 0, 0, 0});
        assertThat(RtAttr.parse(ok)).hasValueSatisfying(a -> assertThat(a.value()).containsExactly('x'));
        assertThat(ok.position()).isEqualTo(8); // moved past the padding
    }

    @Test
    void everyTruncationOfCapturedRepliesIsHandled() throws Exception {
        for (String hex : List.of(RtnlCodecTest.ACK, RtnlCodecTest.EEXIST, RtnlCodecTest.ADDR_DUMP_V4)) {
            byte[] full = Hex.parse(hex);
            for (int n = 0; n < full.length; n++) {
                byte[] cut = Arrays.copyOf(full, n);
                List<NetlinkMessage> ms = NetlinkMessage.split(ByteBuffer.wrap(cut));
                // A message whose length runs past the data is dropped, never half-parsed.
                for (NetlinkMessage m : ms) {
                    assertThat(m.header().length()).isLessThanOrEqualTo(n);
                }
                decodeAll(ms);
            }
        }
        byte[] link = Hex.resource("rtm_newlink_dummy0.hex");
        for (int n = 0; n < link.length; n++) {
            ByteBuffer body = nb(Arrays.copyOfRange(link, NlMsgHdr.SIZE, Math.max(NlMsgHdr.SIZE, n)));
            int len = body.remaining();
            assertThatCode(() -> RtnlCodec.link(body)).doesNotThrowAnyException();
            if (len < IfInfoMsg.SIZE) {
                assertThat(RtnlCodec.link(body)).isEmpty();
            }
        }
    }

    @Test
    void truncatedBodiesDecodeToEmpty() {
        for (int n = 0; n < 8; n++) {
            ByteBuffer b = nb(new byte[n]);
            assertThat(RtnlCodec.address(b)).isEmpty();
            assertThat(RtnlCodec.link(b)).isEmpty();
            assertThat(RtnlCodec.neighbour(b)).isEmpty();
            assertThat(RtnlCodec.route(b, null)).isEmpty();
        }
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(4242);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(200)];
            r.nextBytes(b);
            if (b.length >= 16 && r.nextBoolean()) {
                // plausible header so the body decoders get exercised too
                ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(0, b.length)
                        .putShort(4, (short) (16 + r.nextInt(16)));
            }
            byte[] input = b;
            assertThatCode(() -> decodeAll(NetlinkMessage.split(ByteBuffer.wrap(input)))).doesNotThrowAnyException();
            decoded += NetlinkMessage.split(ByteBuffer.wrap(input)).size();
        }
        assertThat(decoded).isPositive();
    }

    private static void decodeAll(List<NetlinkMessage> ms) {
        for (NetlinkMessage m : ms) {
            m.error();
            m.extAckMessage();
            NetlinkEvent.of(m);
            RtnlCodec.address(m.body());
            RtnlCodec.link(m.body());
            RtnlCodec.neighbour(m.body());
            RtnlCodec.route(m.body(), null);
        }
    }
}
