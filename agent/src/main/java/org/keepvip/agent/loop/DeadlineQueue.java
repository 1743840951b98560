package org.keepvip.agent.loop;

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
 * <p>A deadline that moves later is not re-queued: a backup's down timer moves with every advert,
 * and a heap insert for each was the loop's largest cost after the advert itself. The instance's
 * slot keeps the time it wants, and its entry, on reaching the head early, is queued again once at
 * that time. A deadline that moves earlier gets a new entry; the old one is stale and dropped when
 * it reaches the head (told apart by identity, not by time: an instance moved back to an earlier
 * time queues behind those that took that time meanwhile). The heap thus holds at most one live
 * entry per instance plus the stale entries of deadlines moved earlier, which live until their own
 * deadline. Loop thread only.
 */
final class DeadlineQueue<T> {
    /** Compared directly, not through a composed Comparator: this runs some 40,000 times a second. */
    private record Entry<T>(long at, long seq, T item) implements Comparable<Entry<T>> {
        @Override
        public int compareTo(Entry<T> o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    /** An item's live entry in the heap, and the time it wants now (never earlier than the entry's). */
    private static final class Slot<T> {
        Entry<T> live;
        long wantedAt;
    }

    private final PriorityQueue<Entry<T>> heap = new PriorityQueue<>();
    /** Each item's slot: any entry of the item in the heap other than its live one is stale. */
    private final Map<T, Slot<T>> current = new IdentityHashMap<>();
    private long seq;

    /** Takes {@code r}'s deadline as it is now (empty: none); call after every event it handled. */
    void update(T r, OptionalLong next) {
        if (next.isEmpty()) {
            current.remove(r);
            return;
        }
        long at = next.getAsLong();
        Slot<T> slot = current.get(r);
        if (slot == null) {
            slot = new Slot<>();
            current.put(r, slot);
            queue(slot, r, at);
        } else if (at < slot.live.at()) {
            queue(slot, r, at);
        } else {
            slot.wantedAt = at; // later (or the same): the live entry re-queues itself when it comes up
        }
    }

    private void queue(Slot<T> slot, T r, long at) {
        Entry<T> e = new Entry<>(at, seq++, r);
        slot.live = e;
        slot.wantedAt = at;
        heap.add(e);
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

    /** Entries in the heap, live and stale: what a deadline moved later must not grow. */
    int heapSize() {
        return heap.size();
    }

    /** Number of instances with a deadline. */
    int size() {
        return current.size();
    }

    private Entry<T> head() {
        for (Entry<T> e = heap.peek(); e != null; e = heap.peek()) {
            Slot<T> slot = current.get(e.item());
            if (slot == null || slot.live != e) {
                heap.poll(); // stale: the instance's deadline moved earlier since, or it has none
            } else if (slot.wantedAt > e.at()) {
                heap.poll(); // moved later since: queued again at the time it wants now
                queue(slot, e.item(), slot.wantedAt);
            } else {
                return e;
            }
        }
        return null;
    }
}
