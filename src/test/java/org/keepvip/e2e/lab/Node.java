package org.keepvip.e2e.lab;

/**
 * A host (or the client) of the lab: its own network namespace with one interface on a subnet's
 * bridge, addresses {@code ipv4}/24 and {@code ipv6}/64 (no DAD), and a fixed MAC.
 *
 * @param name       the short name given to the builder (also the switch port's suffix)
 * @param namespace  the netns name, for {@code ip netns exec} and {@code NetNamespace}
 * @param ifname     the interface inside the namespace (always {@code eth0})
 * @param subnet     where it is attached
 * @param ipv4       its IPv4 address, without prefix length
 * @param ipv6       its global IPv6 address, without prefix length
 * @param mac        its MAC, e.g. 02:00:00:01:00:0a
 * @param switchPort the veth end in the switch namespace; down = cable pulled
 */
public record Node(String name, String namespace, String ifname, Subnet subnet, String ipv4, String ipv6,
                   String mac, String switchPort) {}
