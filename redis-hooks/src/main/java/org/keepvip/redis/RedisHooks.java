package org.keepvip.redis;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The local Redis as the agent drives it, in the order ARCHITECTURE.md ("The Redis order") requires: {@link #promote} before
 * the VIP is added, {@link #fence} before it is removed, {@link #demote} after. Implemented by
 * {@link RedisNode} (Jedis); tests of the agent use the scripted fake from this module's test-jar.
 * Calls block (bounded by their timeouts) and never throw for Redis failures.
 */
public interface RedisHooks extends AutoCloseable {

    /** The local Redis's address and settings. */
    RedisEndpoint endpoint();

    /** One health check. */
    RedisHealth check();

    /** Entering MASTER: guard, {@code REPLICAOF NO ONE}, ROLE master confirmed, {@code CONFIG REWRITE}. */
    HookResult promote(Optional<RedisHealth> peer, Duration timeout);

    /**
     * As {@link #promote(Optional, Duration)}, with the peer's health asked for only if the wipe
     * guard needs it (the local Redis is empty); this default asks for it up front.
     */
    default HookResult promote(Supplier<Optional<RedisHealth>> peerWhenNeeded, Duration timeout) {
        return promote(peerWhenNeeded.get(), timeout);
    }

    /**
     * As {@link #promote(Supplier, Duration)}; with {@code persist} false the role is not written to
     * Redis' config file here: the caller runs {@link #persistRole()} once the VIP is announced
     * ({@code CONFIG REWRITE} fsyncs a file, and the clients wait for the VIP).
     */
    HookResult promote(Supplier<Optional<RedisHealth>> peerWhenNeeded, Duration timeout, boolean persist);

    /** {@code CONFIG REWRITE}: the running role survives a Redis restart. */
    HookResult persistRole();

    /** Runs the read-only steps of a takeover once, changing nothing, so the first one is not cold. Never throws. */
    void warmUp();

    /** Entering BACKUP: wipe guard, {@code REPLICAOF master}, ROLE confirmed, fence lifted. */
    HookResult demote(RedisEndpoint master, boolean force, Duration timeout);

    /** Leaving MASTER: pause writes, drop normal clients. */
    HookResult fence(Duration pause, Optional<RedisEndpoint> newMaster);

    /**
     * Leaving MASTER, after {@link #fence} and before the VIP goes: waits, at most {@code bound},
     * until every replica this master lists online has processed the master's (fenced) offset, so
     * that a write acknowledged just before the fence is not lost when the peer promotes its
     * replica. {@link HookResult.Done} when they have it (or there is none to wait for),
     * {@link HookResult.Failed} naming how many bytes a replica was behind, or why it could not be read.
     */
    default HookResult awaitReplicas(Duration bound) {
        return awaitReplicas(bound, Optional.empty());
    }

    /**
     * As above; when the master lists no replica, waits within the same bound for {@code expected}
     * (the peer's Redis, which the peer promotes when it takes over) to connect and have the fenced
     * offset, and fails naming from which offset on writes may be lost if it does not.
     */
    HookResult awaitReplicas(Duration bound, Optional<RedisEndpoint> expected);

    /** Lifts a fence (the node stays MASTER after all). */
    HookResult unpause();

    @Override
    void close();
}
