package org.keepvip.vrrp.sim;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.SyncGroup;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;

/** One simulated host: a VRRP instance (absent while the daemon is down), its link, VIPs and Redis. */
final class SimNode {

    /** How the fake Redis answers a promotion. */
    enum Promotion { NORMAL, FAIL, HANG }

    final String name;
    final InstanceConfig config;
    /** null = multicast; otherwise the unicast peers adverts are sent to. */
    final List<InetAddress> unicastPeers;

    VrrpInstance instance;
    /** The sync group this node's instance belongs to, or null. */
    SyncGroup group;
    boolean linkUp = true;
    final Map<String, Boolean> trackers = new LinkedHashMap<>();
    Promotion promotion = Promotion.NORMAL;

    // The host as the agent would leave it.
    boolean vips;
    boolean redisMaster;
    boolean fenced;
    InetAddress replicaOf;
    int transitions;

    SimNode(String name, InstanceConfig config, List<InetAddress> unicastPeers) {
        this.name = name;
        this.config = config;
        this.unicastPeers = unicastPeers;
    }

    InetAddress ip() {
        return config.primaryAddress();
    }

    int vrid() {
        return config.vrid();
    }

    boolean running() {
        return instance != null;
    }

    VrrpState state() {
        return instance == null ? null : instance.state();
    }

    @Override
    public String toString() {
        InstanceConfig c = config;
        return name + "[" + c.primaryAddress().getHostAddress() + " vrid=" + c.vrid() + " v" + c.version()
                + " prio=" + c.priority() + " int=" + c.advertIntervalCentis() + "cs"
                + (c.initialState() == VrrpState.MASTER ? " state=MASTER" : "")
                + (c.nopreempt() ? " nopreempt" : "")
                + (c.preemptDelay().isZero() ? "" : " preempt_delay=" + c.preemptDelay().toMillis() + "ms")
                + " dta=" + c.downTimerAdverts()
                + (c.lowerPrioNoAdvert() ? " lower_prio_no_advert" : "")
                + (c.higherPrioSendAdvert() ? " higher_prio_send_advert" : "")
                + (c.redisHooks() ? " hooks(timeout=" + c.promotionTimeout().toMillis() + "ms backoff="
                + c.promotionBackoff().toMillis() + "ms on-failure=" + c.onPromotionFailure() + ")" : "")
                + (unicastPeers == null ? " mcast" : " unicast")
                + " trackers=" + c.trackers() + "]";
    }
}
