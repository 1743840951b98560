package org.keepvip.vrrp.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The notify scripts of an instance or sync group; each is null when not configured.
 *
 * @param master            notify_master
 * @param backup            notify_backup
 * @param fault             notify_fault
 * @param stop              notify_stop
 * @param deleted           notify_deleted (instances only)
 * @param generic           notify: gets {@code INSTANCE|GROUP NAME STATE PRIORITY} appended
 * @param masterRxLowerPri  notify_master_rx_lower_pri (instances only)
 */
public record NotifyScriptsSpec(ScriptCommandSpec master, ScriptCommandSpec backup, ScriptCommandSpec fault, ScriptCommandSpec stop,
                            ScriptCommandSpec deleted, ScriptCommandSpec generic, ScriptCommandSpec masterRxLowerPri) {
    public static final NotifyScriptsSpec NONE = new NotifyScriptsSpec(null, null, null, null, null, null, null);

    /** The configured scripts, in keepalived's launch order. */
    public List<ScriptCommandSpec> all() {
        List<ScriptCommandSpec> out = new ArrayList<>();
        for (ScriptCommandSpec s : new ScriptCommandSpec[] {master, backup, fault, stop, deleted, generic, masterRxLowerPri}) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }
}
