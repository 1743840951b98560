/**
 * Redis Sentinel as the quorum (Sentinel mode), the pure part: {@link org.keepvip.redis.sentinel.MasterAddress}
 * reads Sentinel's replies and {@code +switch-master} messages, and
 * {@link org.keepvip.redis.sentinel.SentinelQuorum} reduces the Sentinels' answers to the master a
 * majority of them names. The agent's {@code SentinelWatch} holds the subscriptions (threads are
 * the agent's, not this module's).
 */
package org.keepvip.redis.sentinel;
