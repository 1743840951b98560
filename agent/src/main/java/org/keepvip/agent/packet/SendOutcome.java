package org.keepvip.agent.packet;

/** Whether {@link PacketPort#sendVrrp} put a frame on the wire. */
public enum SendOutcome {
    SENT,
    /** A unicast peer whose next-hop MAC is not known yet; nothing was sent. */
    NEXT_HOP_UNKNOWN
}
