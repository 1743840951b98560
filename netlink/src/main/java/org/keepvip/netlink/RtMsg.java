package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@code struct rtmsg}: u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags
 * (12 bytes).
 */
public record RtMsg(int family, int dstLength, int srcLength, int tos, int table, int protocol, int scope,
                    int type, int flags) {
    public static final int SIZE = 12;

    public static Optional<RtMsg> parse(ByteBuffer bb) {
        if (bb.remaining() < SIZE) {
            return Optional.empty();
        }
        return Optional.of(new RtMsg(bb.get() & 0xFF, bb.get() & 0xFF, bb.get() & 0xFF, bb.get() & 0xFF,
                bb.get() & 0xFF, bb.get() & 0xFF, bb.get() & 0xFF, bb.get() & 0xFF, bb.getInt()));
    }

    public void pack(ByteBuffer bb) {
        bb.put((byte) family).put((byte) dstLength).put((byte) srcLength).put((byte) tos).put((byte) table)
                .put((byte) protocol).put((byte) scope).put((byte) type).putInt(flags);
    }
}
