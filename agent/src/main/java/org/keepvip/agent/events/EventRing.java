package org.keepvip.agent.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} records, oldest dropped first. Thread-safe; readers may wait for records
 * newer than the ones they have ({@code keepvip events --follow}).
 */
public final class EventRing {
    private final int capacity;
    private final ArrayDeque<EventRecord> records;
    private long dropped;

    public EventRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
        this.records = new ArrayDeque<>(capacity);
    }

    public synchronized void add(EventRecord r) {
        if (records.size() == capacity) {
            records.removeFirst();
            dropped++;
        }
        records.addLast(r);
        notifyAll();
    }

    /** Records that left the ring to make room. */
    public synchronized long dropped() {
        return dropped;
    }

    /** The records whose time is at or after {@code since} (all with null), oldest first. */
    public synchronized List<EventRecord> since(Instant since) {
        List<EventRecord> out = new ArrayList<>();
        for (EventRecord r : records) {
            if (since == null || !Instant.parse(r.time()).isBefore(since)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The records after sequence number {@code seq}, waiting up to {@code millis} for one when there is
     * none yet; empty on timeout.
     */
    public synchronized List<EventRecord> after(long seq, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            List<EventRecord> out = new ArrayList<>();
            for (EventRecord r : records) {
                if (r.seq() > seq) {
                    out.add(r);
                }
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (!out.isEmpty() || left <= 0) {
                return out;
            }
            wait(left);
        }
    }

    /** The sequence number of the newest record, 0 when none. */
    public synchronized long lastSeq() {
        return records.isEmpty() ? 0 : records.peekLast().seq();
    }
}
