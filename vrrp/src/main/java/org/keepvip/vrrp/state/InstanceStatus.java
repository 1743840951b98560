package org.keepvip.vrrp.state;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one instance for {@code keepvip status}.
 *
 * @param master         the address of the current master as learned from adverts (empty when
 *                       unknown, or ourselves when MASTER)
 * @param masterPriority the priority in that master's last accepted advert (0 when unknown)
 * @param vipsSet        the VIPs are (supposed to be) configured by us
 * @param faults         why the instance is in FAULT (empty otherwise)
 * @param wantsMaster    a sync-group member whose own timers say MASTER but whose group holds it back
 */
public record InstanceStatus(
        String name,
        int vrid,
        VrrpState state,
        int basePriority,
        int effectivePriority,
        Optional<InetAddress> master,
        int masterPriority,
        int masterAdvertIntervalCentis,
        boolean vipsSet,
        boolean awaitingPromotion,
        List<String> faults,
        boolean wantsMaster) {

    public InstanceStatus {
        faults = List.copyOf(faults);
    }
}
