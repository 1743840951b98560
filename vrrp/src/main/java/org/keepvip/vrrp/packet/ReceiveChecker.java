package org.keepvip.vrrp.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * keepalived's receive validation (keepalived/vrrp/vrrp.c, {@code vrrp_check_packet}) as a pure function:
 * one received VRRP message, what the IP layer said about it, and what the instance expects, give
 * {@link ReceiveResult.Accepted} (with the mismatches keepalived only logs) or a {@link Rejected}.
 * The checks run in keepalived's order, so the first failing one is the one reported.
 * Never throws on any packet bytes.
 */
public final class ReceiveChecker {

    /**
     * An IP packet this short may carry Ethernet padding after its real end (frames are padded to 60
     * bytes, VLAN tags shift that by 4); keepalived tolerates it, and so do we.
     */
    static final int MAX_PADDED_IP_LENGTH = 60;

    private ReceiveChecker() {
    }

    /** Checks a whole array holding the VRRP message. */
    public static ReceiveResult check(byte[] message, PacketContext context, ReceiveExpectations expect) {
        return check(message, 0, message.length, context, expect);
    }

    /**
     * Checks the VRRP message in {@code buf[off, off+len)}: everything after the IP header, which may
     * include Ethernet padding when {@code context} carries the IP lengths.
     */
    public static ReceiveResult check(byte[] buf, int off, int len, PacketContext context, ReceiveExpectations expect) {
        Objects.checkFromIndexSize(off, len, buf.length);
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(expect, "expect");
        InetAddress source = context.source();
        boolean ipv6 = source instanceof Inet6Address;

        if (len < VrrpCodec.HEADER_LENGTH) {
            return new Rejected(RejectReason.TOO_SHORT, "length " + len + " (expected: " + VrrpCodec.HEADER_LENGTH + "+)",
                    RejectReason.TOO_SHORT.log(host(source), len));
        }
        VrrpHeader h = VrrpHeader.read(buf, off);
        int expected = h.expectedLength(ipv6);
        int padding = ipPadding(context);
        Rejected r = checkHeader(h, len, expected, padding, context, expect);
        if (r == null && h.version() == 2) {
            r = checkV2(h, buf, off, ipv6, source, expect); // 6-10. v2 authentication and interval
        }
        if (r == null) {
            r = checkTypeAndLengths(h, padding, ipv6, context);
        }
        if (r != null) {
            return r;
        }

        List<ReceiveWarning> warnings = new ArrayList<>();
        // 13. v3 interval: only logged (a v3 backup adopts the master's interval).
        if (h.version() == 3 && h.intervalCentis() != expect.advertIntervalCentis()) {
            warnings.add(new ReceiveWarning.IntervalMismatch(expect.advertIntervalCentis(), h.intervalCentis()));
        }

        // 14. Checksum.
        ChecksumOutcome sum = checkChecksum(h, buf, off, expected, context, expect, ipv6);
        if (sum.rejected() != null) {
            return sum.rejected();
        }
        if (sum.detectedOldUnicast()) {
            warnings.add(new ReceiveWarning.OldUnicastChecksumDetected());
        }

        r = checkDestination(context, expect);
        if (r != null) {
            return r;
        }
        VrrpAdvert advert = VrrpCodec.toAdvert(h, buf, off, ipv6);
        addressWarnings(h, advert, context, expect, warnings);
        r = checkUnicastSource(context, expect);
        if (r != null) {
            return r;
        }
        return new ReceiveResult.Accepted(advert, sum.mode(), warnings);
    }

    /** Checks 1-4: the VRID, the length (tolerating Ethernet padding), the TTL, the version. */
    private static Rejected checkHeader(VrrpHeader h, int len, int expected, int padding, PacketContext context,
                                        ReceiveExpectations expect) {
        InetAddress source = context.source();
        if (h.vrid() != expect.vrid()) {
            return new Rejected(RejectReason.UNKNOWN_VRID, "vrid " + h.vrid() + " (expected: " + expect.vrid() + ")",
                    RejectReason.UNKNOWN_VRID.log(host(source), h.vrid()));
        }

        // 2. Length, tolerating Ethernet padding that the IP total length shows to be padding.
        int length = len > expected && len - expected == padding ? expected : len;
        if (length != expected) {
            return VrrpCodec.lengthMismatch(host(source), len, expected, h.count());
        }

        // 3. TTL / hop limit 255, multicast only.
        if (expect.multicast() && context.ttl() != -1 && context.ttl() != VrrpCodec.REQUIRED_TTL) {
            return new Rejected(RejectReason.BAD_TTL, "TTL " + context.ttl() + " (expected: 255)",
                    RejectReason.BAD_TTL.log(host(source), context.ttl()));
        }

        // 4. Version.
        if (h.version() != expect.version()) {
            return new Rejected(RejectReason.BAD_VERSION, "version " + h.version() + " (expected: " + expect.version() + ")",
                    RejectReason.BAD_VERSION.log(host(source), h.version(), expect.version()));
        }
        return null;
    }

    /** Checks 11-13a: the type, the IPv4 total length against what was received, a v3 interval of 0. */
    private static Rejected checkTypeAndLengths(VrrpHeader h, int padding, boolean ipv6, PacketContext context) {
        InetAddress source = context.source();
        // 11. Type.
        if (h.type() != VrrpCodec.TYPE_ADVERTISEMENT) {
            return new Rejected(RejectReason.BAD_TYPE, "type " + h.type() + " (expected: 1)",
                    RejectReason.BAD_TYPE.log(host(source), h.type()));
        }

        // 12. IPv4 total length against what was received.
        if (!ipv6 && context.ipTotalLength() >= 0 && context.receivedLength() >= 0
                && context.ipTotalLength() != context.receivedLength() - padding) {
            return new Rejected(RejectReason.LENGTH_MISMATCH,
                    "IP total length " + context.ipTotalLength() + " (received: " + context.receivedLength() + ")",
                    "ip_tot_len mismatch against received length. " + context.ipTotalLength()
                            + " and received " + context.receivedLength());
        }

        // 13a. v3 interval 0: no router advertises that, and a backup would adopt it (RejectReason).
        if (h.version() == 3 && h.intervalCentis() == 0) {
            return new Rejected(RejectReason.ZERO_INTERVAL, "interval 0 cs (expected: 1..4095)",
                    RejectReason.ZERO_INTERVAL.log(host(source)));
        }
        return null;
    }

    /** Checks 15-16: multicast destination against the instance's mode; an owner that ignores adverts. */
    private static Rejected checkDestination(PacketContext context, ReceiveExpectations expect) {
        InetAddress source = context.source();
        // 15. Multicast destination on a unicast instance, or the reverse.
        if (context.destination().isMulticastAddress() != expect.multicast()) {
            String want = expect.multicast() ? "mult" : "un";
            String got = expect.multicast() ? "un" : "mult";
            return new Rejected(RejectReason.UNICAST_MULTICAST_MISMATCH,
                    "destination " + context.destination().getHostAddress() + " (expected: " + want + "icast)",
                    RejectReason.UNICAST_MULTICAST_MISMATCH.log(host(source), want, got));
        }

        // 16. The address owner may ignore adverts altogether.
        if (expect.ownerIgnoreAdverts() && expect.ownPriority() == 255) {
            return new Rejected(RejectReason.OWNER_IGNORES, "advert from " + host(source) + " (expected: none, owner_ignore_adverts with priority 255)",
                    RejectReason.OWNER_IGNORES.log(host(source)));
        }
        return null;
    }

    /** 17-18. VIP count and list: only logged. */
    private static void addressWarnings(VrrpHeader h, VrrpAdvert advert, PacketContext context,
                                        ReceiveExpectations expect, List<ReceiveWarning> warnings) {
        if (expect.skipCheckAdvAddr() && context.fromKnownMaster()) {
            return;
        }
        if (h.count() != expect.vips().size()) {
            warnings.add(new ReceiveWarning.AddressCountMismatch(expect.vips().size(), h.count()));
        }
        for (InetAddress vip : expect.vips()) {
            if (!containsAddress(advert.addresses(), vip)) {
                warnings.add(new ReceiveWarning.VipMissing(expect.vrid(), vip, context.source()));
            }
        }
    }

    /** 19. Unicast source must be a peer (when asked), and within the peer's TTL range. */
    private static Rejected checkUnicastSource(PacketContext context, ReceiveExpectations expect) {
        if (expect.multicast()
                || !(expect.checkUnicastSource() || expect.peers().stream().anyMatch(UnicastPeer::hasTtlRange))) {
            return null;
        }
        InetAddress source = context.source();
        Optional<UnicastPeer> peer = expect.peers().stream()
                .filter(p -> Arrays.equals(p.address().getAddress(), source.getAddress()))
                .findFirst();
        if (peer.isEmpty()) {
            return new Rejected(RejectReason.NOT_A_PEER, "source " + host(source) + " (expected one of the unicast peers)",
                    RejectReason.NOT_A_PEER.log(host(source)));
        }
        UnicastPeer p = peer.get();
        if (context.ttl() != -1 && (context.ttl() < p.minTtl() || context.ttl() > p.maxTtl())) {
            return new Rejected(RejectReason.TTL_OUT_OF_RANGE,
                    "TTL " + context.ttl() + " (expected: " + p.minTtl() + ".." + p.maxTtl() + ")",
                    RejectReason.TTL_OUT_OF_RANGE.log(host(source), context.ttl(), p.minTtl(), p.maxTtl()));
        }
        return null;
    }

    private static Rejected checkV2(VrrpHeader h, byte[] buf, int off, boolean ipv6, InetAddress source,
                                    ReceiveExpectations expect) {
        if (h.authTypeRaw() > AuthType.AH.wireValue()) {
            return new Rejected(RejectReason.INVALID_AUTH_TYPE, "auth type " + h.authTypeRaw() + " (expected: 0, 1 or 2)",
                    RejectReason.INVALID_AUTH_TYPE.log(host(source), h.authTypeRaw()));
        }
        int want = expect.authType().wireValue();
        if (h.authTypeRaw() != want) {
            return new Rejected(RejectReason.AUTH_TYPE_MISMATCH, "auth type " + h.authTypeRaw() + " (expected: " + want + ")",
                    RejectReason.AUTH_TYPE_MISMATCH.log(host(source), h.authTypeRaw(), want));
        }
        if (expect.authType() == AuthType.PASS) {
            int authAt = off + h.expectedLength(ipv6) - VrrpCodec.AUTH_LENGTH; // the last 8 bytes
            byte[] received = Arrays.copyOfRange(buf, authAt, authAt + VrrpCodec.AUTH_LENGTH);
            // Constant time, as keepalived: the time taken must not reveal how much of it matched.
            if (!MessageDigest.isEqual(received, expect.password())) {
                return new Rejected(RejectReason.WRONG_PASSWORD, "password mismatch (expected: the configured auth_pass, not shown)",
                        RejectReason.WRONG_PASSWORD.log(host(source)));
            }
        }
        if (h.intervalCentis() != expect.advertIntervalCentis()) {
            return new Rejected(RejectReason.INTERVAL_MISMATCH,
                    "interval " + h.intervalRaw() + " s (expected: " + expect.advertIntervalCentis() / 100 + " s)",
                    RejectReason.INTERVAL_MISMATCH.log(host(source), expect.advertIntervalCentis() / 100, h.intervalRaw()));
        }
        return null;
    }

    private record ChecksumOutcome(Optional<ChecksumMode> mode, boolean detectedOldUnicast, Rejected rejected) {
    }

    private static ChecksumOutcome checkChecksum(VrrpHeader h, byte[] buf, int off, int len, PacketContext ctx,
                                                 ReceiveExpectations expect, boolean ipv6) {
        InetAddress src = ctx.source();
        InetAddress dst = ctx.destination();
        if (h.version() == 3 && !ipv6) {
            if (expect.v3ChecksumAsV2()) {
                // keepalived does not verify received v3/IPv4 checksums in this mode; report what matches.
                for (ChecksumMode m : List.of(ChecksumMode.V3_AS_V2, ChecksumMode.STANDARD, ChecksumMode.OLD_UNICAST)) {
                    if (VrrpCodec.checksumMatches(buf, off, len, 3, src, dst, m)) {
                        return new ChecksumOutcome(Optional.of(m), false, null);
                    }
                }
                return new ChecksumOutcome(Optional.empty(), false, null);
            }
            ChecksumMode required = expect.oldUnicastChecksum() == OldUnicastChecksum.FORCE
                    ? ChecksumMode.OLD_UNICAST : ChecksumMode.STANDARD;
            if (VrrpCodec.checksumMatches(buf, off, len, 3, src, dst, required)) {
                return new ChecksumOutcome(Optional.of(required), false, null);
            }
            if (required == ChecksumMode.STANDARD && !expect.multicast()
                    && expect.oldUnicastChecksum() == OldUnicastChecksum.AUTO
                    && !dst.equals(VrrpCodec.MULTICAST_V4)
                    && VrrpCodec.checksumMatches(buf, off, len, 3, src, dst, ChecksumMode.OLD_UNICAST)) {
                return new ChecksumOutcome(Optional.of(ChecksumMode.OLD_UNICAST), true, null);
            }
            return new ChecksumOutcome(Optional.empty(), false, badChecksum(h, buf, off, len, src, dst, required));
        }
        if (VrrpCodec.checksumMatches(buf, off, len, h.version(), src, dst, ChecksumMode.STANDARD)) {
            return new ChecksumOutcome(Optional.of(ChecksumMode.STANDARD), false, null);
        }
        return new ChecksumOutcome(Optional.empty(), false,
                badChecksum(h, buf, off, len, src, dst, ChecksumMode.STANDARD));
    }

    private static Rejected badChecksum(VrrpHeader h, byte[] buf, int off, int len, InetAddress src, InetAddress dst,
                                        ChecksumMode mode) {
        int want = VrrpCodec.expectedChecksum(buf, off, len, h.version(), src, dst, mode);
        return new Rejected(RejectReason.BAD_CHECKSUM,
                String.format(Locale.ROOT, "checksum 0x%04x (expected: 0x%04x, %s)", h.checksum(), want, mode),
                RejectReason.BAD_CHECKSUM.log(src.getHostAddress(), h.version()));
    }

    /**
     * The source as text, for a rejection's messages only: made per rejected packet, not per
     * accepted one (Inet6Address's text form costs more than the rest of the checks).
     */
    private static String host(InetAddress source) {
        return source.getHostAddress();
    }

    /** Bytes of Ethernet padding after the IPv4 packet's real end, as its total length shows. */
    private static int ipPadding(PacketContext ctx) {
        int total = ctx.ipTotalLength();
        int received = ctx.receivedLength();
        if (total >= 0 && received > total && received <= MAX_PADDED_IP_LENGTH) {
            return received - total;
        }
        return 0;
    }

    private static boolean containsAddress(List<InetAddress> list, InetAddress wanted) {
        byte[] raw = wanted.getAddress();
        for (InetAddress a : list) {
            if (Arrays.equals(a.getAddress(), raw)) {
                return true;
            }
        }
        return false;
    }
}
