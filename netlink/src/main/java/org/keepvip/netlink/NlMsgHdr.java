package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@code struct nlmsghdr}: u32 len, u16 type, u16 flags, u32 seq, u32 pid (16 bytes).
 *
 * @param length whole message length including this header
 * @param pid    the sender's port id in a reply from the kernel; our port id or 0 in a request
 */
public record NlMsgHdr(int length, int type, int flags, int seq, int pid) {
    public static final int SIZE = 16;

    /** Reads a header at the buffer's position; empty (position unchanged) if fewer than 16 bytes remain. */
    public static Optional<NlMsgHdr> parse(ByteBuffer bb) {
        if (bb.remaining() < SIZE) {
            return Optional.empty();
        }
        return Optional.of(new NlMsgHdr(bb.getInt(), bb.getShort() & 0xFFFF, bb.getShort() & 0xFFFF,
                bb.getInt(), bb.getInt()));
    }

    /** Writes the header at the buffer's position. */
    public void pack(ByteBuffer bb) {
        bb.putInt(length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(pid);
    }

    @Override
    public String toString() {
        return Rtnl.typeName(type) + " len=" + length + " flags=0x" + Integer.toHexString(flags)
                + " seq=" + Integer.toUnsignedString(seq) + " pid=" + Integer.toUnsignedString(pid);
    }
}
