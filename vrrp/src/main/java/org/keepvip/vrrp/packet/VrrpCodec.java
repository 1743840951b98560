package org.keepvip.vrrp.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Encodes and decodes VRRP messages (the bytes after the IP header): VRRPv2 (RFC 3768) and VRRPv3
 * (RFC 5798), IPv4 and IPv6. Static and channel-free; IP and Ethernet framing belong to the agent.
 *
 * <p>Decoding never throws on any packet bytes: a bad packet is a {@link Rejected} with its reason.
 * Only programming errors (null or mixed-family source/destination) throw.
 */
public final class VrrpCodec {

    /** IP protocol number of VRRP. */
    public static final int IPPROTO_VRRP = 112;
    /** The fixed header: version/type, VRID, priority, count, auth/interval, checksum. */
    public static final int HEADER_LENGTH = 8;
    /** v2 authentication data length. */
    public static final int AUTH_LENGTH = 8;
    /** The only VRRP packet type. */
    public static final int TYPE_ADVERTISEMENT = 1;
    /** TTL / hop limit VRRP sends with and (multicast) requires. */
    public static final int REQUIRED_TTL = 255;
    /** 224.0.0.18, the IPv4 VRRP group. */
    public static final Inet4Address MULTICAST_V4 = (Inet4Address) address(new byte[] {(byte) 224, 0, 0, 18});
    /** ff02::12, the IPv6 VRRP group. */
    public static final Inet6Address MULTICAST_V6 = (Inet6Address) address(
            new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});

    private VrrpCodec() {
    }

    /** The VRRP message length for {@code count} addresses. */
    public static int messageLength(int version, int count, boolean ipv6) {
        return HEADER_LENGTH + count * (ipv6 ? 16 : 4) + (version == 2 ? AUTH_LENGTH : 0);
    }

    /**
     * Encodes {@code advert} with its checksum.
     *
     * @param source      the IP source the packet will carry (used by pseudo-header checksums)
     * @param destination the IP destination: 224.0.0.18 / ff02::12, or the unicast peer
     * @param mode        the v3 IPv4 checksum variant (ignored for v2 and for IPv6, see {@link ChecksumMode})
     * @throws IllegalArgumentException if the advert cannot be put on the wire as asked (a v2
     *                                  interval that is not whole seconds up to 255, AH auth, more than 255
     *                                  addresses, or addresses of another family than source and destination)
     */
    public static byte[] encode(VrrpAdvert advert, InetAddress source, InetAddress destination, ChecksumMode mode) {
        Objects.requireNonNull(advert, "advert");
        Objects.requireNonNull(mode, "mode");
        boolean ipv6 = isIpv6(source, destination);
        List<InetAddress> addresses = advert.addresses();
        if (addresses.size() > 255) {
            throw new IllegalArgumentException(addresses.size() + " addresses (expected: at most 255)");
        }
        int version = advert.version();
        byte[] msg = new byte[messageLength(version, addresses.size(), ipv6)];
        msg[0] = (byte) (version << 4 | TYPE_ADVERTISEMENT);
        msg[1] = (byte) advert.vrid();
        msg[2] = (byte) advert.priority();
        msg[3] = (byte) addresses.size();
        if (version == 2) {
            int centis = advert.advertIntervalCentis();
            if (centis % 100 != 0 || centis / 100 > 255) {
                throw new IllegalArgumentException("VRRPv2 advert interval " + centis
                        + " cs (expected: whole seconds, at most 255)");
            }
            if (advert.authType() == AuthType.AH) {
                throw new IllegalArgumentException("auth type AH is not supported");
            }
            msg[4] = (byte) advert.authType().wireValue();
            msg[5] = (byte) (centis / 100);
        } else {
            if (advert.authType() != AuthType.NONE) {
                throw new IllegalArgumentException("VRRPv3 has no authentication (got " + advert.authType() + ")");
            }
            int centis = advert.advertIntervalCentis();
            msg[4] = (byte) (centis >>> 8 & 0x0F);
            msg[5] = (byte) centis;
        }
        int pos = HEADER_LENGTH;
        for (InetAddress a : addresses) {
            if ((a instanceof Inet6Address) != ipv6) {
                throw new IllegalArgumentException("address " + a.getHostAddress() + " is not of the family of "
                        + source.getHostAddress());
            }
            byte[] raw = a.getAddress();
            System.arraycopy(raw, 0, msg, pos, raw.length);
            pos += raw.length;
        }
        if (version == 2 && advert.authType() == AuthType.PASS) {
            byte[] pw = advert.password();
            System.arraycopy(pw, 0, msg, pos, Math.min(pw.length, AUTH_LENGTH)); // NUL padded / truncated
        }
        int sum = InternetChecksum.finish(InternetChecksum.add(
                pseudoHeaderSum(version, mode, source, destination, msg.length), msg, 0, msg.length));
        msg[6] = (byte) (sum >>> 8);
        msg[7] = (byte) sum;
        return msg;
    }

    /** Decodes a whole array; see {@link #decode(byte[], int, int, InetAddress, InetAddress)}. */
    public static DecodeResult decode(byte[] message, InetAddress source, InetAddress destination) {
        return decode(message, 0, message.length, source, destination);
    }

    /** Decodes the buffer's remaining bytes without moving its position. */
    public static DecodeResult decode(ByteBuffer message, InetAddress source, InetAddress destination) {
        if (message.hasArray()) {
            return decode(message.array(), message.arrayOffset() + message.position(), message.remaining(),
                    source, destination);
        }
        byte[] copy = new byte[message.remaining()];
        message.duplicate().get(copy);
        return decode(copy, source, destination);
    }

    /**
     * Decodes a VRRP message, accepting any checksum variant that matches (tried in the order
     * STANDARD, OLD_UNICAST, V3_AS_V2). The message must be exactly as long as its header says:
     * strip Ethernet padding first (the IP total length tells where the packet ends).
     * Policy checks against an instance's configuration are {@link ReceiveChecker}'s job.
     */
    public static DecodeResult decode(byte[] buf, int off, int len, InetAddress source, InetAddress destination) {
        Objects.checkFromIndexSize(off, len, buf.length);
        boolean ipv6 = isIpv6(source, destination);
        String from = source.getHostAddress();
        if (len < HEADER_LENGTH) {
            return new Rejected(RejectReason.TOO_SHORT, "length " + len + " (expected: " + HEADER_LENGTH + "+)",
                    RejectReason.TOO_SHORT.log(from, len));
        }
        VrrpHeader h = VrrpHeader.read(buf, off);
        if (h.version() != 2 && h.version() != 3) {
            return new Rejected(RejectReason.BAD_VERSION, "version " + h.version() + " (expected: 2 or 3)",
                    RejectReason.BAD_VERSION.log(from, h.version(), "2 or 3"));
        }
        if (h.type() != TYPE_ADVERTISEMENT) {
            return new Rejected(RejectReason.BAD_TYPE, "type " + h.type() + " (expected: 1)",
                    RejectReason.BAD_TYPE.log(from, h.type()));
        }
        int expected = h.expectedLength(ipv6);
        if (len != expected) {
            return lengthMismatch(from, len, expected, h.count());
        }
        if (h.vrid() == 0) {
            return new Rejected(RejectReason.UNKNOWN_VRID, "vrid 0 (expected: 1..255)",
                    RejectReason.UNKNOWN_VRID.log(from, 0));
        }
        if (h.version() == 2 && h.authTypeRaw() > AuthType.AH.wireValue()) {
            return new Rejected(RejectReason.INVALID_AUTH_TYPE, "auth type " + h.authTypeRaw() + " (expected: 0, 1 or 2)",
                    RejectReason.INVALID_AUTH_TYPE.log(from, h.authTypeRaw()));
        }
        for (ChecksumMode mode : ChecksumMode.values()) {
            if (checksumMatches(buf, off, len, h.version(), source, destination, mode)) {
                return new DecodeResult.Decoded(toAdvert(h, buf, off, ipv6), mode);
            }
        }
        int want = expectedChecksum(buf, off, len, h.version(), source, destination, ChecksumMode.STANDARD);
        return new Rejected(RejectReason.BAD_CHECKSUM,
                String.format(Locale.ROOT, "checksum 0x%04x (expected: 0x%04x)", h.checksum(), want),
                RejectReason.BAD_CHECKSUM.log(from, h.version()));
    }

    /**
     * True when the checksum in {@code buf[off, off+len)} is right for the given variant. For v2,
     * and for IPv6, the variant does not change the computation.
     */
    public static boolean checksumMatches(byte[] buf, int off, int len, int version,
                                          InetAddress source, InetAddress destination, ChecksumMode mode) {
        long acc = pseudoHeaderSum(version, mode, source, destination, len);
        return InternetChecksum.verifies(InternetChecksum.add(acc, buf, off, len));
    }

    /** The checksum the message should carry under {@code mode} (for "expected" in diagnostics). */
    static int expectedChecksum(byte[] buf, int off, int len, int version,
                                InetAddress source, InetAddress destination, ChecksumMode mode) {
        long acc = pseudoHeaderSum(version, mode, source, destination, len);
        acc = InternetChecksum.add(acc, buf, off, Math.min(len, 6));
        if (len > HEADER_LENGTH) {
            acc = InternetChecksum.add(acc, buf, off + HEADER_LENGTH, len - HEADER_LENGTH);
        }
        return InternetChecksum.finish(acc);
    }

    static Rejected lengthMismatch(String from, int len, int expected, int count) {
        return new Rejected(RejectReason.LENGTH_MISMATCH,
                "length " + len + " (expected: " + expected + " for " + count + " addresses)",
                RejectReason.LENGTH_MISMATCH.log(from, len > expected ? "long" : "short", len, expected));
    }

    private static long pseudoHeaderSum(int version, ChecksumMode mode, InetAddress source,
                                        InetAddress destination, int length) {
        if (isIpv6(source, destination)) {
            return InternetChecksum.pseudoHeader(source, destination, IPPROTO_VRRP, length);
        }
        if (version != 3) {
            return 0;
        }
        return switch (mode) {
            case STANDARD -> InternetChecksum.pseudoHeader(source, destination, IPPROTO_VRRP, length);
            case OLD_UNICAST -> InternetChecksum.pseudoHeader(source, MULTICAST_V4, IPPROTO_VRRP, length);
            case V3_AS_V2 -> 0;
        };
    }

    /** Builds the advert from a header whose length, version, VRID and auth type are valid. */
    static VrrpAdvert toAdvert(VrrpHeader h, byte[] buf, int off, boolean ipv6) {
        int size = ipv6 ? 16 : 4;
        InetAddress[] addresses = new InetAddress[h.count()];
        int pos = off + HEADER_LENGTH;
        for (int i = 0; i < addresses.length; i++, pos += size) {
            addresses[i] = address(Arrays.copyOfRange(buf, pos, pos + size));
        }
        AuthType auth = AuthType.NONE;
        byte[] password = new byte[0];
        if (h.version() == 2) {
            auth = AuthType.values()[h.authTypeRaw()];
            if (auth == AuthType.PASS) {
                password = Arrays.copyOfRange(buf, pos, pos + AUTH_LENGTH);
            }
        }
        // An immutable list already: VrrpAdvert's List.copyOf keeps it rather than copying again.
        return new VrrpAdvert(h.version(), h.vrid(), h.priority(), h.intervalCentis(), auth, password,
                List.of(addresses));
    }

    static boolean isIpv6(InetAddress source, InetAddress destination) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        boolean v6 = source instanceof Inet6Address;
        if (v6 != (destination instanceof Inet6Address)) {
            throw new IllegalArgumentException("source " + source.getHostAddress() + " and destination "
                    + destination.getHostAddress() + " are not of one address family");
        }
        return v6;
    }

    /**
     * An address from raw bytes without any lookup. 16 bytes always give an {@link Inet6Address},
     * even for an IPv4-mapped address, so that a VIP list stays of one family.
     */
    static InetAddress address(byte[] raw) {
        try {
            return raw.length == 16 ? Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of " + raw.length + " bytes", e);
        }
    }
}
