package org.keepvip.vrrp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.keepvip.vrrp.packet.Hex.bytes;
import static org.keepvip.vrrp.packet.Hex.ip;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** keepalived's receive validation (keepalived's vrrp.c, vrrp_check_packet), one scenario per reject reason, plus the logged-only cases. */
class ReceiveCheckerTest {

    // Captured keepalived adverts (see VrrpCodecGoldenTest for the annotated layout).
    private static final String V2_MULTICAST = "2133 6401 0001 7019 0a4d0064 0000000000000000"; // 10.77.0.2 -> 224.0.0.18
    private static final String V3_STANDARD = "3134 6401 0032 4a6a 0a4d00c8";    // 10.77.0.1 -> 10.77.0.2
    private static final String V3_OLD_UNICAST = "3134 6401 0032 74a6 0a4d00c8";
    private static final String V3_AS_V2 = "3134 6401 0032 5f83 0a4d00c8";
    private static final String V2_PASS = "213d 9601 0102 17dc c0000264 7365637265743132"; // 192.0.2.1, "secret12"
    private static final String V3_IPV6_MULTICAST = "3135 6401 0064 3e8c 20010db8000000000000000000000100";

    private static final InetAddress V2_SRC = ip("10.77.0.2");
    private static final InetAddress MCAST4 = VrrpCodec.MULTICAST_V4;
    private static final InetAddress V3_SRC = ip("10.77.0.1");
    private static final InetAddress V3_DST = ip("10.77.0.2");

    /** The v2 multicast instance the captured v2 advert belongs to. */
    private static final ReceiveExpectations V2_INSTANCE = ReceiveExpectations.of(2, 51, 100, List.of(ip("10.77.0.100")), 100);
    /** The v3 unicast instance receiving the captured v3 advert (we are 10.77.0.2, the peer is 10.77.0.1). */
    private static final ReceiveExpectations V3_INSTANCE = ReceiveExpectations.of(3, 52, 50, List.of(ip("10.77.0.200")), 100)
            .withPeers(List.of(new UnicastPeer(V3_SRC)), false);

    private static final PacketContext V2_CTX = PacketContext.of(V2_SRC, MCAST4, 255);
    private static final PacketContext V3_CTX = PacketContext.of(V3_SRC, V3_DST, 255);

    private record Scenario(byte[] message, PacketContext context, ReceiveExpectations expect, String log) {
    }

    /** A packet that fails exactly at {@code reason} (the switch is exhaustive: a new reason needs a scenario). */
    private static Scenario scenario(RejectReason reason) {
        return switch (reason) {
            case TOO_SHORT -> new Scenario(bytes("2133 6401 0001 70"), V2_CTX, V2_INSTANCE,
                    "VRRP packet from 10.77.0.2 too short - 7 bytes");
            case LENGTH_MISMATCH -> new Scenario(bytes(V2_MULTICAST + "0000 0000"), V2_CTX, V2_INSTANCE,
                    "vrrp packet from 10.77.0.2 too long, length 24 and expect 20");
            case BAD_TTL -> new Scenario(bytes(V2_MULTICAST), PacketContext.of(V2_SRC, MCAST4, 64), V2_INSTANCE,
                    "invalid TTL/HL from 10.77.0.2. Received 64 and expect 255");
            case BAD_VERSION -> new Scenario(bytes(V2_MULTICAST), V2_CTX,
                    ReceiveExpectations.of(3, 51, 100, List.of(ip("10.77.0.100")), 100),
                    "wrong VRRP version from 10.77.0.2. Received 2 and expect 3");
            case BAD_TYPE -> new Scenario(v2With(0, 0x22), V2_CTX, V2_INSTANCE,
                    "Invalid packet type from 10.77.0.2. 2 and expect 1");
            case BAD_CHECKSUM -> new Scenario(bytes("2133 6401 0001 7018 0a4d0064 0000000000000000"), V2_CTX, V2_INSTANCE,
                    "Invalid VRRPv2 checksum from 10.77.0.2");
            case INVALID_AUTH_TYPE -> new Scenario(v2With(4, 7), V2_CTX, V2_INSTANCE,
                    "Invalid auth type from 10.77.0.2: 7");
            case AUTH_TYPE_MISMATCH -> new Scenario(bytes(V2_MULTICAST), V2_CTX, V2_INSTANCE.withAuth(AuthType.PASS, ascii("pw")),
                    "received a 0 auth from 10.77.0.2, expecting 1!");
            case WRONG_PASSWORD -> new Scenario(bytes(V2_PASS), PacketContext.of(ip("192.0.2.1"), MCAST4, 255),
                    passInstance("secret13"), "received an invalid passwd from 192.0.2.1!");
            case INTERVAL_MISMATCH -> new Scenario(bytes(V2_MULTICAST), V2_CTX,
                    ReceiveExpectations.of(2, 51, 200, List.of(ip("10.77.0.100")), 100),
                    "advertisement interval mismatch with 10.77.0.2 mine=2 sec rcv'd=1 sec");
            case ZERO_INTERVAL -> new Scenario(bytes("3134 6401 0000 4a6a 0a4d 00c8"), V3_CTX, V3_INSTANCE,
                    "advertisement interval 0 from 10.77.0.1");
            case UNICAST_MULTICAST_MISMATCH -> new Scenario(bytes(V2_MULTICAST), PacketContext.of(V2_SRC, ip("10.77.0.1"), 255),
                    V2_INSTANCE, "Expected multicast packet but received unicast packet from 10.77.0.2");
            case NOT_A_PEER -> new Scenario(bytes(V3_STANDARD), V3_CTX,
                    V3_INSTANCE.withPeers(List.of(new UnicastPeer(ip("10.77.0.3"))), true),
                    "unicast source address 10.77.0.1 not a unicast peer");
            case TTL_OUT_OF_RANGE -> new Scenario(bytes(V3_STANDARD), PacketContext.of(V3_SRC, V3_DST, 64),
                    V3_INSTANCE.withPeers(List.of(new UnicastPeer(V3_SRC, 250, 255)), false),
                    "TTL/HL 64 from 10.77.0.1 not in range [250, 255]");
            case OWNER_IGNORES -> new Scenario(bytes(V2_MULTICAST), V2_CTX,
                    ReceiveExpectations.of(2, 51, 100, List.of(ip("10.77.0.100")), 255).withOwnerIgnoreAdverts(true),
                    "Dropping packet(s) from 10.77.0.2 since we are address owner");
            case UNKNOWN_VRID -> new Scenario(bytes(V2_MULTICAST), V2_CTX,
                    ReceiveExpectations.of(2, 52, 100, List.of(ip("10.77.0.100")), 100),
                    "Unknown VRID(51) received from 10.77.0.2. ignoring...");
        };
    }

    @ParameterizedTest
    @EnumSource(RejectReason.class)
    void checkerReturnsEachRejectReasonWithKeepalivedsLogText(RejectReason reason) {
        Scenario s = scenario(reason);
        ReceiveResult r = ReceiveChecker.check(s.message(), s.context(), s.expect());
        assertThat(r).isInstanceOf(Rejected.class);
        Rejected rej = (Rejected) r;
        assertThat(rej.reason()).isEqualTo(reason);
        assertThat(rej.logMessage()).isEqualTo(s.log());
        assertThat(rej.detail()).contains("expected");
    }

    @Test
    void rejectReasonsNameKeepalivedsCounters() {
        assertThat(RejectReason.BAD_TTL.statsCounter()).contains("ip_ttl_err");
        assertThat(RejectReason.WRONG_PASSWORD.statsCounter()).contains("auth_failure");
        assertThat(RejectReason.LENGTH_MISMATCH.statsCounter()).contains("packet_len_err");
        assertThat(RejectReason.TOO_SHORT.statsCounter()).contains("packet_len_err");
        assertThat(RejectReason.BAD_TYPE.statsCounter()).contains("invalid_type_rcvd");
        assertThat(RejectReason.INVALID_AUTH_TYPE.statsCounter()).contains("invalid_authtype");
        assertThat(RejectReason.AUTH_TYPE_MISMATCH.statsCounter()).contains("authtype_mismatch");
        assertThat(RejectReason.UNICAST_MULTICAST_MISMATCH.statsCounter()).contains("addr_list_err");
        assertThat(RejectReason.INTERVAL_MISMATCH.statsCounter()).contains("advert_interval_err");
        assertThat(RejectReason.OWNER_IGNORES.statsCounter()).isEmpty();
    }

    @Test
    void goldenAdvertsAreAcceptedWithoutWarnings() {
        ReceiveResult.Accepted v2 = accepted(ReceiveChecker.check(bytes(V2_MULTICAST), V2_CTX, V2_INSTANCE));
        assertThat(v2.advert().vrid()).isEqualTo(51);
        assertThat(v2.checksum()).contains(ChecksumMode.STANDARD);
        assertThat(v2.warnings()).isEmpty();

        ReceiveResult.Accepted v3 = accepted(ReceiveChecker.check(bytes(V3_STANDARD), V3_CTX, V3_INSTANCE));
        assertThat(v3.advert().priority()).isEqualTo(100);
        assertThat(v3.warnings()).isEmpty();
        assertThat(v3.oldUnicastChecksumDetected()).isFalse();

        ReceiveExpectations v6 = ReceiveExpectations.of(3, 53, 100, List.of(ip("2001:db8::100")), 100);
        ReceiveResult.Accepted a6 = accepted(ReceiveChecker.check(bytes(V3_IPV6_MULTICAST),
                PacketContext.of(ip("fe80::ff:fe00:2"), VrrpCodec.MULTICAST_V6, 255), v6));
        assertThat(a6.warnings()).isEmpty();
    }

    @Test
    void correctPasswordIsAcceptedAndTheConfiguredOneIsTruncatedToEight() {
        ReceiveResult r = ReceiveChecker.check(bytes(V2_PASS), PacketContext.of(ip("192.0.2.1"), MCAST4, 255),
                passInstance("secret12345"));
        assertThat(accepted(r).advert().authType()).isEqualTo(AuthType.PASS);
    }

    @Test
    void passwordDetailNeverShowsThePassword() {
        Rejected r = (Rejected) ReceiveChecker.check(bytes(V2_PASS), PacketContext.of(ip("192.0.2.1"), MCAST4, 255),
                passInstance("hunter22"));
        assertThat(r.detail() + r.logMessage() + passInstance("hunter22")).doesNotContain("hunter22", "secret12");
    }

    @Test
    void ttlIsOnlyRequiredOnMulticast() {
        assertThat(ReceiveChecker.check(bytes(V3_STANDARD), PacketContext.of(V3_SRC, V3_DST, 64), V3_INSTANCE))
                .isInstanceOf(ReceiveResult.Accepted.class);
        assertThat(ReceiveChecker.check(bytes(V2_MULTICAST), PacketContext.of(V2_SRC, MCAST4, -1), V2_INSTANCE))
                .as("TTL unknown").isInstanceOf(ReceiveResult.Accepted.class);
        ReceiveExpectations v6 = ReceiveExpectations.of(3, 53, 100, List.of(ip("2001:db8::100")), 100);
        Rejected r = (Rejected) ReceiveChecker.check(bytes(V3_IPV6_MULTICAST),
                PacketContext.of(ip("fe80::ff:fe00:2"), VrrpCodec.MULTICAST_V6, 1), v6);
        assertThat(r.reason()).isEqualTo(RejectReason.BAD_TTL);
    }

    @Test
    void checksInKeepalivedsOrder() {
        // Bad TTL and wrong version: TTL is checked first.
        ReceiveExpectations v3 = ReceiveExpectations.of(3, 51, 100, List.of(ip("10.77.0.100")), 100);
        assertThat(reason(ReceiveChecker.check(bytes(V2_MULTICAST), PacketContext.of(V2_SRC, MCAST4, 1), v3)))
                .isEqualTo(RejectReason.BAD_TTL);
        // v2 interval mismatch and a bad checksum: the interval comes first.
        ReceiveExpectations slow = ReceiveExpectations.of(2, 51, 300, List.of(ip("10.77.0.100")), 100);
        assertThat(reason(ReceiveChecker.check(bytes("2133 6401 0001 0000 0a4d0064 0000000000000000"), V2_CTX, slow)))
                .isEqualTo(RejectReason.INTERVAL_MISMATCH);
        // Wrong VRID beats everything but a too-short header.
        assertThat(reason(ReceiveChecker.check(bytes("2134 6401 0001"), V2_CTX, V2_INSTANCE)))
                .isEqualTo(RejectReason.TOO_SHORT);
        assertThat(reason(ReceiveChecker.check(bytes("2134 6401 0001 0000"), V2_CTX, V2_INSTANCE)))
                .isEqualTo(RejectReason.UNKNOWN_VRID);
    }

    @Test
    void ethernetPaddingIsToleratedWhenTheIpTotalLengthShowsIt() {
        // v3 with one IPv4 VIP: 20 + 12 = 32 bytes of IP, padded to 46 on Ethernet.
        byte[] padded = bytes(V3_STANDARD + "0000 0000 0000 0000 0000 0000 0000");
        assertThat(padded).hasSize(26);
        PacketContext ctx = V3_CTX.withLengths(32, 46);
        assertThat(ReceiveChecker.check(padded, ctx, V3_INSTANCE)).isInstanceOf(ReceiveResult.Accepted.class);
        // The agent may also have cut the payload at the total length already.
        assertThat(ReceiveChecker.check(bytes(V3_STANDARD), ctx, V3_INSTANCE)).isInstanceOf(ReceiveResult.Accepted.class);
        // Without the lengths the extra bytes are an error, as they are on a packet too long to be padded.
        assertThat(reason(ReceiveChecker.check(padded, V3_CTX, V3_INSTANCE))).isEqualTo(RejectReason.LENGTH_MISMATCH);
    }

    @Test
    void ipTotalLengthMustMatchTheReceivedLength() {
        Rejected r = (Rejected) ReceiveChecker.check(bytes(V2_MULTICAST), V2_CTX.withLengths(44, 40), V2_INSTANCE);
        assertThat(r.reason()).isEqualTo(RejectReason.LENGTH_MISMATCH);
        assertThat(r.detail()).isEqualTo("IP total length 44 (received: 40)");
        assertThat(r.logMessage()).isEqualTo("ip_tot_len mismatch against received length. 44 and received 40");
        assertThat(ReceiveChecker.check(bytes(V2_MULTICAST), V2_CTX.withLengths(40, 40), V2_INSTANCE))
                .isInstanceOf(ReceiveResult.Accepted.class);
    }

    @Test
    void addressCountMismatchIsOnlyLogged() {
        ReceiveExpectations two = ReceiveExpectations.of(2, 51, 100, List.of(ip("10.77.0.100"), ip("10.77.0.101")), 100);
        ReceiveResult.Accepted a = accepted(ReceiveChecker.check(bytes(V2_MULTICAST), V2_CTX, two));
        assertThat(a.warnings()).containsExactly(
                new ReceiveWarning.AddressCountMismatch(2, 1),
                new ReceiveWarning.VipMissing(51, ip("10.77.0.101"), V2_SRC));
        assertThat(a.warnings().get(0).logMessage()).isEqualTo("expected 2 VIPs but received 1");
        assertThat(a.warnings().get(1).logMessage())
                .isEqualTo("ip address associated with VRID 51 not present in advert from 10.77.0.2: 10.77.0.101");
    }

    @Test
    void missingVipIsOnlyLogged() {
        ReceiveExpectations other = ReceiveExpectations.of(2, 51, 100, List.of(ip("10.77.0.99")), 100);
        ReceiveResult.Accepted a = accepted(ReceiveChecker.check(bytes(V2_MULTICAST), V2_CTX, other));
        assertThat(a.warnings()).containsExactly(new ReceiveWarning.VipMissing(51, ip("10.77.0.99"), V2_SRC));
    }

    @Test
    void skipCheckAdvAddrSkipsTheVipListForTheKnownMasterOnly() {
        ReceiveExpectations other = ReceiveExpectations.of(2, 51, 100, List.of(ip("10.77.0.99")), 100)
                .withSkipCheckAdvAddr(true);
        assertThat(accepted(ReceiveChecker.check(bytes(V2_MULTICAST), V2_CTX.withFromKnownMaster(true), other))
                .warnings()).isEmpty();
        assertThat(accepted(ReceiveChecker.check(bytes(V2_MULTICAST), V2_CTX, other)).warnings()).hasSize(1);
    }

    @Test
    void v3IntervalMismatchIsOnlyLogged() {
        ReceiveExpectations slower = ReceiveExpectations.of(3, 52, 100, List.of(ip("10.77.0.200")), 100)
                .withPeers(List.of(new UnicastPeer(V3_SRC)), false);
        ReceiveResult.Accepted a = accepted(ReceiveChecker.check(bytes(V3_STANDARD), V3_CTX, slower));
        assertThat(a.advert().advertIntervalCentis()).isEqualTo(50);
        assertThat(a.warnings()).containsExactly(new ReceiveWarning.IntervalMismatch(100, 50));
        assertThat(a.warnings().get(0).logMessage())
                .isEqualTo("advertisement interval mismatch ours = 100 centi-sec rcv'd=50 centi-sec");
    }

    @Test
    void oldUnicastChecksumIsDetectedInAutoMode() {
        ReceiveResult.Accepted a = accepted(ReceiveChecker.check(bytes(V3_OLD_UNICAST), V3_CTX, V3_INSTANCE));
        assertThat(a.checksum()).contains(ChecksumMode.OLD_UNICAST);
        assertThat(a.oldUnicastChecksumDetected()).isTrue();
        assertThat(a.warnings()).extracting(ReceiveWarning::logMessage)
                .containsExactly("Setting unicast VRRPv3 checksum to old version");
    }

    @Test
    void oldUnicastChecksumNeverAndForce() {
        ReceiveExpectations never = V3_INSTANCE.withChecksum(false, OldUnicastChecksum.NEVER);
        assertThat(reason(ReceiveChecker.check(bytes(V3_OLD_UNICAST), V3_CTX, never))).isEqualTo(RejectReason.BAD_CHECKSUM);
        assertThat(ReceiveChecker.check(bytes(V3_STANDARD), V3_CTX, never)).isInstanceOf(ReceiveResult.Accepted.class);

        ReceiveExpectations force = V3_INSTANCE.withChecksum(false, OldUnicastChecksum.FORCE);
        ReceiveResult.Accepted a = accepted(ReceiveChecker.check(bytes(V3_OLD_UNICAST), V3_CTX, force));
        assertThat(a.checksum()).contains(ChecksumMode.OLD_UNICAST);
        assertThat(a.oldUnicastChecksumDetected()).as("already in old mode: nothing to switch").isFalse();
        Rejected r = (Rejected) ReceiveChecker.check(bytes(V3_STANDARD), V3_CTX, force);
        assertThat(r.reason()).isEqualTo(RejectReason.BAD_CHECKSUM);
        assertThat(r.detail()).isEqualTo("checksum 0x4a6a (expected: 0x74a6, OLD_UNICAST)");
    }

    @Test
    void oldUnicastIsNotDetectedOnAMulticastInstance() {
        // A v3 multicast packet whose checksum was made for another destination stays a checksum error.
        ReceiveExpectations mcast = ReceiveExpectations.of(3, 52, 50, List.of(ip("10.77.0.200")), 100);
        assertThat(reason(ReceiveChecker.check(bytes(V3_STANDARD), PacketContext.of(V3_SRC, MCAST4, 255), mcast)))
                .isEqualTo(RejectReason.BAD_CHECKSUM);
    }

    @Test
    void v3ChecksumAsV2SkipsVerificationOfReceivedV3Ipv4() {
        ReceiveExpectations asV2 = V3_INSTANCE.withChecksum(true, OldUnicastChecksum.AUTO);
        assertThat(accepted(ReceiveChecker.check(bytes(V3_AS_V2), V3_CTX, asV2)).checksum()).contains(ChecksumMode.V3_AS_V2);
        assertThat(accepted(ReceiveChecker.check(bytes(V3_STANDARD), V3_CTX, asV2)).checksum()).contains(ChecksumMode.STANDARD);
        ReceiveResult.Accepted garbage = accepted(ReceiveChecker.check(bytes("3134 6401 0032 dead 0a4d00c8"), V3_CTX, asV2));
        assertThat(garbage.checksum()).isEqualTo(Optional.empty());
        // Without the option the as-v2 checksum is wrong.
        assertThat(reason(ReceiveChecker.check(bytes(V3_AS_V2), V3_CTX, V3_INSTANCE))).isEqualTo(RejectReason.BAD_CHECKSUM);
    }

    @Test
    void ipv6ChecksumIsVerified() {
        ReceiveExpectations v6 = ReceiveExpectations.of(3, 53, 100, List.of(ip("2001:db8::100")), 100);
        byte[] bad = bytes(V3_IPV6_MULTICAST);
        bad[bad.length - 1] ^= 1;
        assertThat(reason(ReceiveChecker.check(bad, PacketContext.of(ip("fe80::ff:fe00:2"), VrrpCodec.MULTICAST_V6, 255), v6)))
                .isEqualTo(RejectReason.BAD_CHECKSUM);
    }

    @Test
    void unicastSourceCheckAcceptsAPeerAndIsOffByDefault() {
        ReceiveExpectations checked = V3_INSTANCE.withPeers(List.of(new UnicastPeer(ip("10.77.0.3")), new UnicastPeer(V3_SRC)), true);
        assertThat(ReceiveChecker.check(bytes(V3_STANDARD), V3_CTX, checked)).isInstanceOf(ReceiveResult.Accepted.class);
        ReceiveExpectations unchecked = V3_INSTANCE.withPeers(List.of(new UnicastPeer(ip("10.77.0.3"))), false);
        assertThat(ReceiveChecker.check(bytes(V3_STANDARD), V3_CTX, unchecked)).isInstanceOf(ReceiveResult.Accepted.class);
        ReceiveExpectations inRange = V3_INSTANCE.withPeers(List.of(new UnicastPeer(V3_SRC, 60, 255)), false);
        assertThat(ReceiveChecker.check(bytes(V3_STANDARD), PacketContext.of(V3_SRC, V3_DST, 64), inRange))
                .isInstanceOf(ReceiveResult.Accepted.class);
    }

    @Test
    void ownerWithoutOwnerIgnoreAdvertsStillProcessesAdverts() {
        ReceiveExpectations owner = ReceiveExpectations.of(2, 51, 100, List.of(ip("10.77.0.100")), 255);
        assertThat(ReceiveChecker.check(bytes(V2_MULTICAST), V2_CTX, owner)).isInstanceOf(ReceiveResult.Accepted.class);
        ReceiveExpectations notOwner = ReceiveExpectations.of(2, 51, 100, List.of(ip("10.77.0.100")), 254)
                .withOwnerIgnoreAdverts(true);
        assertThat(ReceiveChecker.check(bytes(V2_MULTICAST), V2_CTX, notOwner)).isInstanceOf(ReceiveResult.Accepted.class);
    }

    // ---- helpers ----

    /** The captured v2 advert with one byte changed and its v2 checksum made right again. */
    private static byte[] v2With(int index, int value) {
        byte[] m = bytes(V2_MULTICAST);
        m[index] = (byte) value;
        m[6] = 0;
        m[7] = 0;
        int sum = InternetChecksum.compute(m, 0, m.length);
        m[6] = (byte) (sum >> 8);
        m[7] = (byte) sum;
        return m;
    }

    private static ReceiveExpectations passInstance(String password) {
        return ReceiveExpectations.of(2, 61, 200, List.of(ip("192.0.2.100")), 100).withAuth(AuthType.PASS, ascii(password));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static ReceiveResult.Accepted accepted(ReceiveResult r) {
        assertThat(r).isInstanceOf(ReceiveResult.Accepted.class);
        return (ReceiveResult.Accepted) r;
    }

    private static RejectReason reason(ReceiveResult r) {
        assertThat(r).isInstanceOf(Rejected.class);
        return ((Rejected) r).reason();
    }

}
