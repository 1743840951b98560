package org.keepvip.agent.daemon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * Every instance's next deadline, earliest first, so that a turn of the {@link EventLoop} costs
 * O(log n) in the number of instances rather than a scan of all of them (a thousand instances at
 * 50 ms adverts make some 40,000 timer and advert events a second).
 *
 * <p>Entries are not removed when a deadline moves (a backup's down timer moves with every advert):
 * the instance's current deadline is kept beside the heap, and an entry that no longer matches it is
 * dropped when it reaches the head. Stale entries therefore live at most until their own deadline, so
 * the heap holds about (deadline moves per second × master_down_interval) of them. Loop thread only.
 */
final class DeadlineQueue {
    private record Entry(long at, long seq, InstanceRuntime runtime) {}

    private final PriorityQueue<Entry> heap = new PriorityQueue<>(
            Comparator.comparingLong(Entry::at).thenComparingLong(Entry::seq));
    private final Map<InstanceRuntime, Long> current = new IdentityHashMap<>();
    private long seq;

    /** Takes the instance's deadline as its machine now says; call after every event it handled. */
    void update(InstanceRuntime r) {
        OptionalLong next = r.machine().nextDeadline();
        if (next.isEmpty()) {
            current.remove(r);
            return;
        }
        long at = next.getAsLong();
        Long was = current.put(r, at);
        if (was == null || was != at) {
            heap.add(new Entry(at, seq++, r));
        }
    }

    /** Forgets an instance (removed by a reload). */
    void remove(InstanceRuntime r) {
        current.remove(r);
    }

    /** The instance with the earliest deadline, or null when none has one. */
    InstanceRuntime first() {
        Entry e = head();
        return e == null ? null : e.runtime();
    }

    /** The earliest deadline; {@link Long#MAX_VALUE} when there is none. */
    long firstAt() {
        Entry e = head();
        return e == null ? Long.MAX_VALUE : e.at();
    }

    /**
     * Removes and returns the instances whose deadline is at or before {@code now}, earliest first.
     * Each at most once: a deadline that an instance re-arms in the past waits for the next call.
     */
    List<InstanceRuntime> pollDue(long now) {
        List<InstanceRuntime> due = new ArrayList<>();
        for (Entry e = head(); e != null && e.at() <= now; e = head()) {
            heap.poll();
            current.remove(e.runtime());
            due.add(e.runtime());
        }
        return due;
    }

    /** Number of instances with a deadline. */
    int size() {
        return current.size();
    }

    private Entry head() {
        for (Entry e = heap.peek(); e != null; e = heap.peek()) {
            Long at = current.get(e.runtime());
            if (at != null && at == e.at()) {
                return e;
            }
            heap.poll(); // stale: the instance's deadline moved since
        }
        return null;
    }
}
