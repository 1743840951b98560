/**
 * The pure VRRP state machine: keepalived's semantics (keepalived/vrrp/vrrp.c, vrrp_scheduler.c) without clocks, threads or IO.
 *
 * <p>Driver contract (the agent's event loop, or the test LAN):
 * <ol>
 * <li>Build an {@link org.keepvip.vrrp.state.InstanceConfig} (validated) and a
 *     {@link org.keepvip.vrrp.state.VrrpInstance}; members of a {@code vrrp_sync_group} are wrapped in a
 *     {@link org.keepvip.vrrp.state.SyncGroup} and all their events go through it.</li>
 * <li>Feed {@link org.keepvip.vrrp.state.Event}s, each stamped with the monotonic {@code now}: Start
 *     first; received adverts (already validated), tracker results (after a
 *     {@link org.keepvip.vrrp.state.RiseFallCounter}), interface changes, VIP deletions, promotion
 *     results, Shutdown.</li>
 * <li>After each event, execute {@code drainActions()} in order (see
 *     {@link org.keepvip.vrrp.state.Action} for the ordering contract).</li>
 * <li>Sleep until {@code nextDeadline()} or the next event; at the deadline send
 *     {@link org.keepvip.vrrp.state.Event.TimerDue}.</li>
 * </ol>
 */
package org.keepvip.vrrp.state;
