package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;

/** {@code struct ifaddrmsg}: u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index (8 bytes). */
public record IfAddrMsg(int family, int prefixLength, int flags, int scope, int ifindex) {
    public static final int SIZE = 8;

    public static Optional<IfAddrMsg> parse(ByteBuffer bb) {
        if (bb.remaining() < SIZE) {
            return Optional.empty();
        }
        return Optional.of(new IfAddrMsg(bb.get() & 0xFF, bb.get() & 0xFF, bb.get() & 0xFF, bb.get() & 0xFF,
                bb.getInt()));
    }

    public void pack(ByteBuffer bb) {
        bb.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) scope).putInt(ifindex);
    }
}
