package org.keepvip.agent.packet;

/** What {@link FrameParser} makes of a captured frame: a VRRP packet or a counted drop. */
public sealed interface FrameVerdict permits ReceivedVrrp, FrameVerdict.Dropped {

    /**
     * A frame that is not a well-formed VRRP-over-IP packet.
     *
     * @param reason the counter it goes to
     * @param detail the offending values, for the one log line per cause
     */
    record Dropped(DropReason reason, String detail) implements FrameVerdict {}
}
