package org.keepvip.agent.events;

import java.util.List;
import java.util.Map;

/**
 * One entry of the decision log, as {@code keepvip events --json} prints it (field names are the JSON
 * keys: renaming one breaks users). Absent values are null.
 *
 * @param seq     increasing number, from 1 at daemon start
 * @param time    when the deciding event happened, ISO-8601 UTC
 * @param kind    {@code transition}, {@code promote}, {@code fence}, {@code demote}, {@code switchover}
 *                or {@code split_brain}
 * @param instance the VRRP instance, null for an action not tied to one
 * @param redis   the {@code redis_instance}, null when none is involved
 * @param what    what happened, e.g. {@code BACKUP -> MASTER}, {@code promote ok}
 * @param cause   why, as a stable word: a transition's cause ({@code master_down_timer}, …) or a Redis
 *                action's outcome ({@code ok}, {@code refused}, {@code failed})
 * @param inputs  the inputs that decided it (own and peer priority, timer, trackers, guard verdict, …)
 * @param steps   the steps carried out, in order, with their durations
 * @param totalMs from the deciding event to the end of the last step; null when nothing was timed
 * @param text    the same record as the one log line
 */
public record EventRecord(long seq, String time, String kind, String instance, String redis, String what,
        String cause, Map<String, Object> inputs, List<Step> steps, Double totalMs, String text) {

    public EventRecord {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /**
     * One step of a transition or a Redis action.
     *
     * @param name  {@code advert}, {@code promote}, {@code add_vips}, {@code garp}, {@code fence},
     *              {@code remove_vips}, {@code notify}, {@code demote}, or a switchover stage
     * @param ms    how long it took
     * @param endMs when it ended, counted from the deciding event
     * @param error why it failed, null when it did not
     */
    public record Step(String name, double ms, double endMs, String error) {}
}
