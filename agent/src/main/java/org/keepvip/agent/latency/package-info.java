/**
 * What keeps a takeover fast: the JIT warm-up and the wait for the compiler to go quiet, the
 * scheduling policy of background threads, and the log hold that keeps log writers off the CPU
 * while a takeover adds its VIPs.
 */
package org.keepvip.agent.latency;
