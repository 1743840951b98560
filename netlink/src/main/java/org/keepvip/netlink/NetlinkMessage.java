package org.keepvip.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One message of a datagram: its header and a read-only native-order view of its body (the bytes
 * after the header, up to the header's length).
 */
public record NetlinkMessage(NlMsgHdr header, ByteBuffer body) {

    /**
     * Splits a received datagram into messages. Stops at the first header whose length is shorter
     * than a header or longer than what is left: the rest is garbage, and is dropped, not thrown.
     */
    public static List<NetlinkMessage> split(ByteBuffer datagram) {
        ByteBuffer bb = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>();
        while (bb.remaining() >= NlMsgHdr.SIZE) {
            int start = bb.position();
            NlMsgHdr h = NlMsgHdr.parse(bb).orElseThrow();
            if (h.length() < NlMsgHdr.SIZE || h.length() > bb.remaining() + NlMsgHdr.SIZE) {
                break;
            }
            ByteBuffer body = bb.slice(start + NlMsgHdr.SIZE, h.length() - NlMsgHdr.SIZE)
                    .asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            out.add(new NetlinkMessage(h, body));
            bb.position(Math.min(bb.limit(), start + Rtnl.align(h.length())));
        }
        return out;
    }

    /** A fresh view of the body (position 0), so decoders can be called more than once. */
    public ByteBuffer bodyView() {
        return body.duplicate().order(ByteOrder.nativeOrder());
    }

    /** For NLMSG_ERROR: the error or ACK; empty if this is another type or is truncated. */
    public Optional<NlMsgErr> error() {
        return header.type() == Rtnl.NLMSG_ERROR ? NlMsgErr.parse(bodyView()) : Optional.empty();
    }

    /**
     * For NLMSG_ERROR with extended ACK: the kernel's own explanation (NLMSGERR_ATTR_MSG), e.g.
     * "Invalid prefix for given prefix length".
     */
    public Optional<String> extAckMessage() {
        if ((header.flags() & Rtnl.NLM_F_ACK_TLVS) == 0) {
            return Optional.empty();
        }
        Optional<NlMsgErr> err = error();
        if (err.isEmpty()) {
            return Optional.empty();
        }
        // Without NLM_F_CAPPED the whole request follows the error code.
        int skip = (header.flags() & Rtnl.NLM_F_CAPPED) != 0 ? NlMsgErr.SIZE : 4 + err.get().request().length();
        ByteBuffer bb = bodyView();
        if (skip < NlMsgErr.SIZE || skip > bb.limit()) {
            return Optional.empty();
        }
        bb.position(Math.min(bb.limit(), Rtnl.align(skip)));
        return Attributes.parse(bb).string(Rtnl.NLMSGERR_ATTR_MSG).filter(s -> !s.isEmpty());
    }
}
