/**
 * The kernel's network state through rtnetlink: VIPs, routes and rules put in and taken out, which
 * deleted routes and rules are ours, and link state (debounced by {@code interface_up_down_delays},
 * or polled for {@code linkbeat_interfaces}).
 */
package org.keepvip.agent.kernel;
