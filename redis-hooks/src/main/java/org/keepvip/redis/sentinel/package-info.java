/**
 * Redis Sentinel as the quorum (Sentinel mode): {@link org.keepvip.redis.sentinel.SentinelWatch} keeps
 * one subscription to {@code +switch-master} per Sentinel and asks {@code SENTINEL
 * get-master-addr-by-name} on every (re)connect; {@link org.keepvip.redis.sentinel.SentinelQuorum}
 * reduces the Sentinels' answers to the master a majority of them names. Nothing here promotes,
 * demotes or polls for the switch.
 */
package org.keepvip.redis.sentinel;
