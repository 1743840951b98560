package org.keepvip.agent.redis;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.keepvip.agent.control.StatusSnapshot;
import org.keepvip.agent.daemon.ConfigMapper;
import org.keepvip.agent.latency.ThreadNames;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.agent.redis.MinReplicasPolicy.Mode;
import org.keepvip.redis.HookResult;
import org.keepvip.redis.MinReplicasControl;
import org.keepvip.redis.PeerReach;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.RedisHealth;
import org.keepvip.redis.RedisInfo;
import org.keepvip.vrrp.config.RedisInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code min_replicas_to_write} for one {@code redis_instance}: applies {@link MinReplicasPolicy}
 * to the Redis this node serves as VRRP master (CONFIG SET, logged, in status), restores the
 * operator's values when it stops being master or keepvip exits, and reports tracker
 * {@code redis-replicas:NAME}, down while {@link Mode#ISOLATED}, which {@link ConfigMapper} gives
 * weight {@link #WEIGHT}: an isolated master advertises priority 1, so when the link heals the
 * peer, which took writes meanwhile, stays master and this side's bounded writes are the ones
 * resynced (after being saved).
 *
 * <p>Thread use: {@link #onCheck} on the check thread hands the work to an own thread
 * ({@code redis-replicas-NAME}), where peer probes and CONFIG SET run one at a time; the lane calls
 * {@link #masterStarted} and {@link #masterEnded}; status from any thread.
 */
public final class MinReplicasGuard implements AutoCloseable {
    public static final String PREFIX = "redis-replicas:";
    /** Enough to put any priority at 1 (keepalived clamps an effective priority to 1..254). */
    public static final int WEIGHT = -253;
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.redis");

    private final String name;
    private final RedisEndpoint local;
    private final RedisInstance.MinReplicas want;
    private final MinReplicasControl control;
    private final Function<RedisEndpoint, PeerReach.Result> prober;
    private final long probeSpacingNanos;
    private final ExecutorService worker;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile Consumer<LoopEvent> loop = e -> { };

    // Guarded by this.
    private Mode mode = Mode.NOT_MASTER;
    private String reason = "not the VRRP master";
    private long generation;
    private RedisEndpoint peer;
    private long lastProbe;
    private boolean probedOnce;
    private Boolean reportedUp;

    // Confined to the worker thread (written there only); volatile for status.
    private MinReplicasControl.Setting original;
    private volatile MinReplicasControl.Setting applied;
    private final AtomicLong changes = new AtomicLong();
    /** When the last CONFIG GET / SET failed (0: none): the same decision is applied again after RETRY. */
    private long failedAt;
    static final long RETRY_NANOS = 5_000_000_000L;

    MinReplicasGuard(RedisInstance config, RedisEndpoint local) {
        this(config.name(), config.minReplicas(), local, new MinReplicasControl(local), PeerReach::probe,
                Math.max(200, config.interval().toMillis()) * 1_000_000L);
    }

    /**
     * For tests: {@code prober} stands for the peer probe. {@code local}: our Redis, whose
     * credentials, TLS and timeouts a peer probe reuses.
     */
    MinReplicasGuard(String name, RedisInstance.MinReplicas want, RedisEndpoint local, MinReplicasControl control,
            Function<RedisEndpoint, PeerReach.Result> prober, long probeSpacingNanos) {
        this.name = name;
        this.local = local;
        this.want = want;
        this.control = control;
        this.prober = prober;
        this.probeSpacingNanos = probeSpacingNanos;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, ThreadNames.REDIS_REPLICAS_PREFIX + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether {@code r} asks for it: pair mode with {@code min_replicas_to_write} above 0. */
    public static boolean enabled(RedisInstance r) {
        return !r.sentinelMode() && r.minReplicas().managed();
    }

    String trackerId() {
        return PREFIX + name;
    }

    /** Starts reporting: the tracker is up (nothing isolated) until a master period says otherwise. */
    void start(Consumer<LoopEvent> loopEvents) {
        this.loop = loopEvents;
        report(true);
    }

    /** The lane promoted the local Redis; {@code previousMaster}: the peer's Redis we replicated from, or null. */
    synchronized void masterStarted(RedisEndpoint previousMaster) {
        generation++;
        mode = Mode.NOT_MASTER;
        reason = "became master";
        peer = previousMaster;
        probedOnce = false;
    }

    /**
     * The lane fenced or demoted the local Redis: the operator's values come back; with
     * {@code demoted} (the Redis now follows the survivor) an isolation ends too.
     */
    void masterEnded(boolean demoted) {
        boolean wasIsolated;
        synchronized (this) {
            generation++;
            wasIsolated = mode == Mode.ISOLATED;
            if (mode != Mode.NOT_MASTER) {
                mode = Mode.NOT_MASTER;
                reason = "not the VRRP master";
            }
        }
        submit(this::restore);
        if (demoted && wasIsolated) {
            LOG.info("Redis_MinReplicas({}) no longer isolated: replicating from the survivor", name);
        }
        if (demoted) {
            report(true);
        }
    }

    /** After every check of the local Redis; {@code vrrpMaster}: an instance tracking it is MASTER. */
    void onCheck(RedisHealth h, boolean vrrpMaster) {
        RedisInfo info = h.info();
        if (!vrrpMaster || info == null || info.role() != RedisInfo.Role.MASTER) {
            return;
        }
        long gen;
        synchronized (this) {
            gen = generation;
        }
        if (queued.compareAndSet(false, true)) {
            submit(() -> {
                queued.set(false);
                decide(info, gen);
            });
        }
    }

    private void decide(RedisInfo info, long gen) {
        List<RedisInfo.ConnectedReplica> good = info.replicas().stream()
                .filter(r -> "online".equals(r.state()) && r.lagSeconds() <= want.maxLagSeconds()).toList();
        boolean enough = good.size() >= want.toWrite();
        String replicas = describe(info, good);
        PeerReach.Result probe = null;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            if (enough && !good.isEmpty()) {
                RedisInfo.ConnectedReplica r = good.get(0);
                peer = local.withAddress(r.ip(), r.port());
            }
        }
        RedisEndpoint p;
        Mode current;
        synchronized (this) {
            p = peer;
            current = mode;
        }
        if (!enough && p != null && MinReplicasPolicy.needsProbe(current)) {
            long now = System.nanoTime();
            synchronized (this) {
                if (probedOnce && now - lastProbe < probeSpacingNanos) {
                    return;
                }
                lastProbe = now;
                probedOnce = true;
            }
            probe = prober.apply(p);
        }
        MinReplicasPolicy.Decision d = MinReplicasPolicy.next(current, enough, replicas, probe);
        boolean retry = failedAt != 0 && System.nanoTime() - failedAt > RETRY_NANOS;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            if (d.mode() == mode && !retry) {
                return;
            }
            mode = d.mode();
            reason = d.reason() != null ? d.reason() : reason;
        }
        apply(d);
    }

    private String describe(RedisInfo info, List<RedisInfo.ConnectedReplica> good) {
        String all = info.replicas().isEmpty() ? "none attached" : String.join(", ", info.replicas().stream()
                .map(r -> r.ip() + ":" + r.port() + " " + r.state() + " lag " + r.lagSeconds() + " s").toList());
        return good.size() + " of " + want.toWrite() + " replica(s) within " + want.maxLagSeconds() + " s (" + all + ")";
    }

    private void apply(MinReplicasPolicy.Decision d) {
        MinReplicasControl.Setting target = new MinReplicasControl.Setting(d.mode().enforced() ? want.toWrite() : 0,
                want.maxLagSeconds());
        // Redis IO on this thread only, outside the lock: status (read on the loop) never waits for Redis.
        if (original == null) {
            original = control.read().orElse(null);
            if (original == null) {
                LOG.warn("Redis_MinReplicas({}) cannot read min-replicas-* from Redis: not changing it", name);
                failedAt = System.nanoTime();
                return;
            }
        }
        boolean changed = false;
        if (!target.equals(applied)) {
            HookResult r = control.apply(target);
            if (!r.ok()) {
                LOG.warn("Redis_MinReplicas({}) {}", name, r.detail());
                failedAt = System.nanoTime();
                return;
            }
            applied = target;
            changes.incrementAndGet();
            changed = true;
        }
        failedAt = 0;
        String setting = changed ? target + " set" : target + " unchanged";
        switch (d.mode()) {
            case ENFORCED -> LOG.info("Redis_MinReplicas({}) enforced: {} ({})", name, setting, d.reason());
            case PENDING -> LOG.info("Redis_MinReplicas({}) pending: {} ({})", name, setting, d.reason());
            case RELAXED -> LOG.warn("Redis_MinReplicas({}) relaxed: {} ({})", name, setting, d.reason());
            case ISOLATED -> LOG.warn("Redis_MinReplicas({}) isolated: {}; Redis refuses writes once its replicas lag"
                    + " past {} s, and this node's priority drops by {} so the peer's data wins the heal ({})", name,
                    setting, want.maxLagSeconds(), -WEIGHT, d.reason());
            default -> { }
        }
        report(d.mode() != Mode.ISOLATED);
    }

    /** Puts back what Redis held before keepvip first changed it in this master period. */
    private void restore() {
        synchronized (this) {
            if (mode != Mode.NOT_MASTER) {
                return; // a new master period began before this ran
            }
        }
        if (applied == null || original == null) {
            return;
        }
        HookResult r = control.apply(original);
        if (!r.ok()) {
            LOG.warn("Redis_MinReplicas({}) restoring the operator's values: {}", name, r.detail());
            return;
        }
        changes.incrementAndGet();
        applied = null;
        LOG.info("Redis_MinReplicas({}) restored the operator's {} (not the VRRP master)", name, original);
        original = null;
    }

    private void report(boolean up) {
        synchronized (this) {
            if (reportedUp != null && reportedUp == up) {
                return;
            }
            reportedUp = up;
        }
        loop.accept(new LoopEvent.TrackerChanged(trackerId(), up));
    }

    private void submit(Runnable r) {
        try {
            worker.execute(r);
        } catch (RejectedExecutionException e) {
            queued.set(false); // closing
        }
    }

    /** For status. */
    StatusSnapshot.MinReplicas status() {
        MinReplicasControl.Setting a = applied;
        synchronized (this) {
            return new StatusSnapshot.MinReplicas(mode.word(), want.toWrite(), want.maxLagSeconds(),
                    a == null ? null : a.toWrite(), reason, changes.get());
        }
    }

    /** Whether Redis holds keepvip's values now (tests). */
    synchronized Mode mode() {
        return mode;
    }

    /** Exiting: the operator's values go back, whatever the state. */
    @Override
    public void close() {
        synchronized (this) {
            generation++;
            mode = Mode.NOT_MASTER;
        }
        submit(this::restore);
        worker.shutdown();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
    }
}
