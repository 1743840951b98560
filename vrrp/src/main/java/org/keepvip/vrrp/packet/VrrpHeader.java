package org.keepvip.vrrp.packet;

/**
 * The fixed 8-byte VRRP header as read from the wire, before any validation: every field raw, so
 * that the receive checks can run in keepalived's order.
 */
record VrrpHeader(int version, int type, int vrid, int priority, int count, int authTypeRaw,
                  int intervalRaw, int checksum) {

    /** Reads the header; the caller has checked that {@code length >= 8}. */
    static VrrpHeader read(byte[] buf, int off) {
        int versionType = buf[off] & 0xFF;
        int version = versionType >>> 4;
        int word1 = ((buf[off + 4] & 0xFF) << 8) | (buf[off + 5] & 0xFF);
        return new VrrpHeader(
                version,
                versionType & 0x0F,
                buf[off + 1] & 0xFF,
                buf[off + 2] & 0xFF,
                buf[off + 3] & 0xFF,
                version == 2 ? buf[off + 4] & 0xFF : 0,
                version == 2 ? buf[off + 5] & 0xFF : word1 & 0x0FFF, // v3: top 4 bits reserved, ignored
                ((buf[off + 6] & 0xFF) << 8) | (buf[off + 7] & 0xFF));
    }

    /** The message length this header announces (8 + count × address size, + 8 auth bytes for v2). */
    int expectedLength(boolean ipv6) {
        return VrrpCodec.messageLength(version, count, ipv6);
    }

    /** The advert interval in centiseconds (v2 carries seconds). */
    int intervalCentis() {
        return version == 2 ? intervalRaw * 100 : intervalRaw;
    }
}
