/**
 * keepalived-compatible scripts (keepalived/core/notify.c, keepalived/vrrp/vrrp_track.c): {@link org.keepvip.agent.script.ScriptRunner}
 * runs an argv as a user in its own process group with a timeout;
 * {@link org.keepvip.agent.script.VrrpScriptTracker} runs a {@code vrrp_script} periodically and
 * publishes {@link org.keepvip.agent.script.ScriptRun}s (rise/fall counting is the VRRP core's);
 * {@link org.keepvip.agent.script.NotifyDispatcher} runs one instance's notifies in order;
 * {@link org.keepvip.agent.script.NotifyFifo} is the notify FIFO;
 * {@link org.keepvip.agent.script.ScriptSecurity} is keepalived's check_script_secure, free of agent state.
 *
 * <p>Design choices: the user switch is util-linux {@code setpriv} (no PAM, no session, no shell;
 * present on every Debian and RHEL), not {@code runuser} (PAM session per run, too heavy for a
 * tracker every second) nor a JNA setuid after fork (the JVM cannot run code between fork and
 * exec). {@code setsid} gives each script its own process group so a timeout kills its children
 * too. Script output goes to /dev/null, as keepalived without {@code -n}; at debug level it is
 * captured to a temporary file and logged when the script exits.
 */
package org.keepvip.agent.script;
