package org.keepvip.agent.loop;

import java.time.Duration;
import java.util.List;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.state.InstanceConfig;

/**
 * Everything needed to run one configured instance: the state machine's settings, the wire
 * settings, what received adverts must look like, and the VIPs to install.
 *
 * @param redisName the {@code redis_instance} whose hooks this instance drives, or null
 * @param garpRefresh {@code garp_master_refresh}: period of the GARP/NA refresh while MASTER, zero = off
 * @param garpRefreshRepeat {@code garp_master_refresh_repeat}: messages per VIP per refresh
 * @param routing {@code virtual_routes} and {@code virtual_rules}: installed with the VIPs
 * @param extraIfGarp {@code garp_extra_if}: how often, while MASTER, to announce on the extra interfaces; zero = off
 * @param extraIfTargets the VIP announced on each extra interface (see ConfigMapper.extraIfTargets)
 */
public record InstancePlan(InstanceConfig machine, InstanceRuntime.Wire wire, ReceiveExpectations expectations,
        List<VipSpec> vips, String redisName, Duration garpRefresh, int garpRefreshRepeat,
        InstanceRuntime.VirtualRouting routing, Duration extraIfGarp, List<VipSpec> extraIfTargets) {
    public InstancePlan {
        vips = List.copyOf(vips);
        extraIfTargets = List.copyOf(extraIfTargets);
    }
}
