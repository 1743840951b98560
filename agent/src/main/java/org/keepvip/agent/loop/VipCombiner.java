package org.keepvip.agent.loop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.keepvip.netlink.VipSpec;

/**
 * Lets the VIP adds (and removals) of many instances that share one lane thread go to the kernel
 * together. In a mass failover a thousand takeovers fire within one advert interval, and as many
 * releases on the node that lost its links; one netlink request and answer per VIP cost more than
 * the kernel's own work of adding or deleting it. The loop registers an instance's change here
 * once it is handed over ({@link #register}), and the first such step of that thread to run makes
 * every change registered by then in one {@link Ports.Vips#addAll} or {@link Ports.Vips#removeAll}
 * call per run of one kind; the steps of the other instances then find theirs done and only report.
 *
 * <p>A change may run ahead of its own step because it is registered only while its lane had no
 * other work queued or running ({@link HookLane#idle()}), it is its batch's first lane work, and (a
 * removal) the loop has done its part of the batch, which the step would wait for: nothing of that
 * instance is overtaken, and everything of it that follows still runs after. The combiner belongs
 * to one lane thread and is only drained on it.
 */
final class VipCombiner {

    /** One instance's add or removal: what runs before it, its VIPs, and what is known once it ran. */
    static final class Pending {
        private final boolean add;
        private final Ports.Vips port;
        private final Consumer<List<VipSpec>> before;
        private final Supplier<List<VipSpec>> vips;
        private final Consumer<Pending> after;
        private boolean done;
        private long startNanos;
        private long endNanos;
        private List<VipSpec> changing = List.of();
        private List<VipSpec> removed = List.of();
        private IOException failure;

        /**
         * {@code vips} is read when the change runs; {@code before} gets them right before (drop
         * rules, routes, SYN refusals; if it throws, nothing is changed), {@code after} once the
         * change ran (log hold, metrics, refusals; must not throw).
         */
        Pending(boolean add, Ports.Vips port, Consumer<List<VipSpec>> before, Supplier<List<VipSpec>> vips,
                Consumer<Pending> after) {
            this.add = add;
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

        /** The VIPs it changed or tried to. */
        List<VipSpec> vips() {
            return changing;
        }

        /** A removal: the VIPs that were there and are gone. */
        List<VipSpec> removed() {
            return removed;
        }

        /** The instance's first failure (each VIP's was logged by the port), or null. */
        IOException failure() {
            return failure;
        }
    }

    private final ConcurrentLinkedQueue<Pending> registered = new ConcurrentLinkedQueue<>();

    /**
     * Start-up only: runs the combining {@code rounds} times on a port that changes nothing, adds and
     * removals, so that the first takeover does not run it interpreted.
     */
    static void warmUp(int rounds) {
        Ports.Vips dry = new Ports.Vips() {
            @Override
            public void add(List<VipSpec> vips) {
            }

            @Override
            public List<VipSpec> remove(List<VipSpec> vips) {
                return vips;
            }
        };
        VipCombiner c = new VipCombiner();
        for (int i = 0; i < rounds; i++) {
            Pending first = null;
            for (int k = 0; k < 4; k++) {
                Pending p = new Pending(k % 2 == 0, dry, vips -> { }, List::of, done -> { });
                c.register(p);
                first = first == null ? p : first;
            }
            c.runWith(first);
        }
    }

    /**
     * On the loop thread, once the step that carries {@code p} is queued on the lane (its step may
     * already have run it: then it is dropped here when next drained).
     */
    void register(Pending p) {
        registered.add(p);
    }

    /**
     * On the lane thread, from the step that carries {@code p}: makes every registered change unless
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
        // In registration order, a run of one kind and port per call: the same VIP in two
        // instances (one leaving, one taking over) keeps its order.
        int from = 0;
        for (int i = 1; i <= batch.size(); i++) {
            if (i == batch.size() || batch.get(i).add != batch.get(from).add || batch.get(i).port != batch.get(from).port) {
                run(batch.subList(from, i));
                from = i;
            }
        }
    }

    private static void run(List<Pending> batch) {
        Ports.Vips port = batch.get(0).port;
        boolean add = batch.get(0).add;
        long start = System.nanoTime();
        List<Pending> changing = new ArrayList<>(batch.size());
        List<List<VipSpec>> lists = new ArrayList<>(batch.size());
        for (Pending q : batch) {
            q.startNanos = start;
            q.changing = q.vips.get();
            try {
                q.before.accept(q.changing);
            } catch (RuntimeException e) {
                q.failure = new IOException(e.toString(), e); // as the plain step: nothing changed
                continue;
            }
            changing.add(q);
            lists.add(q.changing);
        }
        try {
            if (changing.size() == 1) {
                // One instance alone (the usual takeover of a pair): its port's own path, the one the
                // start-up warmed, with no batch to build.
                runAlone(port, add, changing.get(0));
            } else if (add) {
                List<IOException> failures = port.addAll(lists);
                for (int i = 0; i < changing.size(); i++) {
                    changing.get(i).failure = failures.get(i);
                }
            } else {
                List<Ports.Removal> removals = port.removeAll(lists);
                for (int i = 0; i < changing.size(); i++) {
                    changing.get(i).removed = removals.get(i).removed();
                    changing.get(i).failure = removals.get(i).failure();
                }
            }
        } catch (RuntimeException e) {
            IOException f = new IOException(e.toString(), e);
            changing.forEach(q -> q.failure = f);
        }
        long end = System.nanoTime();
        for (Pending q : batch) {
            q.endNanos = end;
            q.done = true;
            q.after.accept(q);
        }
    }

    private static void runAlone(Ports.Vips port, boolean add, Pending q) {
        try {
            if (add) {
                port.add(q.changing);
            } else {
                q.removed = port.remove(q.changing);
            }
        } catch (IOException e) {
            q.failure = e;
        }
    }
}
