package org.keepvip.agent.packet;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.keepvip.vrrp.config.GarpGroup;
import org.keepvip.vrrp.config.GlobalDefs;
import org.keepvip.vrrp.config.HostSettings;

/**
 * The minimum gaps between gratuitous ARPs, and between unsolicited NAs, sent on an interface
 * (keepalived/vrrp/vrrp_arp.c: send_gratuitous_arp(), vrrp_scheduler.c: vrrp_arp_thread()): a
 * {@code garp_group}'s interfaces share one schedule; any other interface has its own, with
 * {@code vrrp_garp_interval} / {@code vrrp_gna_interval} (keepalived/vrrp/vrrp_if.c:
 * set_default_garp_delay()). A message goes at once when its gap has passed since the last one
 * actually sent; otherwise it waits in a queue that the scheduler's thread drains, measuring each
 * gap from the previous send, so timer lateness never shortens a gap on the wire. Thread-safe:
 * the lanes of several instances announce on one interface.
 */
public final class AnnouncePacing {
    /** Runs a task once after a delay. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    /** One kind of message (GARP or NA) of one schedule. */
    private final class Kind {
        final long gap;
        long next = Long.MIN_VALUE;
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        boolean drainArmed;

        Kind(Duration gap) {
            this.gap = gap.toNanos();
        }

        /** Under the pacing's lock. */
        void submit(Runnable send) {
            long now = clock.getAsLong();
            if (queue.isEmpty() && (gap == 0 || next == Long.MIN_VALUE || now - next >= 0)) {
                sendNow(send);
                return;
            }
            queue.add(send);
            arm(now);
        }

        private void sendNow(Runnable send) {
            send.run();
            next = clock.getAsLong() + gap;
        }

        private void arm(long now) {
            if (!drainArmed && !queue.isEmpty()) {
                drainArmed = true;
                scheduler.schedule(this::drain, Math.max(0, next - now));
            }
        }

        private void drain() {
            synchronized (AnnouncePacing.this) {
                drainArmed = false;
                long now = clock.getAsLong();
                while (!queue.isEmpty() && now - next >= 0) {
                    sendNow(queue.poll());
                    now = clock.getAsLong();
                }
                arm(now);
            }
        }
    }

    private final class Slot {
        final Kind garp;
        final Kind na;

        Slot(Duration garp, Duration na) {
            this.garp = new Kind(garp);
            this.na = new Kind(na);
        }
    }

    private final Map<String, Slot> groups = new HashMap<>();
    private final Map<String, Slot> own = new HashMap<>();
    private final Duration defaultGarp;
    private final Duration defaultNa;
    private final LongSupplier clock;
    private final Scheduler scheduler;

    /**
     * @param clock     nanoTime
     * @param scheduler where queued messages are sent from
     */
    public AnnouncePacing(HostSettings host, GlobalDefs global, LongSupplier clock, Scheduler scheduler) {
        for (GarpGroup g : host.garpGroups()) {
            Slot shared = new Slot(g.garpInterval(), g.gnaInterval());
            g.interfaces().forEach(ifname -> groups.put(ifname, shared));
        }
        this.defaultGarp = global.garp().interval();
        this.defaultNa = global.garp().naInterval();
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** True when nothing is paced on {@code ifname}: every message may go at once. */
    synchronized boolean unpaced(String ifname) {
        Slot s = slot(ifname);
        return s.garp.gap == 0 && s.na.gap == 0;
    }

    /** Sends (runs) {@code send} now if its gap has passed on {@code ifname}, else when it has. */
    synchronized void submit(String ifname, boolean isNa, Runnable send) {
        Slot s = slot(ifname);
        (isNa ? s.na : s.garp).submit(send);
    }

    private Slot slot(String ifname) {
        Slot s = groups.get(ifname);
        return s != null ? s : own.computeIfAbsent(ifname, k -> new Slot(defaultGarp, defaultNa));
    }
}
