package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@code struct nlmsgerr}: s32 error, then the header of the request it answers (20 bytes).
 * error 0 is an ACK; otherwise it is a negative errno.
 */
public record NlMsgErr(int error, NlMsgHdr request) {
    public static final int SIZE = 4 + NlMsgHdr.SIZE;

    public static Optional<NlMsgErr> parse(ByteBuffer bb) {
        if (bb.remaining() < SIZE) {
            return Optional.empty();
        }
        int error = bb.getInt();
        return NlMsgHdr.parse(bb).map(h -> new NlMsgErr(error, h));
    }

    public void pack(ByteBuffer bb) {
        bb.putInt(error);
        request.pack(bb);
    }

    /** The positive errno, 0 for an ACK. */
    public int errno() {
        return -error;
    }

    public boolean isAck() {
        return error == 0;
    }
}
