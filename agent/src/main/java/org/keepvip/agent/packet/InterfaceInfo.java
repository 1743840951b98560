package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Optional;

/**
 * What the packet layer needs to know about an interface.
 *
 * @param name          kernel name, e.g. {@code eth0}
 * @param index         ifindex
 * @param mac           hardware address, the Ethernet source of everything keepvip sends
 * @param ipv4          primary IPv4 address (the default advert source), if any
 * @param ipv6LinkLocal link-local IPv6 address (the IPv6 advert source), if any
 */
public record InterfaceInfo(String name, int index, MacAddress mac, Optional<Inet4Address> ipv4,
                            Optional<Inet6Address> ipv6LinkLocal) {}
