package org.keepvip.agent.loop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.keepvip.netlink.VipSpec;

/**
 * Lets the VIP adds of many instances that share one lane thread go to the kernel together. In a
 * mass failover a thousand takeovers fire within one advert interval; one netlink request (and
 * its answer) per VIP cost more than the kernel's own work of adding it. The loop registers an
 * instance's add here when it hands the takeover over ({@link #register}), and the first add step
 * of that thread to run adds every add registered by then in one {@link Ports.Vips#addAll} call;
 * the steps of the other instances then find theirs done and only report it.
 *
 * <p>An add may run ahead of its own step because it is registered only while its lane has no
 * other work queued or running ({@link HookLane#idle()}) and is its batch's first lane work, so
 * nothing of that instance is overtaken; everything of it that follows still runs after the VIPs
 * are in. The combiner belongs to one lane thread and is only drained on it.
 */
final class VipAddCombiner {

    /** One instance's add: what runs before it, its VIPs, and what is known once it ran. */
    static final class Pending {
        private final Ports.Vips port;
        private final Consumer<List<VipSpec>> before;
        private final Supplier<List<VipSpec>> vips;
        private final Consumer<IOException> after;
        private boolean done;
        private long startNanos;
        private long endNanos;
        private IOException failure;

        /**
         * {@code vips} is read when the add runs; {@code before} gets them right before they go in
         * (drop rules, SYN refusals stopped; if it throws, they are not added), {@code after} once
         * they are in, with the failure or null (log hold, metrics; must not throw).
         */
        Pending(Ports.Vips port, Consumer<List<VipSpec>> before, Supplier<List<VipSpec>> vips,
                Consumer<IOException> after) {
            this.port = port;
            this.before = before;
            this.vips = vips;
            this.after = after;
        }

        boolean done() {
            return done;
        }

        long startNanos() {
            return startNanos;
        }

        long endNanos() {
            return endNanos;
        }

        /** The instance's first failure (each VIP's was logged by the port), or null. */
        IOException failure() {
            return failure;
        }
    }

    private final ConcurrentLinkedQueue<Pending> registered = new ConcurrentLinkedQueue<>();

    /**
     * On the loop thread, once the step that carries {@code p} is queued on the lane (its step may
     * already have run it: then it is dropped here when next drained).
     */
    void register(Pending p) {
        registered.add(p);
    }

    /**
     * On the lane thread, from the step that carries {@code p}: runs every registered add unless
     * {@code p}'s already ran, so that {@code p} is done afterwards.
     */
    void runWith(Pending p) {
        if (p.done) {
            return;
        }
        List<Pending> batch = new ArrayList<>();
        for (Pending q; (q = registered.poll()) != null; ) {
            if (!q.done) {
                batch.add(q);
            }
        }
        if (!batch.contains(p)) {
            batch.add(p); // its step ran before the loop registered it
        }
        // In practice one port; grouped so that a test's or a reload's second port is served too.
        Map<Ports.Vips, List<Pending>> byPort = new IdentityHashMap<>();
        for (Pending q : batch) {
            byPort.computeIfAbsent(q.port, k -> new ArrayList<>()).add(q);
        }
        for (Map.Entry<Ports.Vips, List<Pending>> e : byPort.entrySet()) {
            run(e.getKey(), e.getValue());
        }
    }

    private static void run(Ports.Vips port, List<Pending> batch) {
        long start = System.nanoTime();
        List<Pending> adding = new ArrayList<>(batch.size());
        List<List<VipSpec>> lists = new ArrayList<>(batch.size());
        for (Pending q : batch) {
            q.startNanos = start;
            List<VipSpec> vips = q.vips.get();
            try {
                q.before.accept(vips);
            } catch (RuntimeException e) {
                q.failure = new IOException(e.toString(), e); // as the plain add: not added
                continue;
            }
            adding.add(q);
            lists.add(vips);
        }
        List<IOException> failures;
        try {
            failures = port.addAll(lists);
        } catch (RuntimeException e) {
            IOException f = new IOException(e.toString(), e);
            failures = new ArrayList<>(lists.size());
            for (int i = 0; i < lists.size(); i++) {
                failures.add(f);
            }
        }
        for (int i = 0; i < adding.size(); i++) {
            adding.get(i).failure = failures.get(i);
        }
        long end = System.nanoTime();
        for (Pending q : batch) {
            q.endNanos = end;
            q.done = true;
            q.after.accept(q.failure);
        }
    }
}
