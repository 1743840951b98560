package org.keepvip.agent.script;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The notify scripts of one instance or sync group.
 *
 * @param specific {@code notify_master}, {@code notify_backup}, {@code notify_fault},
 *     {@code notify_stop}, {@code notify_deleted}: run with only their configured argv
 * @param generic {@code notify}: run with argv + {@code INSTANCE|GROUP name STATE priority}
 */
public record NotifyScripts(Map<NotifyState, ScriptCommand> specific, Optional<ScriptCommand> generic) {
    public NotifyScripts {
        specific = specific.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(specific));
    }

    public static final NotifyScripts NONE = new NotifyScripts(Map.of(), Optional.empty());
}
