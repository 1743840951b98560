/**
 * The control socket ({@link org.keepvip.agent.control.ControlServer}, default
 * {@code /run/keepvip/keepvip.sock}, mode 0660), its client, and the
 * {@link org.keepvip.agent.control.StatusSnapshot} the daemon fills for {@code keepvip status},
 * {@code --json} and the dumps. Protocol: one JSON request line, one JSON response line, then
 * the connection closes.
 */
package org.keepvip.agent.control;
