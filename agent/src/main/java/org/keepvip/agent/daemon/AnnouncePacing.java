package org.keepvip.agent.daemon;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.keepvip.vrrp.config.GarpGroup;
import org.keepvip.vrrp.config.GlobalDefs;
import org.keepvip.vrrp.config.HostSettings;

/**
 * The minimum gaps between gratuitous ARPs, and between unsolicited NAs, sent on an interface
 * (keepalived/vrrp/vrrp_arp.c: send_gratuitous_arp(), vrrp_ndisc.c, vrrp_scheduler.c:
 * vrrp_arp_thread()): a {@code garp_group}'s interfaces share one schedule; any other interface has
 * its own, with {@code vrrp_garp_interval} / {@code vrrp_gna_interval} (keepalived/vrrp/vrrp_if.c:
 * set_default_garp_delay()). Without a gap a message goes at once. Thread-safe: lanes of several
 * instances announce on one interface.
 */
final class AnnouncePacing {
    /** One schedule: its gaps and when the next GARP and the next NA may go (nanoTime). */
    private static final class Slot {
        final long garpGap;
        final long naGap;
        long nextGarp = Long.MIN_VALUE;
        long nextNa = Long.MIN_VALUE;

        Slot(Duration garp, Duration na) {
            this.garpGap = garp.toNanos();
            this.naGap = na.toNanos();
        }
    }

    private final Map<String, Slot> groups = new HashMap<>();
    private final Map<String, Slot> own = new HashMap<>();
    private final Duration defaultGarp;
    private final Duration defaultNa;

    AnnouncePacing(HostSettings host, GlobalDefs global) {
        for (GarpGroup g : host.garpGroups()) {
            Slot shared = new Slot(g.garpInterval(), g.gnaInterval());
            g.interfaces().forEach(ifname -> groups.put(ifname, shared));
        }
        this.defaultGarp = global.garp().interval();
        this.defaultNa = global.garp().naInterval();
    }

    /** True when nothing is paced on {@code ifname}: every message may go at once. */
    synchronized boolean unpaced(String ifname) {
        Slot s = slot(ifname);
        return s.garpGap == 0 && s.naGap == 0;
    }

    /**
     * Books the next messages on {@code ifname}, in order, and returns for each how many
     * nanoseconds after {@code now} it may go (0: at once).
     *
     * @param isNa per message: an NA (true) or a GARP (false)
     */
    synchronized long[] book(String ifname, boolean[] isNa, long now) {
        Slot s = slot(ifname);
        long[] out = new long[isNa.length];
        for (int i = 0; i < isNa.length; i++) {
            long gap = isNa[i] ? s.naGap : s.garpGap;
            long next = isNa[i] ? s.nextNa : s.nextGarp;
            long at = gap == 0 || next == Long.MIN_VALUE || next - now <= 0 ? now : next;
            out[i] = at - now;
            if (gap != 0) {
                if (isNa[i]) {
                    s.nextNa = at + gap;
                } else {
                    s.nextGarp = at + gap;
                }
            }
        }
        return out;
    }

    private Slot slot(String ifname) {
        Slot s = groups.get(ifname);
        return s != null ? s : own.computeIfAbsent(ifname, k -> new Slot(defaultGarp, defaultNa));
    }
}
