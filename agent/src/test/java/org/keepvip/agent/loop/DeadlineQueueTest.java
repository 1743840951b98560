package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The event loop's deadline heap with lazy removal: earliest first, a moved deadline replaces the old
 * one (its stale heap entry never comes out, a deadline moved later costs no heap entry per move),
 * each item at most once per {@link DeadlineQueue#pollDue}, and equal deadlines set once in the order
 * they were set. Checked by hand and against a plain map scanned for
 * its minimum.
 */
class DeadlineQueueTest {
    /** Distinct objects: the queue tells items apart by identity. */
    record Item(String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final Item a = new Item("a");
    private final Item b = new Item("b");
    private final Item c = new Item("c");
    private final DeadlineQueue<Item> q = new DeadlineQueue<>();

    @Test
    void anEmptyQueueHasNoFirstAndNothingDue() {
        assertThat(q.first()).isNull();
        assertThat(q.firstAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(q.pollDue(Long.MAX_VALUE)).isEmpty();
        assertThat(q.size()).isZero();
    }

    @Test
    void theEarliestDeadlineComesFirstWhateverTheOrderOfUpdates() {
        q.update(a, OptionalLong.of(30));
        q.update(b, OptionalLong.of(10));
        q.update(c, OptionalLong.of(20));

        assertThat(q.first()).isSameAs(b);
        assertThat(q.firstAt()).isEqualTo(10);
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.pollDue(100)).containsExactly(b, c, a);
        assertThat(q.size()).isZero();
    }

    @Test
    void aDeadlineMovedLaterReplacesTheOldOneWhoseEntryNeverComesOut() {
        q.update(a, OptionalLong.of(10));
        q.update(b, OptionalLong.of(20));
        q.update(a, OptionalLong.of(30)); // a backup's down timer pushed back by an advert

        assertThat(q.first()).isSameAs(b);
        assertThat(q.firstAt()).isEqualTo(20);
        assertThat(q.pollDue(15)).as("a's old deadline (10) is stale").isEmpty();
        assertThat(q.pollDue(25)).containsExactly(b);
        assertThat(q.firstAt()).isEqualTo(30);
        assertThat(q.pollDue(100)).as("a comes out once, at its new deadline").containsExactly(a);
        assertThat(q.pollDue(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void aDeadlineMovedEarlierReplacesTheOldOne() {
        q.update(a, OptionalLong.of(50));
        q.update(b, OptionalLong.of(20));
        q.update(a, OptionalLong.of(10));

        assertThat(q.first()).isSameAs(a);
        assertThat(q.firstAt()).isEqualTo(10);
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.pollDue(10)).containsExactly(a);
        assertThat(q.pollDue(100)).as("a's old entry at 50 is stale").containsExactly(b);
    }

    @Test
    void pollDueReturnsEachDueItemOnceInDeadlineOrderAndKeepsTheLaterOnes() {
        q.update(a, OptionalLong.of(5));
        q.update(b, OptionalLong.of(7));
        q.update(c, OptionalLong.of(9));
        q.update(b, OptionalLong.of(3));
        q.update(b, OptionalLong.of(7)); // back where it was: still one item, not two

        assertThat(q.pollDue(7)).containsExactly(a, b);
        assertThat(q.pollDue(7)).as("nothing twice").isEmpty();
        assertThat(q.first()).isSameAs(c);
        assertThat(q.size()).isEqualTo(1);

        // Re-armed in the past (an instance whose handling of its timer left it due again).
        q.update(a, OptionalLong.of(1));
        assertThat(q.pollDue(8)).containsExactly(a);
        assertThat(q.pollDue(9)).containsExactly(c);
    }

    @Test
    void aDueBoundaryIsInclusive() {
        q.update(a, OptionalLong.of(10));
        assertThat(q.pollDue(9)).isEmpty();
        assertThat(q.pollDue(10)).containsExactly(a);
    }

    @Test
    void removeForgetsAnItem() {
        q.update(a, OptionalLong.of(10));
        q.update(b, OptionalLong.of(20));
        q.remove(a);
        q.remove(c); // never there: no effect

        assertThat(q.size()).isEqualTo(1);
        assertThat(q.first()).isSameAs(b);
        assertThat(q.pollDue(100)).containsExactly(b);
    }

    @Test
    void anEmptyDeadlineRemovesTheItem() {
        q.update(a, OptionalLong.of(10));
        q.update(b, OptionalLong.of(20));
        q.update(a, OptionalLong.empty()); // a timer that stopped (an instance gone to FAULT)

        assertThat(q.size()).isEqualTo(1);
        assertThat(q.firstAt()).isEqualTo(20);
        assertThat(q.pollDue(100)).containsExactly(b);
    }

    @Test
    void equalDeadlinesComeOutInTheOrderTheyWereSet() {
        q.update(c, OptionalLong.of(10));
        q.update(a, OptionalLong.of(10));
        q.update(b, OptionalLong.of(10));
        q.update(c, OptionalLong.of(10)); // unchanged: keeps its place

        assertThat(q.first()).isSameAs(c);
        assertThat(q.pollDue(10)).containsExactly(c, a, b);
    }

    @Test
    void anItemMovedLaterAndBackComesOutOnceAtItsDeadline() {
        q.update(a, OptionalLong.of(10));
        q.update(b, OptionalLong.of(10));
        q.update(a, OptionalLong.of(20));
        q.update(a, OptionalLong.of(10)); // back where it was: its entry at 10 is live again

        assertThat(q.pollDue(10)).containsExactlyInAnyOrder(a, b);
        assertThat(q.pollDue(Long.MAX_VALUE)).as("nothing left at 20").isEmpty();
    }

    @Test
    void aDeadlineMovedLaterManyTimesIsQueuedOnceMoreNotOncePerMove() {
        q.update(a, OptionalLong.of(10));
        for (long at = 11; at <= 1000; at++) {
            q.update(a, OptionalLong.of(at)); // a backup's down timer, pushed back by every advert
        }
        q.update(b, OptionalLong.of(500));

        assertThat(q.heapSize()).as("a's entry, b's entry").isEqualTo(2);
        assertThat(q.pollDue(999)).containsExactly(b);
        assertThat(q.firstAt()).isEqualTo(1000);
        assertThat(q.pollDue(1000)).containsExactly(a);
    }

    @Test
    void anItemRemovedAndAddedAgainQueuesAsNew() {
        q.update(a, OptionalLong.of(10));
        q.update(b, OptionalLong.of(10));
        q.remove(a);
        q.update(a, OptionalLong.of(10));

        assertThat(q.pollDue(10)).containsExactly(b, a);
    }

    /**
     * 10,000 random operations over 200 items against a map of item → (deadline, when it was set),
     * scanned for its minimum. Deadlines come from a narrow window and half the operations go to a few
     * items, so many deadlines are equal and many move back to a value whose stale entry is still queued.
     */
    @Test
    void agreesWithAScannedMapOverManyRandomOperations() {
        Random random = new Random(20261205L);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            items.add(new Item("i" + i));
        }
        Map<Item, long[]> model = new HashMap<>(); // item → {deadline, order it was set in}
        long order = 0;
        long now = 0;
        int polled = 0;
        for (int op = 0; op < 10_000; op++) {
            // Half the operations go to ten busy items, whose deadlines move back and forth
            // while their stale entries are still in the heap.
            Item item = items.get(random.nextInt(random.nextBoolean() ? 10 : items.size()));
            int dice = random.nextInt(100);
            String step = "operation " + op;
            if (dice < 50) {
                long at = now - 2 + random.nextInt(12); // sometimes already due
                q.update(item, OptionalLong.of(at));
                long[] was = model.get(item);
                if (was == null || was[0] != at) {
                    model.put(item, new long[] {at, order++});
                }
            } else if (dice < 55) {
                q.update(item, OptionalLong.empty());
                model.remove(item);
            } else if (dice < 60) {
                q.remove(item);
                model.remove(item);
            } else if (dice < 80) {
                now += random.nextInt(3);
                Map<Item, Long> due = due(model, now);
                due.keySet().forEach(model::remove);
                List<Item> got = q.pollDue(now);
                // Equal deadlines may come out in any order: a deadline moved later is queued again
                // when its old time comes up, not when it moved.
                assertThat(got).as(step + ": pollDue(%d)", now).containsExactlyInAnyOrderElementsOf(due.keySet());
                assertThat(got.stream().mapToLong(due::get).toArray()).as(step + ": earliest first").isSorted();
                polled += got.size();
            } else {
                Map.Entry<Item, long[]> min = model.entrySet().stream().min(EARLIEST).orElse(null);
                assertThat(q.firstAt()).as(step + ": firstAt")
                        .isEqualTo(min == null ? Long.MAX_VALUE : min.getValue()[0]);
                if (min == null) {
                    assertThat(q.first()).as(step + ": first").isNull();
                } else {
                    assertThat(model.get(q.first())[0]).as(step + ": first is due as early as any")
                            .isEqualTo(min.getValue()[0]);
                }
            }
            assertThat(q.size()).as(step + ": size").isEqualTo(model.size());
        }
        assertThat(q.pollDue(Long.MAX_VALUE)).containsExactlyInAnyOrderElementsOf(due(model, Long.MAX_VALUE).keySet());
        assertThat(polled).as("the run exercised pollDue").isGreaterThan(1000);
    }

    private static final Comparator<Map.Entry<Item, long[]>> EARLIEST =
            Comparator.<Map.Entry<Item, long[]>>comparingLong(e -> e.getValue()[0]).thenComparingLong(e -> e.getValue()[1]);

    /** The items of {@code model} due at {@code now}, with their deadlines. */
    private static Map<Item, Long> due(Map<Item, long[]> model, long now) {
        Map<Item, Long> due = new HashMap<>();
        model.forEach((item, v) -> {
            if (v[0] <= now) {
                due.put(item, v[0]);
            }
        });
        return due;
    }
}
