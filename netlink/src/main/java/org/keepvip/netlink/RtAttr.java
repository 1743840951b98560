package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code struct rtattr}: u16 len (header + value, unpadded), u16 type, then the value padded to 4
 * bytes. The parsed record carries a copy of the value.
 */
public record RtAttr(int type, byte[] value) {
    public static final int SIZE = 4;
    /** Flag bits the kernel may set in the type of nested or network-order attributes. */
    private static final int TYPE_MASK = 0x3FFF;

    /**
     * Reads one attribute at the buffer's position and moves past its padding. Empty (position
     * unchanged) when the header or the value is truncated or the length is impossible.
     */
    public static Optional<RtAttr> parse(ByteBuffer bb) {
        int start = bb.position();
        if (bb.remaining() < SIZE) {
            return Optional.empty();
        }
        int len = bb.getShort(start) & 0xFFFF;
        int type = bb.getShort(start + 2) & TYPE_MASK;
        if (len < SIZE || len > bb.remaining()) {
            return Optional.empty();
        }
        byte[] value = new byte[len - SIZE];
        bb.get(start + SIZE, value);
        bb.position(Math.min(bb.limit(), start + Rtnl.align(len)));
        return Optional.of(new RtAttr(type, value));
    }

    /** Writes header, value and padding at the buffer's position. */
    public static void pack(ByteBuffer bb, int type, byte[] value) {
        bb.putShort((short) (SIZE + value.length)).putShort((short) type).put(value);
        for (int pad = Rtnl.align(value.length) - value.length; pad > 0; pad--) {
            bb.put((byte) 0);
        }
    }

    public static void packU32(ByteBuffer bb, int type, int value) {
        bb.putShort((short) (SIZE + 4)).putShort((short) type).putInt(value);
    }

    /** A NUL-terminated string value, as IFA_LABEL and IFLA_IFNAME carry. */
    public static void packString(ByteBuffer bb, int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[s.length + 1];
        System.arraycopy(s, 0, z, 0, s.length);
        pack(bb, type, z);
    }
}
