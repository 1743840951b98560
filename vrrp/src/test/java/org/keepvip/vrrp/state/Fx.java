package org.keepvip.vrrp.state;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Collectors;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.VrrpAdvert;

/** Test fixtures: documentation addresses, adverts and action filters. */
final class Fx {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    private Fx() {
    }

    /** 192.0.2.last */
    static InetAddress ip(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static VrrpAdvert advert(int priority) {
        return advert(2, priority, 100);
    }

    static VrrpAdvert advert(int version, int priority, int intervalCentis) {
        return new VrrpAdvert(version, 51, priority, intervalCentis, AuthType.NONE, new byte[0], List.of(ip(100)));
    }

    static InstanceConfig.Builder cfg(int priority, int ipLast) {
        return InstanceConfig.builder("VI_1", 51, ip(ipLast)).priority(priority);
    }

    static Event.AdvertReceived rx(long now, int priority, int fromLast) {
        return new Event.AdvertReceived(now, advert(priority), ip(fromLast));
    }

    /** The actions without the log lines, for order assertions. */
    static List<Action> effects(List<Action> actions) {
        return actions.stream().filter(a -> !(a instanceof Action.Log))
                .map(a -> a instanceof Action.StateChanged c // compared without the decision's inputs
                        ? new Action.StateChanged(c.from(), c.to(), c.reason(), c.text()) : a)
                .collect(Collectors.toList());
    }

    static List<String> logs(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof Action.Log).map(a -> ((Action.Log) a).text())
                .collect(Collectors.toList());
    }

    /** A started instance, with its start-up actions drained. */
    static VrrpInstance started(InstanceConfig c, long now) {
        VrrpInstance i = new VrrpInstance(c);
        i.handle(new Event.Start(now, true));
        i.drainActions();
        return i;
    }

    /** Drives timers until {@code until}, delivering TimerDue at each deadline. */
    static void runUntil(VrrpInstance i, long until) {
        while (i.nextDeadline().isPresent() && i.nextDeadline().getAsLong() <= until) {
            i.handle(new Event.TimerDue(i.nextDeadline().getAsLong()));
        }
    }
}
