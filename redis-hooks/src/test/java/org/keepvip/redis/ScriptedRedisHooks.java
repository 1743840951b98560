package org.keepvip.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A scripted {@link RedisHooks} for the agent's pure tests (published in this module's test-jar):
 * health snapshots and hook results are queued by the test, every call is recorded in order. An
 * empty queue repeats the last health, and answers hooks with {@link HookResult.Done}.
 */
public final class ScriptedRedisHooks implements RedisHooks {

    private final RedisEndpoint endpoint;
    private final Deque<RedisHealth> health = new ArrayDeque<>();
    private final Deque<HookResult> results = new ArrayDeque<>();
    private final List<String> calls = new ArrayList<>();
    private RedisHealth last;

    public ScriptedRedisHooks(RedisEndpoint endpoint, RedisHealth initial) {
        this.endpoint = endpoint;
        this.last = initial;
    }

    /** Builds a snapshot from INFO text, judged as the real probe would. */
    public static RedisHealth healthFromInfo(RedisEndpoint endpoint, String infoText) {
        RedisInfo info = RedisInfo.parse(infoText);
        return new RedisHealth(endpoint, JedisProbe.judge(info, endpoint), Duration.ofNanos(50_000), info);
    }

    public synchronized ScriptedRedisHooks thenHealth(RedisHealth h) {
        health.add(h);
        return this;
    }

    public synchronized ScriptedRedisHooks thenResult(HookResult r) {
        results.add(r);
        return this;
    }

    /** Calls so far, e.g. {@code ["check", "promote", "fence 5000ms"]}. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public RedisEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public synchronized RedisHealth check() {
        calls.add("check");
        if (!health.isEmpty()) {
            last = health.poll();
        }
        return last;
    }

    @Override
    public synchronized HookResult promote(Optional<RedisHealth> peer, Duration timeout) {
        calls.add("promote");
        return next("promoted");
    }

    @Override
    public synchronized HookResult promote(java.util.function.Supplier<Optional<RedisHealth>> peerWhenNeeded,
            Duration timeout, boolean persist) {
        calls.add(persist ? "promote" : "promote unpersisted");
        return next("promoted");
    }

    @Override
    public synchronized HookResult persistRole() {
        calls.add("persist role");
        return new HookResult.Done("config rewritten", List.of());
    }

    @Override
    public synchronized void warmUp() {
        calls.add("warm-up");
    }

    @Override
    public synchronized HookResult demote(RedisEndpoint master, boolean force, Duration timeout) {
        calls.add("demote " + master.address() + (force ? " force" : ""));
        return next("replicating from " + master.address());
    }

    @Override
    public synchronized HookResult fence(Duration pause, Optional<RedisEndpoint> newMaster) {
        calls.add("fence " + pause.toMillis() + "ms");
        return next("fenced");
    }

    @Override
    public synchronized HookResult awaitReplicas(Duration bound, Optional<RedisEndpoint> expected) {
        calls.add("await replicas " + bound.toMillis() + "ms" + expected.map(e -> " expecting " + e.address()).orElse(""));
        return next("replicas have the fenced offset");
    }

    @Override
    public synchronized HookResult unpause() {
        calls.add("unpause");
        return next("unpaused");
    }

    @Override
    public void close() {
        // nothing to release
    }

    private HookResult next(String detail) {
        return results.isEmpty() ? new HookResult.Done(detail, List.of()) : results.poll();
    }
}
