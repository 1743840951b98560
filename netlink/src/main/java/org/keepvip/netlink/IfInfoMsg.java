package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@code struct ifinfomsg}: u8 family, u8 pad, u16 type (ARPHRD_*), s32 index, u32 flags (IFF_*),
 * u32 change (16 bytes).
 */
public record IfInfoMsg(int family, int type, int ifindex, int flags, int change) {
    public static final int SIZE = 16;

    public static Optional<IfInfoMsg> parse(ByteBuffer bb) {
        if (bb.remaining() < SIZE) {
            return Optional.empty();
        }
        int family = bb.get() & 0xFF;
        bb.get();
        return Optional.of(new IfInfoMsg(family, bb.getShort() & 0xFFFF, bb.getInt(), bb.getInt(), bb.getInt()));
    }

    public void pack(ByteBuffer bb) {
        bb.put((byte) family).put((byte) 0).putShort((short) type).putInt(ifindex).putInt(flags).putInt(change);
    }
}
