/**
 * Sentinel mode of a {@code redis_instance}: the tracker {@code sentinel:NAME}, up only on the host
 * whose Redis a majority of the configured Sentinels names master and whose {@code ROLE} says
 * master ({@link org.keepvip.agent.sentinel.SentinelGate}), and the hooks that replace promotion and
 * demotion there ({@link org.keepvip.agent.sentinel.SentinelMode}), and the subscriptions to the
 * Sentinels ({@link org.keepvip.agent.sentinel.SentinelWatch}).
 */
package org.keepvip.agent.sentinel;
