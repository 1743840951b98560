package org.keepvip.agent.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.events.DecisionLog;
import org.keepvip.agent.events.RedisAction;
import org.keepvip.agent.latency.ThreadNames;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.agent.loop.Ports;
import org.keepvip.agent.metrics.Readings;
import org.keepvip.agent.metrics.RedisStats;
import org.keepvip.agent.sentinel.SentinelMode;
import org.keepvip.redis.GuardPolicy;
import org.keepvip.redis.HookResult;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.RedisHealth;
import org.keepvip.redis.RedisHooks;
import org.keepvip.redis.RedisInfo;
import org.keepvip.redis.RedisNode;
import org.keepvip.redis.RedisProbe;
import org.keepvip.redis.TlsSettings;
import org.keepvip.vrrp.config.RedisInstance;
import org.keepvip.vrrp.state.RiseFallCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code redis_instance}: its in-process check (PING + INFO through Jedis, no fork), run every
 * {@code interval} through keepalived's rise/fall counter and reported as tracker {@code redis:NAME},
 * its replication lag judged by {@link LagJudge} and reported as tracker {@code redis-lag:NAME}, and
 * the hooks the instances tracking it run on their lanes. The check and the hooks use separate
 * connections so a slow promotion never delays a check.
 */
public final class RedisWiring implements Ports.RedisRole, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.redis");
    /** How long fenced writes stay paused at most; the demote that follows lifts it. */
    static final Duration FENCE_PAUSE = Duration.ofSeconds(10);
    /** Spacing of demote attempts while the new master cannot be reached yet. */
    static final Duration DEMOTE_RETRY = Duration.ofMillis(250);

    private final RedisInstance config;
    private final RedisEndpoint endpoint;
    private final RedisHooks checkNode;
    private final RedisHooks hookNode;
    /** Fencing uses short timeouts: a hung Redis must not hold the VIP removal that follows it for long. */
    private final RedisHooks fenceNode;
    private final RiseFallCounter counter;
    private volatile RedisHealth lastHealth;
    /** The last check Redis answered with its INFO: a decision record's role and offset before an action. */
    private volatile RedisHealth lastAnswered;
    private ScheduledFuture<?> schedule;
    private volatile RedisLivenessWatch watch;
    private boolean closed;
    /** Serialises the hook connection between the lane and the re-demote below. */
    private final Object hookLock = new Object();
    /** The master we were last told to replicate from (VRRP master's address); null while we are master. */
    private volatile InetAddress replicaOf;
    /**
     * The last VRRP master this Redis was told to replicate from, kept while we are master: the peer
     * whose Redis a release expects as its replica ({@link #fence}).
     */
    private volatile InetAddress peer;
    /** Set when the last demote did not take (local Redis down or hung): re-tried once it answers again. */
    private volatile boolean demotePending;
    private volatile String lastDivergence;
    private final ExecutorService redemoter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, ThreadNames.REDIS_REDEMOTE);
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean redemoteQueued = new AtomicBoolean();
    /** A check failed since the last re-demote: one more attempt is allowed once Redis answers (no retry storm on a refusal). */
    private volatile boolean redemoteArmed;
    /** The last demote was refused because the VRRP master could not be reached: the re-demote retries it. */
    private volatile boolean masterUnreachable;
    /** H3 (ARCHITECTURE.md, "Redis hazards"): replication lag eligibility, reported as tracker {@code redis-lag:NAME}. */
    private final LagJudge lag;
    /** An instance tracking us entered MASTER (promotion asked) and has not left it (fence / demote) since. */
    private volatile boolean vrrpMaster;
    /** Where promotions, fences, demotes and split brains are reported. */
    private final DecisionLog decisions = DecisionLog.global();
    /** Check and hook durations and outcomes, for metrics. */
    private final RedisStats stats = new RedisStats();
    /** Sentinel mode: Sentinel's majority names the master; null in pair mode. */
    private final SentinelMode sentinel;
    /** Pair mode's min-replicas management ({@code min_replicas_to_write}); null when not configured. */
    private final MinReplicasGuard minReplicas;
    /** The last diverged dataset kept before a resync (H2), for status. */
    private volatile String savedDataset;

    public RedisWiring(RedisInstance config) throws IOException {
        this(config, ep -> new RedisNode(ep, GuardPolicy.DEFAULT));
    }

    /**
     * @param nodes the local Redis at an endpoint (its check, hook and fence connections differ in
     *              timeouts): {@link RedisNode} in the daemon, redis-hooks' scripted fake in tests
     */
    RedisWiring(RedisInstance config, java.util.function.Function<RedisEndpoint, RedisHooks> nodes) throws IOException {
        this.config = config;
        RedisEndpoint ep = RedisEndpoint.of(config.host(), config.port())
                .withTimeouts(config.timeout(), config.timeout());
        if (config.user() != null) {
            ep = ep.withUser(config.user());
        }
        if (config.passwordFile() != null) {
            ep = ep.withPasswordFile(Path.of(config.passwordFile()));
        }
        if (config.tls() != null && config.tls().enabled()) {
            // The Redis client takes Java key stores (PKCS#12): ca_file is the trust store, cert_file the key store.
            ep = ep.withTls(new TlsSettings(config.tls().caFile() == null ? null : Path.of(config.tls().caFile()), null,
                    config.tls().certFile() == null ? null : Path.of(config.tls().certFile()), null, true));
        }
        this.endpoint = ep;
        this.checkNode = nodes.apply(ep);
        this.hookNode = nodes.apply(ep.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        this.fenceNode = nodes.apply(ep.withTimeouts(Duration.ofMillis(250), Duration.ofMillis(500)));
        this.counter = new RiseFallCounter(config.rise(), config.fall(), false);
        this.lag = new LagJudge(config);
        this.sentinel = config.sentinelMode() ? new SentinelMode(config, ep) : null;
        this.minReplicas = MinReplicasGuard.enabled(config) ? new MinReplicasGuard(config, ep) : null;
    }

    String trackerId() {
        return "redis:" + config.name();
    }

    public void startChecks(ScheduledExecutorService scheduler, Consumer<LoopEvent> loop) {
        // Off the check's thread: the first takeover must not pay for loading the promotion's code.
        redemoter.execute(() -> {
            synchronized (hookLock) {
                hookNode.warmUp();
            }
        });
        if (sentinel != null) {
            sentinel.start(ok -> loop.accept(new LoopEvent.TrackerChanged(sentinel.trackerId(), ok)));
        }
        if (minReplicas != null) {
            minReplicas.start(loop);
        }
        long period = Math.max(10, config.interval().toMillis());
        Runnable check = () -> checkOnce(loop);
        synchronized (this) {
            schedule = scheduler.scheduleWithFixedDelay(check, 0, period, TimeUnit.MILLISECONDS);
        }
        // A lost watch connection (redis-server died) runs the check now instead of at the next tick, by
        // restarting the schedule: still one check at a time on the single timer thread, and the following
        // ones an interval apart, so "fall N" keeps meaning N failed checks an interval apart. A loss that
        // DefinitiveFailure finds definitive (nothing listens any more) fails the check at once.
        watch = RedisLivenessWatch.start(endpoint, config.name(), () -> {
            synchronized (this) {
                if (!closed) {
                    schedule.cancel(false);
                    schedule = scheduler.scheduleWithFixedDelay(check, 0, period, TimeUnit.MILLISECONDS);
                }
            }
        }, reason -> failAtOnce(reason, loop));
    }

    /** A definitive failure (DefinitiveFailure): FAILED now, without waiting for {@code fall}. */
    private void failAtOnce(String reason, Consumer<LoopEvent> loop) {
        redemoteArmed = true;
        RiseFallCounter.Change change;
        synchronized (counter) {
            change = counter.recordDefinitiveFailure();
            if (change == RiseFallCounter.Change.BECAME_FAILED) {
                loop.accept(new LoopEvent.TrackerChanged(trackerId(), false));
            }
        }
        if (change == RiseFallCounter.Change.BECAME_FAILED) {
            LOG.warn("Redis_Check({}) failed: {} after the watch connection dropped; failing at once, not after"
                    + " fall {}", config.name(), reason, config.fall());
        }
    }

    /**
     * Checks run at once because the watch connection was lost, watch reconnects, and losses found
     * definitive (checks failed at once), for status.
     */
    public long[] watchCounts() {
        RedisLivenessWatch w = watch;
        return w == null ? new long[] {0, 0, 0} : new long[] {w.losses(), Math.max(0, w.connects() - 1), w.definitive()};
    }

    private void checkOnce(Consumer<LoopEvent> loop) {
        try {
            long started = System.nanoTime();
            RedisHealth h = checkNode.check();
            stats.check(System.nanoTime() - started);
            lastHealth = h;
            if (h.info() != null) {
                lastAnswered = h;
            }
            RiseFallCounter.Change change;
            synchronized (counter) {
                // Posted under the lock, so the loop sees changes in the counter's order even when a
                // definitive failure from the watch thread lands in between.
                change = counter.record(h.verdict().ok());
                if (change != RiseFallCounter.Change.NONE) {
                    loop.accept(new LoopEvent.TrackerChanged(trackerId(), change == RiseFallCounter.Change.BECAME_OK));
                }
            }
            if (change == RiseFallCounter.Change.BECAME_OK) {
                LOG.info("Redis_Check({}) succeeded: {}", config.name(), h.summary());
            } else if (change == RiseFallCounter.Change.BECAME_FAILED) {
                LOG.warn("Redis_Check({}) failed: {}", config.name(), h.verdict().reason());
            }
            if (sentinel != null) {
                sentinel.onCheck(h); // Sentinel reconfigures replicas: no re-demote, no lag judgement
                return;
            }
            maybeRedemote(h);
            if (minReplicas != null) {
                minReplicas.onCheck(h, vrrpMaster);
            }
            lag.judge(h, vrrpMaster, peerEndpoint(replicaOf).orElse(null))
                    .ifPresent(ok -> loop.accept(new LoopEvent.TrackerChanged(lag.trackerId(), ok)));
        } catch (RuntimeException e) {
            LOG.error("Redis_Check({}) internal error: {}", config.name(), e.toString());
        }
    }

    /** The last check, for status. */
    public Optional<RedisHealth> lastHealth() {
        return Optional.ofNullable(lastHealth);
    }

    public RiseFallCounter.Status checkStatus() {
        synchronized (counter) {
            return counter.status();
        }
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /** The H3 eligibility verdict, for status. */
    public LagJudge.Verdict lagVerdict() {
        return lag.verdict();
    }

    /** A reload may change max_lag_* / lag_penalty; the rest of a redis_instance needs a restart. */
    public void reconfigureLag(RedisInstance next) {
        lag.reconfigure(LagJudge.policy(next));
    }

    /**
     * A Redis that was down or hung when we were told to replicate (so the demote gave up) comes
     * back as the master it was, or empty after a wipe: make it a replica of the VRRP master now,
     * off the check thread. Only after a failed demote, never for a Redis some operator or a
     * switchover promoted on purpose.
     */
    private void maybeRedemote(RedisHealth h) {
        InetAddress master = replicaOf;
        if (!h.verdict().ok()) {
            redemoteArmed = true;
            return;
        }
        if (!demotePending || !redemoteArmed || master == null || !h.isMaster()
                || !redemoteQueued.compareAndSet(false, true)) {
            return;
        }
        redemoteArmed = false;
        redemoter.execute(() -> {
            try {
                if (masterUnreachable) {
                    LOG.info("Redis {} is still a master while {} is the VRRP master: trying again to replicate"
                            + " from it", endpoint.address(), master.getHostAddress());
                } else {
                    LOG.info("Redis {} answers again as a master while {} is the VRRP master: replicating from it",
                            endpoint.address(), master.getHostAddress());
                }
                demote(master);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Redis {}: re-demote failed: {}", endpoint.address(), e.toString());
            } finally {
                redemoteQueued.set(false);
            }
        });
    }

    /** The peer's Redis: the VRRP master we last replicated from, at {@code peer_port}. */
    private Optional<RedisEndpoint> peerEndpoint(InetAddress peer) {
        if (peer == null) {
            return Optional.empty();
        }
        return Optional.of(endpoint.withAddress(peer.getHostAddress(),
                config.peerPort() > 0 ? config.peerPort() : endpoint.port()));
    }

    /**
     * Entering MASTER. The wipe guard gets the peer's health when we know the peer (the last VRRP
     * master), so a Redis that restarted empty never becomes master while the peer holds data.
     */
    @Override
    public String promote() {
        vrrpMaster = true; // the VRRP master is always eligible (H3), from the start of its promotion
        if (sentinel != null) {
            synchronized (hookLock) {
                return sentinel.confirmMaster(config.promoteTimeout());
            }
        }
        synchronized (hookLock) {
            InetAddress previous = replicaOf;
            // Asked only when the local Redis is empty: the usual takeover spends nothing on a dead peer.
            Supplier<Optional<RedisHealth>> peer = () -> peerEndpoint(previous).map(ep -> {
                try (RedisProbe probe = RedisProbe.of(ep)) {
                    return probe.check();
                }
            }).filter(RedisHealth::reachable);
            RedisHealth before = lastAnswered;
            long start = System.nanoTime();
            HookResult r = hookNode.promote(peer, config.promoteTimeout(), false);
            report("promote", r, previous, before, start, System.nanoTime(), 1);
            record(RedisStats.Hook.PROMOTION, r, start);
            if (r.ok()) {
                replicaOf = null;
                demotePending = false;
                masterUnreachable = false;
                if (minReplicas != null) {
                    minReplicas.masterStarted(peerEndpoint(previous).orElse(null));
                }
                // Off the lane, which goes on to add the VIP: CONFIG REWRITE fsyncs a file. It persists
                // whatever role Redis has when it runs, so a demote overtaking it does no harm.
                redemoter.execute(() -> {
                    synchronized (hookLock) {
                        HookResult p = hookNode.persistRole();
                        if (!p.ok()) {
                            LOG.warn("{}", p.detail());
                        }
                    }
                });
                return null;
            }
            return r.detail();
        }
    }

    /**
     * Leaving MASTER: the fence, then, once writes are paused, the wait for the replicas to have the
     * fenced offset (fence and wait within {@code replicaSync}); the lane removes the VIP and sends priority 0
     * only after both. Without a fence the offset keeps moving, so nothing is waited for; a failed
     * fence (Redis dead or hung) has no offset to wait for.
     */
    @Override
    public void fence(String instance, Duration replicaSync) {
        vrrpMaster = false; // leaving MASTER
        if (minReplicas != null) {
            minReplicas.masterEnded(false);
        }
        if (config.fence()) {
            // The bound counts from here: time spent waiting for another instance's fence of this
            // Redis (it holds the lock) is spent from the same budgets.
            long stepStart = System.nanoTime();
            synchronized (hookLock) {
                RedisHealth before = lastAnswered;
                long start = System.nanoTime();
                HookResult r = fenceNode.fence(FENCE_PAUSE, Optional.empty());
                report("fence", r, null, before, start, System.nanoTime(), 1);
                record(RedisStats.Hook.FENCE, r, start);
                if (r.ok() && sentinel != null) {
                    sentinel.fenced();
                }
                if (r.ok()) {
                    // The bound counts from the fence's start: the peer's down timer does not wait for
                    // our fence, nor does the exit's budget for the lanes.
                    Duration left = replicaSync.minusNanos(System.nanoTime() - stepStart);
                    awaitReplicas(instance, left.isNegative() ? Duration.ZERO : left, peerEndpoint(peer));
                }
            }
        }
    }

    /**
     * The replicas' catch-up after a fence; logged and reported, never fatal: a leaving MASTER must
     * leave. With none connected, the peer's Redis is expected (see {@link #peer}).
     */
    private void awaitReplicas(String instance, Duration bound, Optional<RedisEndpoint> expected) {
        long start = System.nanoTime();
        HookResult r = fenceNode.awaitReplicas(bound, expected);
        long end = System.nanoTime();
        if (r.ok()) {
            LOG.info("({}) Redis {}: {}", instance, config.name(), r.detail());
        } else {
            LOG.warn("({}) Redis {}: {} (bound {} ms); releasing anyway: writes a replica lacks are lost if it"
                    + " takes over", instance, config.name(), r.detail(), bound.toMillis());
        }
        String name = config.name();
        String ep = endpoint.address();
        decisions.publish((seq, wall) -> {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("endpoint", ep);
            in.put("boundMs", bound.toMillis());
            expected.ifPresent(e -> in.put("expectedReplica", e.address()));
            return new RedisAction("replica_sync", name, instance, r.ok() ? "ok" : "failed", r.detail(), in,
                    List.of(new RedisAction.Span("replica_sync", start, end, r.ok() ? null : r.detail())))
                    .toRecord(seq, wall);
        });
    }

    /** Sentinel mode's state in one line, or empty in pair mode. */
    public Optional<String> sentinelStatus() {
        return sentinel == null ? Optional.empty() : Optional.of(sentinel.describe());
    }

    /** min_replicas_to_write management, for status; empty when not configured. */
    public Optional<StatusSnapshot.MinReplicas> minReplicasStatus() {
        return minReplicas == null ? Optional.empty() : Optional.of(minReplicas.status());
    }

    /** The last diverged dataset kept before a resync, for status. */
    public Optional<String> savedDataset() {
        return Optional.ofNullable(savedDataset);
    }

    /** The last split-brain / full-resync divergence seen by a demote (H2), for status and logs. */
    public Optional<String> lastDivergence() {
        return Optional.ofNullable(lastDivergence);
    }

    /** The Redis instance's configuration. */
    public RedisInstance config() {
        return config;
    }

    /**
     * Replicate from the new master. A refusal by the wipe guard is final; a failure to reach the
     * master (it may still be promoting) is retried until {@code promote_timeout} has passed, because
     * a replica left as a second master is exactly the split brain the hooks exist to prevent.
     */
    @Override
    public void demote(InetAddress master) throws InterruptedException {
        demote(master, () -> false);
    }

    /**
     * Retries stop once {@code superseded}: a promotion queued behind this demote on the lane must
     * not wait out {@code promote_timeout} of retries against a master that is itself going away.
     */
    @Override
    public void demote(InetAddress master, BooleanSupplier superseded) throws InterruptedException {
        vrrpMaster = false;
        if (sentinel != null) {
            sentinel.demote(master);
            return;
        }
        replicaOf = master;
        peer = master;
        RedisEndpoint masterEp = peerEndpoint(master).orElseThrow();
        RedisHealth before = lastAnswered;
        long start = System.nanoTime();
        long deadline = start + config.promoteTimeout().toNanos();
        int attempts = 0;
        HookResult r;
        do {
            synchronized (hookLock) {
                if (!master.equals(replicaOf)) {
                    return; // promoted or told to follow another master meanwhile
                }
                r = hookNode.demote(masterEp, config.allowEmptyMaster(), config.promoteTimeout());
                attempts++;
            }
            if (r.ok() || r instanceof HookResult.Refused && !unreachable(r)) {
                break;
            }
            Thread.sleep(DEMOTE_RETRY.toMillis());
            if (superseded.getAsBoolean()) {
                LOG.info("Redis {}: stopped replicating attempts from {} after {}: a promotion is queued behind them",
                        endpoint.address(), masterEp.address(), attempts);
                // Not taken: if that promotion fails too, the re-demote still resyncs this Redis from
                // the master once it answers (a successful promotion clears it).
                demotePending = true;
                return;
            }
        } while (System.nanoTime() < deadline);
        demotePending = !r.ok();
        if (minReplicas != null) {
            minReplicas.masterEnded(r.ok());
        }
        report("demote", r, master, before, start, System.nanoTime(), attempts);
        record(RedisStats.Hook.DEMOTION, r, start);
        if (!r.ok()) {
            LOG.warn("Redis {}: not replicating from {}: {}", endpoint.address(), masterEp.address(), r.detail());
            if (unreachable(r)) {
                // The master could not be checked (a cut link, one way or both): this Redis stays the
                // master it was, fenced only for the pause. Try again once a check finds it healthy, and so
                // until the link heals; nothing else would make it a replica.
                masterUnreachable = true;
                redemoteArmed = true;
            }
            return;
        }
        masterUnreachable = false;
        List<String> warnings = r instanceof HookResult.Done d ? d.warnings() : List.of();
        String kept = warnings.stream().filter(w -> w.startsWith(RedisNode.SNAPSHOT_SAVED))
                .map(w -> w.substring(RedisNode.SNAPSHOT_SAVED.length()).split(" \\(", 2)[0]).findFirst().orElse(null);
        if (kept != null) {
            savedDataset = kept;
        }
        for (String w : warnings) {
            if (w.contains("resync")) {
                // H2: the loser's unreplicated writes are reported, not silently discarded.
                lastDivergence = w;
                stats.splitBrain();
                String where = kept == null ? "" : "; its dataset is kept in " + kept;
                LOG.warn("Redis {}: split brain healed, {} is the survivor; {}{}", endpoint.address(),
                        masterEp.address(), w, where);
                long at = System.nanoTime();
                String name = config.name();
                Map<String, Object> in = kept == null ? Map.of("survivor", masterEp.address())
                        : Map.of("survivor", masterEp.address(), "savedDataset", kept);
                decisions.publish((seq, wall) -> new RedisAction("split_brain", name, null, "reported", w + where,
                        in, List.of(new RedisAction.Span("resync", at, at, null))).toRecord(seq, wall));
            }
        }
    }

    /** A demote refused because the master could not be checked: worth retrying, unlike the wipe guard's no. */
    private static boolean unreachable(HookResult r) {
        return r instanceof HookResult.Refused && r.detail().contains("cannot be checked");
    }

    /**
     * Hands a hook's outcome to the decision log: references only here, on the lane; the record is
     * built on the log's thread. {@code peer}: the master (demote) or the last one (promote), may be
     * null; {@code seen}: the last check before the action, may be null.
     */
    private void report(String kind, HookResult r, InetAddress peer, RedisHealth seen, long start, long end,
            int attempts) {
        String name = config.name();
        String ep = endpoint.address();
        decisions.publish((seq, wall) -> {
            String outcome = r instanceof HookResult.Done ? "ok" : r instanceof HookResult.Refused ? "refused" : "failed";
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("endpoint", ep);
            if (peer != null) {
                in.put(kind.equals("demote") ? "master" : "previousMaster", peer.getHostAddress());
            }
            if (!kind.equals("fence")) {
                // Promote and demote go through the wipe guard first; a refusal's detail is its verdict.
                in.put("guard", r instanceof HookResult.Refused ? "refused" : r instanceof HookResult.Done ? "passed"
                        : "not reached or failed after");
            }
            if (seen != null && seen.info() != null) {
                // What the last check Redis answered before the action saw.
                in.put("offsetBefore", seen.info().dataOffset());
                in.put("roleBefore", seen.info().role().name().toLowerCase(Locale.ROOT));
            }
            if (attempts > 1) {
                in.put("attempts", attempts);
            }
            String detail = r.detail();
            if (r instanceof HookResult.Done d && !d.warnings().isEmpty()) {
                detail = detail + " (" + String.join("; ", d.warnings()) + ")";
            }
            return new RedisAction(kind, name, null, outcome, detail, in,
                    List.of(new RedisAction.Span(kind, start, end, r.ok() ? null : r.detail()))).toRecord(seq, wall);
        });
    }

    /** Counts a hook's outcome and duration; a guard's refusal is the wipe guard's. */
    private void record(RedisStats.Hook hook, HookResult r, long startedAt) {
        RedisStats.Result result = r.ok() ? RedisStats.Result.OK
                : r instanceof HookResult.Refused ? RedisStats.Result.REFUSED : RedisStats.Result.FAILED;
        stats.hook(hook, result, System.nanoTime() - startedAt);
        if (result == RedisStats.Result.REFUSED) {
            stats.wipeGuardRefused();
        }
    }

    /** What a metrics scrape reads; any thread. */
    public Readings.Redis reading() {
        RedisHealth h = lastHealth;
        RedisInfo info = h == null ? null : h.info();
        RiseFallCounter.Status st = checkStatus();
        Long lagBytes = null;
        Long lagSeconds = null;
        if (info != null && info.role() == RedisInfo.Role.REPLICA) {
            OptionalLong behind = lag.lagBytes(info);
            lagBytes = behind.isPresent() ? behind.getAsLong() : null;
            long s = info.masterLinkUp() ? info.masterLastIoSecondsAgo() : info.masterLinkDownSinceSeconds();
            lagSeconds = s >= 0 ? s : null;
        } else if (info != null && info.role() == RedisInfo.Role.MASTER) {
            lagBytes = info.maxReplicaLagBytes();
            lagSeconds = info.replicas().stream().mapToLong(RedisInfo.ConnectedReplica::lagSeconds).max().orElse(0);
        }
        return new Readings.Redis(config.name(), endpoint.address(),
                st == RiseFallCounter.Status.UNKNOWN ? null : st == RiseFallCounter.Status.OK,
                h == null ? "unknown" : h.role().name().toLowerCase(Locale.ROOT),
                info == null ? null : info.dataOffset(), lagBytes, lagSeconds, stats.snapshot());
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (schedule != null) {
                schedule.cancel(true);
            }
        }
        if (watch != null) {
            watch.close();
        }
        redemoter.shutdownNow();
        if (sentinel != null) {
            sentinel.close();
        }
        if (minReplicas != null) {
            minReplicas.close(); // restores the operator's values
        }
        lag.close();
        checkNode.close();
        hookNode.close();
        fenceNode.close();
    }

    /** Creates the wiring of every configured redis_instance. */
    public static Map<String, RedisWiring> all(Iterable<RedisInstance> configs) throws IOException {
        Map<String, RedisWiring> out = new ConcurrentHashMap<>();
        for (RedisInstance r : configs) {
            out.put(r.name(), new RedisWiring(r));
        }
        return out;
    }
}
