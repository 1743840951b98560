/**
 * Linux scheduling of the daemon's own threads: which ones may take a CPU from the VRRP event loop
 * the moment they wake, and which must wait their turn.
 */
package org.keepvip.agent.sched;
