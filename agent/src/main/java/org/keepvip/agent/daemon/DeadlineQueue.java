package org.keepvip.agent.daemon;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * Every instance's next deadline ({@code T}: an {@link InstanceRuntime} in the daemon), earliest
 * first, so that a turn of the {@link EventLoop} costs
 * O(log n) in the number of instances rather than a scan of all of them (a thousand instances at
 * 50 ms adverts make some 40,000 timer and advert events a second).
 *
 * <p>Entries are not removed when a deadline moves (a backup's down timer moves with every advert):
 * the instance's live entry is kept beside the heap, and any other entry of it is dropped when it
 * reaches the head (told apart by identity, not by time: an instance moved back to an earlier time
 * queues behind those that took that time meanwhile). Stale entries therefore live at most until
 * their own deadline, so the heap holds about (deadline moves per second × master_down_interval) of
 * them. Loop thread only.
 */
final class DeadlineQueue<T> {
    /** Compared directly, not through a composed Comparator: this runs some 40,000 times a second. */
    private record Entry<T>(long at, long seq, T item) implements Comparable<Entry<T>> {
        @Override
        public int compareTo(Entry<T> o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Entry<T>> heap = new PriorityQueue<>();
    /** Each item's live entry: any other entry of the item in the heap is stale, even at the same time. */
    private final Map<T, Entry<T>> current = new IdentityHashMap<>();
    private long seq;

    /** Takes {@code r}'s deadline as it is now (empty: none); call after every event it handled. */
    void update(T r, OptionalLong next) {
        if (next.isEmpty()) {
            current.remove(r);
            return;
        }
        long at = next.getAsLong();
        Entry<T> was = current.get(r);
        if (was == null || was.at() != at) {
            Entry<T> e = new Entry<>(at, seq++, r);
            current.put(r, e);
            heap.add(e);
        }
    }

    /** Forgets an instance (removed by a reload). */
    void remove(T r) {
        current.remove(r);
    }

    /** The instance with the earliest deadline, or null when none has one. */
    T first() {
        Entry<T> e = head();
        return e == null ? null : e.item();
    }

    /** The earliest deadline; {@link Long#MAX_VALUE} when there is none. */
    long firstAt() {
        Entry<T> e = head();
        return e == null ? Long.MAX_VALUE : e.at();
    }

    /**
     * Removes and returns the instances whose deadline is at or before {@code now}, earliest first.
     * Each at most once: a deadline that an instance re-arms in the past waits for the next call.
     */
    List<T> pollDue(long now) {
        List<T> due = new ArrayList<>();
        for (Entry<T> e = head(); e != null && e.at() <= now; e = head()) {
            heap.poll();
            current.remove(e.item());
            due.add(e.item());
        }
        return due;
    }

    /** Number of instances with a deadline. */
    int size() {
        return current.size();
    }

    private Entry<T> head() {
        for (Entry<T> e = heap.peek(); e != null; e = heap.peek()) {
            if (current.get(e.item()) == e) {
                return e;
            }
            heap.poll(); // stale: the instance's deadline moved since
        }
        return null;
    }
}
