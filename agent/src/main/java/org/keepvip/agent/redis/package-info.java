/**
 * The Redis orchestration of a {@code redis_instance}: the in-process check and its liveness watch,
 * the replication-lag judge, the {@code min_replicas_to_write} guard, and the planned switchover.
 * The wire protocol itself is in the redis-hooks module.
 */
package org.keepvip.agent.redis;
