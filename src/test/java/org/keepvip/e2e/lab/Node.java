package org.keepvip.e2e.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * A host (or the client) of the lab: its own network namespace with one interface on a subnet's
 * bridge, addresses {@code ipv4}/24 and {@code ipv6}/64 (no DAD), and a fixed MAC; with
 * {@link Lab.Builder#extraInterfaces(int)}, more interfaces each on a bridge of its own.
 *
 * @param name       the short name given to the builder (also the switch port's suffix)
 * @param namespace  the netns name, for {@code ip netns exec} and {@code NetNamespace}
 * @param ifname     the interface inside the namespace on {@code subnet} (always {@code eth0})
 * @param subnet     where it is attached
 * @param ipv4       its IPv4 address, without prefix length
 * @param ipv6       its global IPv6 address, without prefix length
 * @param mac        its MAC, e.g. 02:00:00:01:00:0a
 * @param switchPort the veth end in the switch namespace; down = cable pulled
 * @param extraLinks the further interfaces ({@code eth1}, {@code eth2}, ...), empty unless asked for
 */
public record Node(String name, String namespace, String ifname, Subnet subnet, String ipv4, String ipv6,
                   String mac, String switchPort, List<Link> extraLinks) {

    /**
     * A further interface of a node: a veth whose other end is a port of its own bridge, shared by
     * every host's interface of the same name; it has only its IPv6 link-local address.
     *
     * @param ifname     {@code eth1}, {@code eth2}, ...
     * @param mac        its MAC, 02:00:00:SS:KK:NN for interface K of host N on subnet S
     * @param switchPort the veth end in the switch namespace
     */
    public record Link(String ifname, String mac, String switchPort) {}

    public Node {
        extraLinks = List.copyOf(extraLinks);
    }

    /** A node with {@code eth0} only. */
    public Node(String name, String namespace, String ifname, Subnet subnet, String ipv4, String ipv6, String mac,
                String switchPort) {
        this(name, namespace, ifname, subnet, ipv4, ipv6, mac, switchPort, List.of());
    }

    /** Every interface of the node on the switch, {@code eth0} first. */
    public List<String> interfaces() {
        List<String> out = new ArrayList<>();
        out.add(ifname);
        extraLinks.forEach(l -> out.add(l.ifname()));
        return out;
    }

    /** The switch ports of all its interfaces, {@code eth0}'s first. */
    public List<String> switchPorts() {
        List<String> out = new ArrayList<>();
        out.add(switchPort);
        extraLinks.forEach(l -> out.add(l.switchPort()));
        return out;
    }
}
