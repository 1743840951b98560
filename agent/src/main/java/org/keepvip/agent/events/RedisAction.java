package org.keepvip.agent.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Redis action as the hook that ran it saw it: promote, fence, demote (with the wipe guard's
 * verdict), a split brain found while demoting, or a switchover's stages. Made on the hook's thread
 * from values it already has; its record and text are built on the {@link DecisionLog}'s thread.
 *
 * @param kind     {@code promote}, {@code fence}, {@code replica_sync} (a leaving master waiting for its
 *                 replicas after its fence), {@code demote}, {@code split_brain} or {@code switchover}
 * @param redis    the {@code redis_instance}
 * @param instance the VRRP instance, null when the hook does not know it
 * @param outcome  {@code ok}, {@code refused} (a guard said no, nothing changed), {@code failed}, or
 *                 {@code reported} (a split brain: found, nothing done about it here)
 * @param detail   what the hook reported, in the log's words
 * @param inputs   what decided it: endpoint, master, guard verdict, replication offset, …
 * @param spans    the timed steps, in order; the first one's start is the action's time (one span of
 *                 length 0 for a report that times nothing)
 */
public record RedisAction(String kind, String redis, String instance, String outcome, String detail,
        Map<String, Object> inputs, List<Span> spans) implements DecisionLog.Pending {

    public RedisAction {
        inputs = inputs == null ? Map.of() : new LinkedHashMap<>(inputs);
        spans = List.copyOf(spans);
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("a Redis action has at least one timed step");
        }
    }

    /** One timed step, in {@code System.nanoTime()} values; {@code error} null when it succeeded. */
    public record Span(String name, long start, long end, String error) {}

    @Override
    public EventRecord toRecord(long seq, DecisionLog.WallClock wall) {
        long at = spans.get(0).start();
        List<EventRecord.Step> steps = new ArrayList<>(spans.size());
        long last = at;
        for (Span s : spans) {
            steps.add(new EventRecord.Step(s.name(), Millis.of(s.end() - s.start()), Millis.of(s.end() - at), s.error()));
            last = Math.max(last, s.end());
        }
        if (last == at) { // a report, not an action: nothing was timed
            steps.clear();
        }
        Double total = steps.isEmpty() ? null : Millis.of(last - at);
        String what = kind + " " + outcome;
        StringBuilder text = new StringBuilder();
        if (instance != null) {
            text.append('(').append(instance).append(") ");
        }
        text.append("redis ").append(redis).append(": ").append(what);
        inputs.forEach((k, v) -> {
            if (!(v instanceof Map) && !(v instanceof List)) {
                text.append("; ").append(k).append(' ').append(v);
            }
        });
        text.append(Explain.steps(steps, total));
        if (detail != null && !detail.isEmpty() && spans.stream().noneMatch(s -> detail.equals(s.error()))) {
            text.append(" - ").append(detail); // a failed step already said it
        }
        return new EventRecord(seq, wall.at(at).toString(), kind, instance, redis, what, outcome, inputs, steps, total,
                text.toString());
    }
}
