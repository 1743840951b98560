package org.keepvip.agent.packet;

/** Why a captured frame never reached the VRRP layer. Each is counted and logged once. */
public enum DropReason {
    FRAME_TOO_SHORT("frame shorter than its Ethernet header"),
    NOT_IP("EtherType is neither IPv4 nor IPv6"),
    IP_HEADER_TRUNCATED("frame ends inside the IP header"),
    IP_VERSION_MISMATCH("IP version does not match the EtherType"),
    IPV4_BAD_HEADER_LENGTH("IPv4 header length below 20 bytes"),
    IPV4_BAD_CHECKSUM("invalid IPv4 header checksum"),
    IP_TRUNCATED("IP length larger than the bytes received"),
    FRAGMENT("fragmented IP packet"),
    IPV6_BAD_EXTENSION_HEADER("malformed IPv6 extension header"),
    NOT_VRRP("IP protocol is not 112 (VRRP)"),
    RECEIVER_FAILED("the receiver of a VRRP packet threw");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    /** A short phrase for logs. */
    public String description() {
        return description;
    }
}
