package org.keepvip.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;

/**
 * The hooks for the local Redis, in the order ARCHITECTURE.md ("The Redis order") requires: {@link #promote} before the VIP is
 * added, {@link #fence} before it is removed, {@link #demote} after. Each call opens its own short
 * connection, runs on the caller's (worker) thread, is bounded by the given timeout plus the
 * endpoint's read timeout, and never throws for Redis failures.
 */
public final class RedisNode implements RedisHooks {

    private static final Logger LOG = LoggerFactory.getLogger(RedisNode.class);
    private static final long POLL_MILLIS = 10;
    /** How long a diverged dataset's BGSAVE may take before the resync is refused instead. */
    static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(60);
    /** How the warning naming a kept snapshot begins (the agent reads the path from it). */
    public static final String SNAPSHOT_SAVED = "diverged dataset saved to ";

    private final RedisEndpoint endpoint;
    private final WipeGuard guard;
    private final JedisProbe probe;

    public RedisNode(RedisEndpoint endpoint, GuardPolicy policy) {
        this.endpoint = endpoint;
        this.guard = new WipeGuard(policy);
        this.probe = new JedisProbe(endpoint);
    }

    @Override
    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /** Health check of the local Redis (reuses one connection). */
    @Override
    public RedisHealth check() {
        return probe.check();
    }

    /**
     * Entering MASTER: refuse if {@link WipeGuard#mayBecomeMaster} says no (given the peer's last
     * snapshot, if any), else {@code REPLICAOF NO ONE}, poll {@code ROLE} until master (bounded by
     * {@code timeout}), then {@code CONFIG REWRITE} (no config file is only a warning).
     */
    @Override
    public HookResult promote(Optional<RedisHealth> peer, Duration timeout) {
        return promote(() -> peer, timeout);
    }

    /** As above; {@code peerWhenNeeded} runs only when the local Redis is empty (see {@link WipeGuard}). */
    @Override
    public HookResult promote(java.util.function.Supplier<Optional<RedisHealth>> peerWhenNeeded, Duration timeout) {
        return promote(peerWhenNeeded, timeout, true);
    }

    /**
     * As above; with {@code persist} false the role is not written to the config file here: the
     * caller runs {@link #persistRole()} once the VIP is announced. {@code CONFIG REWRITE} writes and
     * fsyncs a file, which can take milliseconds on a busy disk, and the clients wait for the VIP.
     */
    @Override
    public HookResult promote(java.util.function.Supplier<Optional<RedisHealth>> peerWhenNeeded, Duration timeout,
            boolean persist) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RedisHealth local = check();
        GuardDecision d = guard.mayBecomeMaster(local, peerWhenNeeded);
        if (!d.allowed()) {
            LOG.warn("Redis {}: promotion refused: {}", endpoint.address(), d.reason());
            return new HookResult.Refused(d.reason());
        }
        try {
            // On the check's connection, just used: a new one would cost a connect and a CLIENT SETNAME.
            return probe.onConnection(j -> {
                j.replicaofNoOne();
                if (!awaitRole(j, RedisInfo.Role.MASTER, null, -1, deadline)) {
                    return new HookResult.Failed("Redis " + endpoint.address() + " did not report ROLE master within "
                            + timeout.toMillis() + " ms after REPLICAOF NO ONE");
                }
                // A fence of this node's last MASTER period may still pause writes (it left and came back
                // within the pause, its demote not done): the master the VIP is about to point at writes.
                j.clientUnpause();
                List<String> warnings = new ArrayList<>();
                if (persist) {
                    configRewrite(j, warnings);
                }
                String detail = "Redis " + endpoint.address() + " promoted: ROLE master confirmed";
                LOG.info("{}", detail);
                return new HookResult.Done(detail, warnings);
            });
        } catch (RuntimeException e) {
            return new HookResult.Failed("promotion of Redis " + endpoint.address() + " failed: "
                    + Failures.classify(e, endpoint).reason());
        }
    }

    /**
     * {@code CONFIG REWRITE}: the running role (whatever it is by now) survives a Redis restart.
     * A Redis without a config file only gets a warning, as in {@link #promote}.
     */
    @Override
    public HookResult persistRole() {
        try {
            return probe.onConnection(j -> {
                List<String> warnings = new ArrayList<>();
                configRewrite(j, warnings);
                return new HookResult.Done("Redis " + endpoint.address() + " config rewritten", warnings);
            });
        } catch (RuntimeException e) {
            return new HookResult.Failed("CONFIG REWRITE on Redis " + endpoint.address() + " failed: "
                    + Failures.classify(e, endpoint).reason());
        }
    }

    /**
     * Entering BACKUP: check {@code master} and ourselves, apply the wipe guard, then
     * {@code REPLICAOF host port}, confirm {@code ROLE} names that master (bounded by {@code timeout}),
     * and lift any write pause left by {@link #fence}.
     * The address given must be one the local Redis can reach (the master's real address).
     */
    @Override
    public HookResult demote(RedisEndpoint master, boolean force, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RedisHealth masterHealth;
        try (RedisProbe p = RedisProbe.of(master)) {
            masterHealth = p.check();
        }
        RedisHealth local = check();
        RedisInfo li = local.info();
        if (li != null && li.role() == RedisInfo.Role.REPLICA && master.host().equals(li.masterHost())
                && master.port() == li.masterPort()) {
            return new HookResult.Done("Redis " + endpoint.address() + " already replicates from "
                    + master.address(), List.of());
        }
        GuardDecision d = guard.mayReplicateFrom(local, masterHealth, force);
        if (!d.allowed()) {
            LOG.warn("Redis {}: REPLICAOF {} refused: {}", endpoint.address(), master.address(), d.reason());
            return new HookResult.Refused(d.reason());
        }
        List<String> warnings = new ArrayList<>();
        if (d.outcome() == GuardDecision.Outcome.FORCED || d.divergence() != null) {
            warnings.add(d.reason());
            LOG.warn("Redis {}: {}", endpoint.address(), d.reason());
        }
        try (Jedis j = RedisConnector.open(endpoint)) {
            if (d.divergence() != null && d.divergence().loses()) {
                // H2: what the resync discards is kept on disk first, or the resync does not happen.
                String label = li == null || li.masterReplid() == null ? "unknown"
                        : li.masterReplid().substring(0, Math.min(8, li.masterReplid().length()));
                DatasetSnapshot.Outcome saved = DatasetSnapshot.save(j, label, local.keys(), SNAPSHOT_TIMEOUT);
                if (saved instanceof DatasetSnapshot.Outcome.NotSaved n) {
                    String why = "not resyncing from " + master.address() + ": the diverged dataset could not be saved ("
                            + n.reason() + ") and the resync would destroy its writes beyond recovery";
                    LOG.warn("Redis {}: {}", endpoint.address(), why);
                    return new HookResult.Refused(why);
                }
                DatasetSnapshot.Outcome.Saved ok = (DatasetSnapshot.Outcome.Saved) saved;
                String kept = SNAPSHOT_SAVED + ok.file() + " (" + ok.keys() + " keys, BGSAVE " + ok.took().toMillis()
                        + " ms)";
                warnings.add(kept);
                LOG.warn("Redis {}: {}", endpoint.address(), kept);
            }
            j.replicaof(master.host(), master.port());
            if (!awaitRole(j, RedisInfo.Role.REPLICA, master.host(), master.port(), deadline)) {
                return new HookResult.Failed("Redis " + endpoint.address() + " did not report ROLE replica of "
                        + master.address() + " within " + timeout.toMillis() + " ms");
            }
            // Lift a fence left by fence(): reads resume; writes get READONLY instead of hanging.
            j.clientUnpause();
            configRewrite(j, warnings);
            String detail = "Redis " + endpoint.address() + " now replicates from " + master.address()
                    + " (" + d.reason() + ")";
            LOG.info("{}", detail);
            return new HookResult.Done(detail, warnings);
        } catch (RuntimeException e) {
            return new HookResult.Failed("REPLICAOF " + master.address() + " on Redis " + endpoint.address()
                    + " failed: " + Failures.classify(e, endpoint).reason());
        }
    }

    /**
     * Leaving MASTER, before the VIP is removed: {@code CLIENT PAUSE pause WRITE}, then
     * {@code CLIENT KILL TYPE normal SKIPME yes} so clients reconnect through the VIP. On a Redis
     * without write pauses (before 6.2) it makes the node a replica of {@code newMaster} when one is
     * known, else pauses all commands.
     */
    @Override
    public HookResult fence(Duration pause, Optional<RedisEndpoint> newMaster) {
        List<String> warnings = new ArrayList<>();
        try (Jedis j = RedisConnector.open(endpoint)) {
            String how;
            try {
                j.clientPause(pause.toMillis(), ClientPauseMode.WRITE);
                how = "writes paused for " + pause.toMillis() + " ms";
            } catch (JedisDataException e) {
                if (Failures.isAuthError(String.valueOf(e.getMessage()))) {
                    throw e;
                }
                warnings.add("CLIENT PAUSE WRITE unsupported (" + e.getMessage() + ")");
                if (newMaster.isPresent()) {
                    j.replicaof(newMaster.get().host(), newMaster.get().port());
                    how = "made a replica of " + newMaster.get().address();
                } else {
                    j.clientPause(pause.toMillis());
                    how = "all commands paused for " + pause.toMillis() + " ms";
                }
            }
            long killed = ClientKiller.killApplicationClients(j);
            String detail = "Redis " + endpoint.address() + " fenced: " + how + ", " + killed + " client(s) disconnected";
            LOG.info("{}", detail);
            return new HookResult.Done(detail, warnings);
        } catch (RuntimeException e) {
            return new HookResult.Failed("fencing Redis " + endpoint.address() + " failed: "
                    + Failures.classify(e, endpoint).reason());
        }
    }

    /**
     * After {@link #fence}: the master's offset, then each replica it lists, asked
     * directly (as {@link Switchover#pauseAndSync()} asks its replica: the master's own view of a
     * replica's offset is its last {@code REPLCONF ACK}, up to a second old) until it has that
     * offset, all within {@code bound}. A replica that no longer follows this master is not waited
     * for. With none listed, the {@code expected} one (the peer's Redis) is asked directly
     * ({@link ExpectedReplica}). The replica is reached at the address the master lists, with this endpoint's credentials
     * and timeouts cut to what is left of the bound.
     */
    @Override
    public HookResult awaitReplicas(Duration bound, Optional<RedisEndpoint> expected) {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        Duration read = Duration.ofMillis(Math.max(bound.toMillis(), ReplicaCatchUp.MIN_READ_MILLIS));
        RedisEndpoint own = endpoint.withTimeouts(min(endpoint.connectTimeout(), read), min(endpoint.readTimeout(), read));
        RedisInfo master;
        try (Jedis j = RedisConnector.open(own)) {
            master = RedisInfo.parse(j.info("replication"));
        } catch (RuntimeException e) {
            return new HookResult.Failed("reading the offset of Redis " + endpoint.address() + " failed: "
                    + Failures.classify(e, endpoint).reason());
        }
        if (master.role() != RedisInfo.Role.MASTER) {
            return new HookResult.Done("Redis " + endpoint.address() + " is not a master: no replica to wait for", List.of());
        }
        long target = master.masterReplOffset();
        // Every replica listed, online or not yet (after a sync a replica is online only at its
        // first ACK, up to a second later, while it already receives the stream).
        List<RedisInfo.ConnectedReplica> listed = master.replicas();
        if (listed.isEmpty()) {
            if (expected.isPresent()) {
                return ExpectedReplica.await(master, expected.get().withTimeouts(own.connectTimeout(), own.readTimeout()),
                        start, deadline);
            }
            return new HookResult.Done("no replica connected at offset " + target, List.of());
        }
        List<String> done = new ArrayList<>();
        List<String> behind = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (RedisInfo.ConnectedReplica c : listed) {
            RedisEndpoint ep = endpoint.withAddress(c.ip(), c.port());
            while (true) {
                Duration left = Duration.ofMillis(Math.max((deadline - System.nanoTime()) / 1_000_000,
                        ReplicaCatchUp.MIN_READ_MILLIS));
                ep = ep.withTimeouts(min(endpoint.connectTimeout(), left), min(endpoint.readTimeout(), left));
                // A replica busy applying a long stream can miss a read timeout: ask again on a new
                // connection (a timed-out one is out of step) until the bound.
                try (Jedis r = RedisConnector.open(ep)) {
                    ReplicaCatchUp.Outcome o = ReplicaCatchUp.await(r, master.masterReplid(), target, deadline);
                    if (o instanceof ReplicaCatchUp.Outcome.CaughtUp) {
                        done.add(ep.address());
                    } else if (o instanceof ReplicaCatchUp.Outcome.Behind b) {
                        behind.add("replica " + ep.address() + " still " + b.bytes() + " bytes behind");
                    } else if (o instanceof ReplicaCatchUp.Outcome.Resyncing) {
                        behind.add("replica " + ep.address() + " still in a full resync");
                    } else if (o instanceof ReplicaCatchUp.Outcome.ReachedMaster) {
                        behind.add("replica " + ep.address() + " not read (that address answers as this master"
                                + " itself: the replica is listed at an address that does not reach it from here)");
                    } else if (o instanceof ReplicaCatchUp.Outcome.NotFollowing n) {
                        gone.add("replica " + ep.address() + " no longer follows this master (" + n.why()
                                + "): nothing to wait for");
                    }
                    break;
                } catch (RuntimeException e) {
                    if (System.nanoTime() - deadline >= 0) {
                        behind.add("replica " + ep.address() + " not read (" + Failures.classify(e, ep).reason() + ")");
                        break;
                    }
                    pause(ReplicaCatchUp.POLL_MILLIS);
                }
            }
        }
        String took = String.format(java.util.Locale.ROOT, "%.1f ms", (System.nanoTime() - start) / 1e6);
        if (!behind.isEmpty()) {
            return new HookResult.Failed("fenced offset " + target + ", after " + took + ": " + String.join("; ", behind)
                    + (done.isEmpty() ? "" : "; in sync: " + String.join(", ", done))
                    + (gone.isEmpty() ? "" : "; " + String.join("; ", gone)));
        }
        List<String> parts = new ArrayList<>();
        if (!done.isEmpty()) {
            parts.add("replica " + String.join(", ", done) + " has the fenced offset " + target + " (" + took + ")");
        }
        parts.addAll(gone);
        return new HookResult.Done(String.join("; ", parts), List.of());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Runs the read-only steps of a takeover and a release once, changing nothing: the local check,
     * {@code ROLE} on the same connection, the release's replica wait with no time left, and a
     * connection refused as a dead peer's or a dead local
     * Redis' is (to a loopback port just found free, without credentials). The first promotion or
     * fence then does not pay for loading and linking that code: measured outside the daemon, a
     * cold promotion (peer probe included) took 20–50 ms, a warmed one a few. Never throws.
     */
    @Override
    public void warmUp() {
        check();
        try {
            probe.onConnection(j -> roleMatches(j.role(), RedisInfo.Role.MASTER, null, -1));
        } catch (RuntimeException e) {
            // Redis down at start-up: the check path above was warmed all the same
        }
        // The release's replica wait reads only (INFO replication, once per listed replica with no
        // time left): run cold on a real-time lane at the first release, it spent past the soft
        // RLIMIT_RTTIME in class loading and interpretation.
        awaitReplicas(Duration.ZERO);
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        } catch (java.io.IOException e) {
            return;
        }
        // No credentials: were the port taken meanwhile, the stranger would get nothing of ours.
        try (RedisProbe p = RedisProbe.of(RedisEndpoint.of(java.net.InetAddress.getLoopbackAddress().getHostAddress(),
                closed).withTimeouts(endpoint.connectTimeout(), endpoint.readTimeout()))) {
            p.check();
        }
    }

    /** Lifts a pause set by {@link #fence} (e.g. when the node stays MASTER after all). */
    @Override
    public HookResult unpause() {
        try (Jedis j = RedisConnector.open(endpoint)) {
            j.clientUnpause();
            return new HookResult.Done("Redis " + endpoint.address() + " unpaused", List.of());
        } catch (RuntimeException e) {
            return new HookResult.Failed("CLIENT UNPAUSE on Redis " + endpoint.address() + " failed: "
                    + Failures.classify(e, endpoint).reason());
        }
    }

    @Override
    public void close() {
        probe.close();
    }

    /** Polls {@code ROLE} until it says {@code want} (and, for a replica, names host:port). */
    static boolean awaitRole(Jedis j, RedisInfo.Role want, String host, int port, long deadlineNanos) {
        while (true) {
            if (roleMatches(j.role(), want, host, port)) {
                return true;
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            pause(POLL_MILLIS);
        }
    }

    static boolean roleMatches(List<Object> role, RedisInfo.Role want, String host, int port) {
        if (role == null || role.isEmpty()) {
            return false;
        }
        String kind = text(role.get(0));
        if (want == RedisInfo.Role.MASTER) {
            return "master".equals(kind);
        }
        if (!"slave".equals(kind) || role.size() < 3) {
            return false;
        }
        return host == null || (host.equals(text(role.get(1))) && String.valueOf(port).equals(text(role.get(2))));
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private void configRewrite(Jedis j, List<String> warnings) {
        try {
            j.configRewrite();
        } catch (JedisDataException e) {
            String w = "CONFIG REWRITE on Redis " + endpoint.address() + " failed (" + e.getMessage()
                    + "); the role change will not survive a Redis restart";
            LOG.warn("{}", w);
            warnings.add(w);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
    }
}
