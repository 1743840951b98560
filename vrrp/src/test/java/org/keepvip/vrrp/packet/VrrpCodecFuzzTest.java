package org.keepvip.vrrp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.packet.Hex.ip;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Decoding and checking never throw, whatever the bytes: random packets and random mutations of
 * valid ones, seeded so a failure reproduces (the seed and iteration are in the message).
 */
class VrrpCodecFuzzTest {

    private static final long SEED = 0x6b656570766970L;
    private static final InetAddress SRC4 = ip("192.0.2.1");
    private static final InetAddress SRC6 = ip("fe80::1");

    private static final List<byte[]> VALID = List.of(
            VrrpCodec.encode(new VrrpAdvert(2, 7, 100, 100, AuthType.PASS, "pw".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    List.of(ip("192.0.2.100"), ip("192.0.2.101"))), SRC4, VrrpCodec.MULTICAST_V4, ChecksumMode.STANDARD),
            VrrpCodec.encode(new VrrpAdvert(3, 7, 100, 100, AuthType.NONE, null,
                    List.of(ip("192.0.2.100"))), SRC4, VrrpCodec.MULTICAST_V4, ChecksumMode.STANDARD),
            VrrpCodec.encode(new VrrpAdvert(3, 7, 100, 100, AuthType.NONE, null,
                    List.of(ip("2001:db8::100"))), SRC6, VrrpCodec.MULTICAST_V6, ChecksumMode.STANDARD));

    @Test
    void randomBytesNeverThrow() {
        Random rnd = new Random(SEED);
        Set<RejectReason> seen = EnumSet.noneOf(RejectReason.class);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(80)];
            rnd.nextBytes(b);
            if (rnd.nextInt(3) == 0 && b.length > 0) {
                b[0] = (byte) (rnd.nextBoolean() ? 0x21 : 0x31); // often plausible version/type
            }
            seen.addAll(feed(b, rnd, i));
        }
        assertThat(seen).contains(RejectReason.TOO_SHORT, RejectReason.LENGTH_MISMATCH, RejectReason.BAD_VERSION);
    }

    @Test
    void mutatedValidPacketsNeverThrow() {
        Random rnd = new Random(SEED + 1);
        Set<RejectReason> seen = EnumSet.noneOf(RejectReason.class);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = VALID.get(rnd.nextInt(VALID.size())).clone();
            int kind = rnd.nextInt(4);
            if (kind == 0) {
                b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
            } else if (kind == 1) {
                b = Arrays.copyOf(b, rnd.nextInt(b.length + 24)); // truncate or extend with zeros
            } else if (kind == 2) {
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            } else {
                b[3] = (byte) rnd.nextInt(256); // address count
            }
            seen.addAll(feed(b, rnd, i));
        }
        assertThat(seen).contains(RejectReason.BAD_CHECKSUM, RejectReason.LENGTH_MISMATCH, RejectReason.BAD_TYPE);
    }

    /** Runs decode and check with a random context; returns the reasons seen. */
    private static Set<RejectReason> feed(byte[] b, Random rnd, int iteration) {
        Set<RejectReason> reasons = EnumSet.noneOf(RejectReason.class);
        boolean v6 = rnd.nextBoolean();
        InetAddress src = v6 ? SRC6 : SRC4;
        InetAddress dst = v6 ? VrrpCodec.MULTICAST_V6 : (rnd.nextBoolean() ? VrrpCodec.MULTICAST_V4 : ip("192.0.2.2"));
        try {
            DecodeResult d = VrrpCodec.decode(b, src, dst);
            if (d instanceof DecodeResult.Decoded ok) {
                // What decodes is what the bytes say: version and VRID from the header.
                assertThat(ok.advert().version()).isEqualTo((b[0] & 0xff) >> 4);
                assertThat(ok.advert().vrid()).isEqualTo(b[1] & 0xff);
                assertThat(ok.advert().priority()).isEqualTo(b[2] & 0xff);
            } else {
                Rejected r = (Rejected) d;
                reasons.add(r.reason());
                assertThat(r.detail()).isNotBlank();
            }
            int total = rnd.nextBoolean() ? -1 : 20 + rnd.nextInt(b.length + 3);
            PacketContext ctx = new PacketContext(src, dst, rnd.nextInt(257) - 1, total,
                    total < 0 ? -1 : 20 + b.length, rnd.nextBoolean());
            ReceiveExpectations e = new ReceiveExpectations(2 + rnd.nextInt(2), 7,
                    AuthType.NONE, null, 100, List.of(v6 ? ip("2001:db8::100") : ip("192.0.2.100")),
                    rnd.nextBoolean() ? List.of() : List.of(new UnicastPeer(src, rnd.nextInt(100), 255)),
                    rnd.nextBoolean(), rnd.nextBoolean(), OldUnicastChecksum.values()[rnd.nextInt(3)],
                    rnd.nextBoolean(), rnd.nextBoolean(), 100 + rnd.nextInt(156));
            ReceiveResult c = ReceiveChecker.check(b, ctx, e);
            if (c instanceof ReceiveResult.Accepted a) {
                assertThat(a.advert().vrid()).as("only our VRID passes").isEqualTo(e.vrid());
                assertThat(a.advert().version()).as("only our version passes").isEqualTo(e.version());
            } else {
                Rejected r = (Rejected) c;
                reasons.add(r.reason());
                assertThat(r.logMessage()).as("a rejection says why, for the log").isNotBlank();
            }
        } catch (RuntimeException | AssertionError ex) {
            throw new AssertionError("seed " + SEED + " iteration " + iteration + " packet " + Hex.hex(b), ex);
        }
        return reasons;
    }
}
