package org.keepvip.agent.daemon;

import java.io.IOException;
import java.util.List;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.NetlinkException;
import org.keepvip.netlink.Link;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** VIPs through rtnetlink (RTM_NEWADDR / RTM_DELADDR), never through the {@code ip} command. */
final class NetlinkVips implements Ports.Vips {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    private final NetlinkClient netlink;

    NetlinkVips(NetlinkClient netlink) {
        this.netlink = netlink;
    }

    @Override
    public void add(List<VipSpec> vips) throws IOException {
        IOException first = null;
        for (VipSpec v : vips) {
            try {
                netlink.addAddress(toNetlink(v));
            } catch (NetlinkException e) {
                LOG.error("cannot add {}: {}", v, e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void remove(List<VipSpec> vips) throws IOException {
        for (VipSpec v : vips) {
            try {
                netlink.deleteAddress(toNetlink(v));
            } catch (NetlinkException e) {
                // Keep going: every other VIP must still be released.
                LOG.error("cannot remove {}: {}", v, e.getMessage());
            }
        }
    }

    private org.keepvip.netlink.VipSpec toNetlink(VipSpec v) throws NetlinkException {
        Link link = netlink.link(v.ifname())
                .orElseThrow(() -> new NetlinkException("interface " + v.ifname() + " not found", 19));
        org.keepvip.netlink.VipSpec spec = org.keepvip.netlink.VipSpec.of(v.address(), v.prefix(), v.ifname())
                .withIfindex(link.ifindex());
        return v.label() == null ? spec : spec.withLabel(v.label());
    }
}
