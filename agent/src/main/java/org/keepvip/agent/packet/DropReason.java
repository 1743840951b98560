package org.keepvip.agent.packet;

/**
 * Why a captured frame never reached the VRRP layer. Each is counted and logged once; {@code status
 * --json} shows them per interface under their lower-case names ({@code fragment}, ...).
 */
public enum DropReason {
    FRAME_TOO_SHORT("frame shorter than its Ethernet header"),
    OTHER_HOST("frame addressed to another host's MAC"),
    NOT_IP("EtherType is neither IPv4 nor IPv6"),
    IP_HEADER_TRUNCATED("frame ends inside the IP header"),
    IP_VERSION_MISMATCH("IP version does not match the EtherType"),
    IPV4_BAD_HEADER_LENGTH("IPv4 header length below 20 bytes"),
    IPV4_BAD_CHECKSUM("invalid IPv4 header checksum"),
    IP_TRUNCATED("IP length larger than the bytes received"),
    IPV4_BAD_OPTIONS("malformed IPv4 options"),
    IPV4_SOURCE_ROUTE("IPv4 source route option"),
    /** keepalived would see it reassembled; no VRRP speaker fragments an advert (docs/operations.md). */
    FRAGMENT("fragmented IP packet"),
    IPV6_BAD_EXTENSION_HEADER("malformed IPv6 extension header"),
    IPV6_UNKNOWN_OPTION("unknown IPv6 option that asks to be discarded"),
    IPV6_ROUTING_HEADER("IPv6 routing header with segments left"),
    MARTIAN_SOURCE("source address no host sends from (multicast, broadcast, loopback, unspecified)"),
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
