/**
 * The decision log: one structured record per VRRP state change and per Redis action, saying what
 * happened, why (the inputs that decided it) and how long each step took. Built off the event loop
 * and the hook lanes ({@link org.keepvip.agent.events.DecisionLog}'s own thread), written to the
 * normal log as one line and kept in a bounded ring that {@code keepvip events} reads over the
 * control socket.
 */
package org.keepvip.agent.events;
