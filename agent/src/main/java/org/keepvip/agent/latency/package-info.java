/**
 * What keeps a takeover fast, behind one entry point, {@code TakeoverLatency}: the start-up warm-up
 * (passes of the parts the owners of the takeover path supply, then the wait for the JIT to go
 * quiet, {@code JitQuiet}), the scheduling policy of background threads ({@code BackgroundThreads},
 * found by the names in {@code ThreadNames}), and the log hold that keeps log writers off the CPU
 * while a takeover adds its VIPs ({@code LogHold}, {@code HoldableAsyncAppender}).
 *
 * <p>Must not: depend on the loop, the daemon or any adapter; what a warm-up part does is its
 * owner's business.
 */
package org.keepvip.agent.latency;
