package org.keepvip.agent.script;

/**
 * One finished run of a {@code vrrp_script}, as published to the event loop; the rise/fall
 * counting (keepalived/vrrp/vrrp_track.c) belongs to the VRRP core.
 *
 * @param script the vrrp_script name
 * @param result how the run ended; only exit status 0 is success
 */
public record ScriptRun(String script, ScriptResult result) {
    public boolean ok() {
        return result.ok();
    }
}
