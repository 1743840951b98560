package org.keepvip.agent.daemon;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.keepvip.agent.loop.InstancePlan;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.state.SyncGroup;
import org.keepvip.vrrp.state.VrrpInstance;

/** What the start and a reload both read off the mapped instances. */
final class Plans {
    private Plans() {}

    /** The configuration's sync groups over {@code machines}, members it does not run left out. */
    static List<SyncGroup> syncGroups(KeepalivedConfig config, Map<String, VrrpInstance> machines) {
        List<SyncGroup> groups = new ArrayList<>();
        for (var g : config.syncGroups()) {
            List<VrrpInstance> members = g.members().stream().map(machines::get).filter(m -> m != null).toList();
            if (!members.isEmpty()) {
                groups.add(new SyncGroup(g.name(), members));
            }
        }
        return groups;
    }

    /** Interfaces of the instances and of their VIPs: where released VIPs may be refused. */
    static Set<String> vipInterfaces(List<InstancePlan> plans) {
        Set<String> out = new LinkedHashSet<>();
        plans.forEach(p -> {
            out.add(p.wire().ifname());
            p.vips().forEach(v -> out.add(v.ifname()));
        });
        return out;
    }

    static List<VipSpec> allVips(List<InstancePlan> plans) {
        return plans.stream().flatMap(p -> p.vips().stream()).toList();
    }

    /** keepalived's vrrp_exist match: VRID, interface, family, unicast or multicast. */
    static String key(InstanceRuntime.Wire w) {
        return w.vrid() + "/" + w.ifname() + "/" + (w.source() instanceof Inet6Address ? 6 : 4) + "/"
                + (w.unicast() ? "u" : "m");
    }
}
