package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@code struct ndmsg}: u8 family, u8 pad1, u16 pad2, s32 ifindex, u16 state (NUD_*), u8 flags,
 * u8 type (12 bytes).
 */
public record NdMsg(int family, int ifindex, int state, int flags, int type) {
    public static final int SIZE = 12;

    public static Optional<NdMsg> parse(ByteBuffer bb) {
        if (bb.remaining() < SIZE) {
            return Optional.empty();
        }
        int family = bb.get() & 0xFF;
        bb.get();
        bb.getShort();
        return Optional.of(new NdMsg(family, bb.getInt(), bb.getShort() & 0xFFFF, bb.get() & 0xFF, bb.get() & 0xFF));
    }

    public void pack(ByteBuffer bb) {
        bb.put((byte) family).put((byte) 0).putShort((short) 0).putInt(ifindex).putShort((short) state)
                .put((byte) flags).put((byte) type);
    }
}
