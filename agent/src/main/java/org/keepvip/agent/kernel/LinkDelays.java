package org.keepvip.agent.kernel;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.keepvip.vrrp.config.HostSettings;
import org.keepvip.vrrp.config.LinkDelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code interface_up_down_delays}: a link change of a listed interface reaches the instances only
 * after it has lasted its delay (keepalived/vrrp/vrrp_if.c: the interface's down_debounce_timer and
 * up_debounce_timer). A change reverted within the delay is never seen; a change without a delay,
 * or of an interface not listed, passes at once. Called from the netlink monitor's thread; the
 * timer's thread passes a change on when its delay has run out.
 */
public final class LinkDelays {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /** Something that can be cancelled. */
    @FunctionalInterface
    public interface Cancellable {
        void cancel();
    }

    /** Runs a task once after a delay. */
    @FunctionalInterface
    public interface Scheduler {
        Cancellable schedule(Runnable task, Duration delay);
    }

    /** Where changes go once they count. */
    @FunctionalInterface
    public interface Sink {
        void linkChanged(String ifname, boolean up);
    }

    private record Pending(boolean up, Cancellable timer) {}

    private final Map<String, LinkDelay> delays = new HashMap<>();
    private final Scheduler scheduler;
    private final Sink sink;
    /** Per delayed interface, the state the instances were last told (or found at start). */
    private final Map<String, Boolean> seen = new HashMap<>();
    private final Map<String, Pending> pending = new HashMap<>();

    /**
     * @param initiallyUp the link state the instances start with, asked here for each delayed
     *                    interface (later it would be the state after the change)
     */
    public LinkDelays(HostSettings host, Scheduler scheduler, Predicate<String> initiallyUp, Sink sink) {
        host.linkDelays().forEach(d -> delays.put(d.ifname(), d));
        this.scheduler = scheduler;
        this.sink = sink;
        delays.keySet().forEach(ifname -> seen.put(ifname, initiallyUp.test(ifname)));
    }

    public void changed(String ifname, boolean up) {
        LinkDelay d = delays.get(ifname);
        if (d == null) {
            sink.linkChanged(ifname, up);
            return;
        }
        synchronized (this) {
            Pending p = pending.get(ifname);
            if (p != null && p.up() == up) {
                return; // the same change again (another flag moved): its delay keeps running
            }
            if (p != null) {
                p.timer().cancel();
                pending.remove(ifname);
                LOG.info("({}) link {} again within its delay - ignoring the change", ifname, up ? "up" : "down");
            }
            boolean was = seen.get(ifname);
            if (was == up) {
                return;
            }
            Duration delay = up ? d.up() : d.down();
            if (delay.isZero()) {
                seen.put(ifname, up);
                sink.linkChanged(ifname, up);
                return;
            }
            LOG.info("({}) link {} - acting on it in {} s unless it changes back (interface_up_down_delays)", ifname,
                    up ? "up" : "down", delay.toMillis() / 1000.0);
            pending.put(ifname, new Pending(up, scheduler.schedule(() -> fire(ifname, up), delay)));
        }
    }

    private void fire(String ifname, boolean up) {
        synchronized (this) {
            Pending p = pending.get(ifname);
            if (p == null || p.up() != up) {
                return; // cancelled after it started
            }
            pending.remove(ifname);
            seen.put(ifname, up);
            sink.linkChanged(ifname, up); // under the lock: a later change cannot overtake it
        }
    }
}
