package org.keepvip.agent.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.keepvip.agent.kernel.NetlinkVips;
import org.keepvip.agent.latency.TakeoverLatency;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.InstancePlan;
import org.keepvip.agent.packet.NextHopResolver;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.agent.packet.PcapPacketPort;
import org.keepvip.agent.packet.PcapPackets;
import org.keepvip.agent.packet.PcapRefusals;
import org.keepvip.agent.vmac.VmacLinks;
import org.keepvip.agent.vmac.VmacPlan;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.NetlinkEvent;
import org.keepvip.netlink.Rtnl;
import org.keepvip.netlink.VipSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending ports on the macvlans (use_vmac) and on the other interfaces an instance's VIPs sit
 * on: opened at start and at a reload, closed when no instance uses them any more, reopened when
 * a macvlan of ours is deleted from outside and made again.
 */
final class VmacPorts {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    private final NetlinkClient netlink;
    private final VmacLinks vmacs;
    private final NextHopResolver nextHops;
    private final NetlinkVips vipPort;
    private final PcapRefusals refusals;
    private final EventLoop loop;
    private final Executor background;
    /** Registers a port with the daemon's resources, closed at exit in reverse order. */
    private final Consumer<AutoCloseable> track;
    /** The macvlans with a sending port. */
    private final Set<String> opened = ConcurrentHashMap.newKeySet();
    /** Null until the ports at start are handed to the packet output. */
    private volatile PcapPackets packets;

    VmacPorts(NetlinkClient netlink, VmacLinks vmacs, NextHopResolver nextHops, NetlinkVips vipPort,
            PcapRefusals refusals, EventLoop loop, Executor background, Consumer<AutoCloseable> track) {
        this.netlink = netlink;
        this.vmacs = vmacs;
        this.nextHops = nextHops;
        this.vipPort = vipPort;
        this.refusals = refusals;
        this.loop = loop;
        this.background = background;
        this.track = track;
    }

    /** From now on, ports opened go to {@code packets} rather than into the start's map. */
    void use(PcapPackets packets) {
        this.packets = packets;
    }

    /** The sending ports {@code plan}'s instance needs besides its interface's: at start into {@code ports}. */
    synchronized void open(Map<String, PacketPort> ports, InstancePlan plan) {
        open(ports, plan.wire().vmac());
        vipInterfacesOf(plan).forEach(ifname -> open(ports, ifname));
    }

    /**
     * A sending port on an instance's macvlan (adverts unless vmac_xmit_base, and its GARPs), opened
     * once per macvlan; its adverts are heard on the base's port. A failure is logged: the instance
     * then cannot send there, as keepalived's could not.
     */
    private void open(Map<String, PacketPort> ports, String vmac) {
        if (vmac == null || ports.containsKey(vmac) || (packets != null && packets.hasPort(vmac))) {
            return;
        }
        try {
            PcapPacketPort port = PcapPacketPort.openSendOnly(vmac, nextHops);
            track.accept(port);
            port.warmUpSendPath(TakeoverLatency.IO_WARM_UP_ROUNDS);
            opened.add(vmac);
            if (packets != null) {
                packets.addPort(vmac, port);
            } else {
                ports.put(vmac, port);
            }
        } catch (IOException e) {
            LOG.error("{}: cannot send adverts or gratuitous ARPs/NAs there: {}", vmac, e.getMessage());
        }
    }

    /**
     * The interfaces an instance's VIPs sit on besides its own (a {@code dev}, a use_vmac_addr
     * macvlan): their GARPs and NAs leave there, as keepalived's send_gratuitous_arp() sends each
     * VIP's on the VIP's interface (keepalived/vrrp/vrrp_arp.c).
     */
    private Set<String> vipInterfacesOf(InstancePlan p) {
        Set<String> out = new LinkedHashSet<>();
        p.vips().forEach(v -> out.add(v.ifname()));
        out.remove(p.wire().ifname());
        out.removeIf(ifname -> {
            try {
                return netlink.link(ifname).map(l -> (l.flags() & Rtnl.IFF_NOARP) != 0).orElse(false);
            } catch (IOException e) {
                return false;
            }
        });
        return out;
    }

    /**
     * After a reload: the sending ports and macvlans no instance uses any more go, as keepalived
     * deletes the VMAC of an instance a reload removed.
     */
    synchronized void retire(List<InstancePlan> plans, List<VmacPlan.Link> vmacPlan) {
        Set<String> used = new HashSet<>();
        plans.forEach(p -> {
            used.addAll(vipInterfacesOf(p));
            if (p.wire().vmac() != null) {
                used.add(p.wire().vmac());
            }
        });
        for (String name : new ArrayList<>(opened)) {
            if (!used.contains(name)) {
                opened.remove(name);
                close(packets.removePort(name), name, "closing the VMAC port");
            }
        }
        vmacs.retain(vmacPlan);
    }

    /** A link deleted from outside: a macvlan of ours is made again, off the monitor's thread. */
    void onLinkRemoved(NetlinkEvent.LinkRemoved r) {
        if (vmacs.isOurs(r.ifindex())) {
            // Off the monitor's thread, which must go on reading events.
            background.execute(() -> recreate(r.ifindex(), r.name()));
        }
    }

    /**
     * A link appeared or changed, off the monitor's thread: the macvlans that waited for it as their
     * base are made; those on it follow it into or out of a VRF.
     */
    void onLinkChanged(NetlinkEvent.LinkChanged l) {
        if (vmacs.waitsFor(l.name())) {
            background.execute(() -> baseAdded(l.name()));
        } else if (vmacs.hasBase(l.name())) {
            background.execute(() -> vmacs.followVrf(l.name())); // enslaved to a VRF or freed
        }
    }

    /**
     * An instance's interface is back (it was deleted, its macvlan with it): its macvlans are made
     * again and their sending ports opened, as keepalived does (keepalived/vrrp/vrrp_if.c:
     * update_added_interface(), recreate_vmac_thread()).
     */
    private synchronized void baseAdded(String base) {
        vmacs.baseAdded(base).values().forEach(this::reattach);
    }

    /**
     * A macvlan of ours deleted from outside is made again (VmacLinks.recreate), and its sending port
     * reopened on the new link. Its VIPs went with it: the instance, told by the kernel's address
     * events, leaves MASTER and adds them again when it takes over, as keepalived's instance does
     * after its VMAC is re-created.
     */
    private synchronized void recreate(int ifindex, String name) {
        LOG.info("Interface {} deleted", name); // keepalived_netlink.c: netlink_if_link_filter()
        Optional<String> again = vmacs.recreate(ifindex);
        PacketPort old = packets.removePort(name);
        if (old != null) {
            opened.remove(name);
            close(old, name, "closing the deleted VMAC's port");
        }
        again.ifPresent(this::reattach);
    }

    /** A macvlan made again: its VIPs go on its new index, its sending and refusal ports open on it. */
    private void reattach(String n) {
        vipPort.forget(n); // the VIPs go on the new link's index
        open(new HashMap<>(), n);
        List<VipSpec> onIt = new ArrayList<>();
        loop.instances().values().forEach(r -> r.vips().stream().filter(v -> v.ifname().equals(n))
                .forEach(onIt::add));
        refusals.reopen(n, onIt);
    }

    private static void close(PacketPort port, String name, String doing) {
        if (port != null) {
            try {
                port.close();
            } catch (Exception e) {
                LOG.debug("{}: {}: {}", name, doing, e.toString());
            }
        }
    }
}
