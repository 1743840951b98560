package org.keepvip.agent.kernel;

import java.io.IOException;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.NetlinkException;
import org.keepvip.netlink.Link;
import org.keepvip.netlink.VipSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keepvip.agent.loop.Ports;
import org.keepvip.netlink.AddressResult;
import org.keepvip.netlink.Errno;

/** VIPs through rtnetlink (RTM_NEWADDR / RTM_DELADDR), never through the {@code ip} command. */
public final class NetlinkVips implements Ports.Vips {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    private final NetlinkClient netlink;
    /** ifname → ifindex: a link dump costs ~1 ms, on the takeover path. Dropped when an interface goes away. */
    private final Map<String, Integer> ifindexes = new ConcurrentHashMap<>();

    public NetlinkVips(NetlinkClient netlink) {
        this.netlink = netlink;
    }

    /** {@code ifname} was made again (a VMAC deleted from outside): its index is looked up anew. */
    public void forget(String ifname) {
        ifindexes.remove(ifname);
    }

    @Override
    public void add(List<VipSpec> vips) throws IOException {
        IOException first = null;
        for (VipSpec v : vips) {
            try {
                netlink.addAddress(toNetlink(v));
            } catch (NetlinkException e) {
                ifindexes.remove(v.ifname());
                LOG.error("cannot add {}: {}", v, e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * The VIPs of several instances in as few netlink datagrams as {@link NetlinkClient#addAddresses}
     * allows (a mass takeover: one request per VIP cost more than the kernel's own work). Each VIP
     * that fails is logged as {@link #add} logs it and costs its own list alone.
     */
    @Override
    public List<IOException> addAll(List<List<VipSpec>> lists) {
        IOException[] failed = new IOException[lists.size()];
        List<VipSpec> batch = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < lists.size(); i++) {
            for (VipSpec v : lists.get(i)) {
                try {
                    batch.add(toNetlink(v));
                    owner.add(i);
                } catch (NetlinkException e) {
                    fail(failed, i, v, e);
                }
            }
        }
        List<AddressResult> results = netlink.addAddresses(batch);
        int unanswered = 0;
        for (int k = 0; k < results.size(); k++) {
            AddressResult r = results.get(k);
            if (!r.answered()) {
                // The socket failed before this VIP's answer came: it alone goes again, as add does
                // (an add the kernel did make answers EEXIST, a success).
                unanswered++;
                try {
                    netlink.addAddress(r.vip());
                } catch (NetlinkException one) {
                    fail(failed, owner.get(k), r.vip(), one);
                }
            } else if (!r.ok()) {
                fail(failed, owner.get(k), r.vip(), r.failure());
            }
        }
        if (unanswered > 0) {
            LOG.warn("VIP batch: {} of {} unanswered ({}), added one by one", unanswered, results.size(),
                    Errno.describe(firstUnanswered(results)));
        }
        return Arrays.asList(failed);
    }

    /**
     * The VIPs of several instances, removed in as few netlink datagrams as {@link
     * NetlinkClient#deleteAddresses} allows (the node that lost its links releases them all at
     * once). As {@link #remove}: a VIP that cannot be removed is logged and the others still go.
     */
    @Override
    public List<Ports.Removal> removeAll(List<List<VipSpec>> lists) {
        List<List<VipSpec>> removed = new ArrayList<>(lists.size());
        List<VipSpec> batch = new ArrayList<>();
        List<VipSpec> configured = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < lists.size(); i++) {
            removed.add(new ArrayList<>());
            for (VipSpec v : lists.get(i)) {
                try {
                    batch.add(toNetlink(v));
                    configured.add(v);
                    owner.add(i);
                } catch (NetlinkException e) {
                    cannotRemove(v, v.ifname(), e);
                }
            }
        }
        List<AddressResult> results = netlink.deleteAddresses(batch);
        int unanswered = 0;
        for (int k = 0; k < results.size(); k++) {
            AddressResult r = results.get(k);
            if (!r.answered()) {
                // The socket failed before this VIP's answer came: it alone goes again, as remove
                // does. Only these: one the kernel answered "deleted" is removed, and a second
                // delete would answer "not there".
                unanswered++;
                try {
                    if (netlink.deleteAddress(r.vip())) {
                        removed.get(owner.get(k)).add(configured.get(k));
                    }
                } catch (NetlinkException one) {
                    cannotRemove(configured.get(k), r.vip().ifname(), one);
                }
            } else if (r.changed()) {
                removed.get(owner.get(k)).add(configured.get(k));
            } else if (!r.ok()) {
                cannotRemove(configured.get(k), r.vip().ifname(), r.failure());
            }
        }
        if (unanswered > 0) {
            LOG.warn("VIP batch: {} of {} unanswered ({}), removed one by one", unanswered, results.size(),
                    Errno.describe(firstUnanswered(results)));
        }
        List<Ports.Removal> out = new ArrayList<>(lists.size());
        removed.forEach(r -> out.add(new Ports.Removal(r, null)));
        return out;
    }

    private static int firstUnanswered(List<AddressResult> results) {
        return results.stream().filter(r -> !r.answered()).findFirst().map(AddressResult::errno).orElse(0);
    }

    /** A VIP that could not be removed: its interface's index is looked up afresh next time. */
    private void cannotRemove(VipSpec configured, String ifname, NetlinkException e) {
        ifindexes.remove(ifname);
        LOG.error("cannot remove {}: {}", configured, e.getMessage());
    }

    private void fail(IOException[] failed, int list, VipSpec v, NetlinkException e) {
        ifindexes.remove(v.ifname());
        LOG.error("cannot add {}: {}", v, e.getMessage());
        if (failed[list] == null) {
            failed[list] = e;
        }
    }

    @Override
    public List<VipSpec> remove(List<VipSpec> vips) throws IOException {
        List<VipSpec> removed = new ArrayList<>(vips.size());
        for (VipSpec v : vips) {
            try {
                if (netlink.deleteAddress(toNetlink(v))) {
                    removed.add(v);
                }
            } catch (NetlinkException e) {
                cannotRemove(v, v.ifname(), e); // and keep going: every other VIP must still be released
            }
        }
        return removed;
    }

    /**
     * Start-up only: runs the VIP request paths {@code rounds} times through the ordinary deletes,
     * so the first takeover does not run them interpreted (add and delete share the request code). Its
     * one effect is the delete: the configured VIPs, which the start removes anyway (as
     * keepalived/vrrp/vrrp.c, vrrp_init_state); nothing is logged but at debug level.
     */
    public void warmUp(List<VipSpec> vips, int rounds) {
        try {
            List<VipSpec> indexed = new ArrayList<>(vips.size());
            for (VipSpec v : vips) {
                indexed.add(toNetlink(v));
            }
            for (int i = 0; i < rounds; i++) {
                // Both request paths: one VIP at a time (lanes with Redis, reloads) and the batch
                // the shared lanes' combined changes use (addAll, removeAll).
                if (i % 2 == 0) {
                    netlink.deleteAddresses(indexed);
                } else {
                    for (VipSpec v : indexed) {
                        netlink.deleteAddress(v);
                    }
                }
            }
        } catch (NetlinkException e) {
            LOG.debug("VIP path warm-up stopped: {}", e.getMessage());
        }
    }

    /** {@code v} with its interface's index, from the cache (a link dump costs ~1 ms, on the takeover path). */
    private VipSpec toNetlink(VipSpec v) throws NetlinkException {
        Integer ifindex = ifindexes.get(v.ifname());
        if (ifindex == null) {
            Link link = netlink.link(v.ifname())
                    .orElseThrow(() -> new NetlinkException("interface " + v.ifname() + " not found", 19));
            ifindex = link.ifindex();
            ifindexes.put(v.ifname(), ifindex);
        }
        return v.withIfindex(ifindex);
    }
}
