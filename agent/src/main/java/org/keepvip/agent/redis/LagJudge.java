package org.keepvip.agent.redis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.keepvip.agent.daemon.ConfigMapper;
import org.keepvip.agent.latency.ThreadNames;
import org.keepvip.redis.Eligibility;
import org.keepvip.redis.LagPolicy;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.RedisHealth;
import org.keepvip.redis.RedisInfo;
import org.keepvip.redis.RedisProbe;
import org.keepvip.vrrp.config.RedisInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazard H3 (ARCHITECTURE.md, "Redis hazards") for one {@code redis_instance}: may this node's Redis take over, judged by its
 * replication lag? Fed by {@link RedisWiring} after every check; the answer is tracker
 * {@code redis-lag:NAME} (false = lagging), which {@link ConfigMapper} gives every instance that
 * tracks NAME with the weight of {@code lag_penalty} (fault = 0).
 *
 * <p>Rules (docs/configuration.md, "Replication lag"):
 * <ul>
 * <li>Judged only with {@code max_lag_bytes} or {@code max_lag_seconds} set; otherwise nothing is
 *     reported and nothing changes.</li>
 * <li>A node whose VRRP instance is MASTER (promotion included), or whose Redis is a master, is
 *     always eligible: a lag verdict never takes a working master down.</li>
 * <li>The master's INFO is probed off the check thread, at most once per check interval, and the
 *     last successful answer is kept: when the master dies, the replica is judged against the offset
 *     the master had when it was last seen, on the replica's own replication history (a master that
 *     restarted on a new history leaves the replica judged against the old one's last offset).</li>
 * <li>The time tests (link down, no data for too long) count only while the master's Redis answers;
 *     otherwise the time verdict of the last contact stands. A dead master alone therefore never
 *     makes an up-to-date replica ineligible (no deadlock with no master at all); a replica that was
 *     behind when the master was last seen stays out.</li>
 * <li>While the local Redis cannot be checked the verdict is kept (its health check reports that,
 *     so the priority is not lowered twice).</li>
 * </ul>
 * Thread use: {@link #judge} on the check thread; probes on an own thread; status from any thread.
 */
public final class LagJudge implements AutoCloseable {
    public static final String PREFIX = "redis-lag:";
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.redis");
    /** Checks the first verdict waits for the master's first answer, at most. */
    static final int FIRST_VERDICT_HOLD = 20;

    /**
     * What {@code keepvip status} shows.
     *
     * @param eligible null when not judged
     * @param reason   why, in the log's words
     */
    public record Verdict(Boolean eligible, String reason) {
        static final Verdict NOT_JUDGED = new Verdict(null, "no max_lag_bytes / max_lag_seconds configured");

        public String word() {
            return eligible == null ? "not judged" : eligible ? "eligible" : "not eligible";
        }
    }

    /** A successful INFO of the master, and when it was taken ({@code clock} nanos). */
    record MasterSnapshot(RedisEndpoint endpoint, RedisHealth health, long takenAt) {}

    private final String name;
    private final long intervalNanos;
    private final long staleAfterNanos;
    private final Function<RedisEndpoint, RedisProbe> probes;
    private final LongSupplier clock;
    private final Executor prober;
    private final ExecutorService ownProber;

    private volatile LagPolicy policy;

    // The master being judged against, and what is known of it (guarded by this).
    private RedisEndpoint target;
    private long generation;
    private MasterSnapshot snapshot;
    /** The master's last offset per replication history (its replid, and its replid2 that it continues). */
    private final LinkedHashMap<String, MasterSnapshot> byHistory = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MasterSnapshot> eldest) {
            return size() > 8;
        }
    };
    private boolean answering;
    private boolean probed;
    private long lastProbeStart;
    private boolean everStarted;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private Eligibility timeAtLastContact;

    // Verdict state (guarded by this).
    private Boolean reported;
    private int held;
    private volatile Verdict verdict = Verdict.NOT_JUDGED;

    // The prober's connection (prober thread only).
    private RedisProbe probe;
    private RedisEndpoint probeEndpoint;

    LagJudge(RedisInstance config) {
        this(config.name(), policy(config), config.interval(), config.timeout(), RedisProbe::of, System::nanoTime,
                null);
    }

    /** For tests: {@code prober} null means an own single thread. */
    LagJudge(String name, LagPolicy policy, Duration interval, Duration timeout,
            Function<RedisEndpoint, RedisProbe> probes, LongSupplier clock, Executor prober) {
        this.name = name;
        this.policy = policy;
        this.intervalNanos = Math.max(10, interval.toMillis()) * 1_000_000L;
        // A probe is bounded by connect + read timeouts; three missed rounds make the snapshot stale.
        this.staleAfterNanos = 3 * intervalNanos + 2 * timeout.toNanos() + 500_000_000L;
        this.probes = probes;
        this.clock = clock;
        if (prober == null) {
            this.ownProber = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, ThreadNames.REDIS_LAG_PREFIX + name);
                t.setDaemon(true);
                return t;
            });
            this.prober = ownProber;
        } else {
            this.ownProber = null;
            this.prober = prober;
        }
    }

    /** Whether {@code r} asks for lag judgement at all (either limit set). */
    public static boolean enabled(RedisInstance r) {
        return policy(r) != null;
    }

    /**
     * The redis-hooks policy for {@code r}, or null without limits. {@code lag_penalty -N} (a
     * tracker weight) becomes penalty N; {@code fault} becomes 0. The link-down limit is
     * {@code max_lag_seconds}, or {@link LagPolicy#DEFAULT}'s 30 s when only bytes are limited.
     * {@code master_last_io_seconds_ago} is whole seconds, so a fractional limit is floored
     * ({@code io > 1.5} is {@code io > 1}).
     */
    static LagPolicy policy(RedisInstance r) {
        if (r.sentinelMode()) {
            return null; // Sentinel picks the replica it promotes
        }
        boolean bytes = r.maxLagBytes() > 0;
        boolean secs = r.maxLagSeconds() != null && !r.maxLagSeconds().isZero() && !r.maxLagSeconds().isNegative();
        if (!bytes && !secs) {
            return null;
        }
        long s = secs ? r.maxLagSeconds().toSeconds() : -1;
        return new LagPolicy(secs ? s : LagPolicy.DEFAULT.maxLinkDownSeconds(), bytes ? r.maxLagBytes() : -1, s,
                r.lagPenalty().fault() ? 0 : -r.lagPenalty().weight());
    }

    /** The VRRP tracker weight of {@code lag_penalty}: 0 (FAULT) or the negative weight. */
    public static int trackerWeight(RedisInstance r) {
        return r.lagPenalty().fault() ? 0 : r.lagPenalty().weight();
    }

    String trackerId() {
        return PREFIX + name;
    }

    Verdict verdict() {
        return verdict;
    }

    /**
     * Bytes the replica {@code self} is behind its master's last known offset on the same replication
     * history (metrics); empty when no such offset is known (lag not judged, master not probed yet).
     */
    synchronized OptionalLong lagBytes(RedisInfo self) {
        MasterSnapshot ref = byHistory.get(self.masterReplid());
        return ref == null ? OptionalLong.empty()
                : OptionalLong.of(Math.max(0, ref.health().info().masterReplOffset() - self.dataOffset()));
    }

    /** The last successful snapshot of the master, for status and tests. */
    synchronized Optional<MasterSnapshot> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    /** A reload changed the limits: judge with the new ones and report the next verdict even if unchanged. */
    synchronized void reconfigure(LagPolicy next) {
        policy = next;
        reported = null;
        held = 0;
        if (next == null) {
            verdict = Verdict.NOT_JUDGED;
        }
    }

    /**
     * Judges one check of the local Redis. {@code vrrpMaster}: an instance tracking it is MASTER or
     * promoting; {@code vrrpMasterRedis}: the Redis of the VRRP master we replicate from (null if
     * none is known: then the replica's own {@code master_host:master_port}). Returns the tracker
     * result to report when it changed (or was never reported).
     */
    synchronized Optional<Boolean> judge(RedisHealth self, boolean vrrpMaster, RedisEndpoint vrrpMasterRedis) {
        LagPolicy p = policy;
        if (p == null) {
            verdict = Verdict.NOT_JUDGED;
            return Optional.empty();
        }
        Verdict v;
        RedisInfo s = self.info();
        if (vrrpMaster) {
            v = new Verdict(true, "this node is the VRRP master");
        } else if (s == null || !self.verdict().ok()) {
            if (reported != null) {
                return Optional.empty(); // no news: the health check reports the local Redis
            }
            v = new Verdict(true, "local Redis not checked (" + self.verdict().reason()
                    + "): its health check decides");
        } else if (s.role() != RedisInfo.Role.REPLICA) {
            v = new Verdict(true, Eligibility.evaluate(self, Optional.empty(), p).reason());
        } else {
            RedisEndpoint t = vrrpMasterRedis != null ? vrrpMasterRedis : fromInfo(self.endpoint(), s);
            if (t == null ? target != null : !t.address().equals(target == null ? null : target.address())) {
                follow(t);
            }
            if (t != null) {
                maybeProbe(t);
                if (!probed && reported == null && held++ < FIRST_VERDICT_HOLD) {
                    return Optional.empty(); // the first verdict waits for the master's first answer
                }
            }
            v = replicaVerdict(self, p, t);
        }
        verdict = v;
        if (reported != null && reported == v.eligible()) {
            return Optional.empty();
        }
        if (reported == null) {
            if (v.eligible()) {
                LOG.info("Redis_Lag({}) {}: eligible", name, v.reason());
            } else {
                LOG.warn("Redis_Lag({}) {}: not eligible", name, v.reason());
            }
        } else if (v.eligible()) {
            LOG.info("Redis_Lag({}) {}: eligible again", name, v.reason());
        } else {
            LOG.warn("Redis_Lag({}) {}: not eligible", name, v.reason());
        }
        reported = v.eligible();
        return Optional.of(v.eligible());
    }

    private Verdict replicaVerdict(RedisHealth self, LagPolicy p, RedisEndpoint t) {
        long now = clock.getAsLong();
        boolean fresh = answering && snapshot != null && now - snapshot.takenAt() <= staleAfterNanos;
        Eligibility time = Eligibility.evaluate(self, Optional.empty(),
                new LagPolicy(p.maxLinkDownSeconds(), -1, p.maxLagSeconds(), p.penalty()));
        if (fresh) {
            timeAtLastContact = time;
        } else {
            time = timeAtLastContact; // a full sync in progress is still judged now, by the byte test below
        }
        // Bytes against the master's last offset on the replica's own history: a master that restarted
        // on a new history does not make a replica that lacks its acknowledged writes look current.
        Eligibility bytes = Eligibility.evaluate(self, Optional.empty(), new LagPolicy(-1, -1, -1, p.penalty()));
        MasterSnapshot ref = byHistory.get(self.info().masterReplid());
        if (bytes instanceof Eligibility.Eligible && p.maxLagBytes() >= 0 && ref != null) {
            long masterOffset = ref.health().info().masterReplOffset();
            long lag = Math.max(0, masterOffset - self.info().dataOffset());
            if (lag > p.maxLagBytes()) {
                bytes = new Eligibility.Fault("replica is " + lag + " bytes behind the master's offset " + masterOffset
                        + " (limit " + p.maxLagBytes() + ")");
            }
        }
        String note = "";
        if (t == null) {
            note = " (no master known: bytes not judged)";
        } else if (!fresh) {
            note = snapshot == null
                    ? " (master " + t.address() + " not answering: its offset is unknown)"
                    : " (master " + t.address() + " not answering: judged against its last answer "
                            + Math.max(0, (now - snapshot.takenAt()) / 1_000_000_000L) + " s ago)";
        }
        if (time != null && !(time instanceof Eligibility.Eligible)) {
            return new Verdict(false, time.reason() + note);
        }
        if (!(bytes instanceof Eligibility.Eligible)) {
            return new Verdict(false, bytes.reason() + note);
        }
        return new Verdict(true, bytes.reason() + note);
    }

    /** Another master to judge against: forget everything known about the previous one. */
    private void follow(RedisEndpoint t) {
        target = t;
        generation++;
        snapshot = null;
        byHistory.clear();
        answering = false;
        probed = false;
        everStarted = false;
        timeAtLastContact = null;
    }

    private static RedisEndpoint fromInfo(RedisEndpoint local, RedisInfo s) {
        if (s.masterHost() == null || s.masterHost().isEmpty() || s.masterPort() <= 0) {
            return null;
        }
        return local.withAddress(s.masterHost(), s.masterPort());
    }

    private void maybeProbe(RedisEndpoint t) {
        long now = clock.getAsLong();
        if (everStarted && now - lastProbeStart < intervalNanos) {
            return;
        }
        if (!inFlight.compareAndSet(false, true)) {
            return;
        }
        everStarted = true;
        lastProbeStart = now;
        long gen = generation;
        try {
            prober.execute(() -> probeOnce(t, gen));
        } catch (RejectedExecutionException e) {
            inFlight.set(false); // closing
        }
    }

    private void probeOnce(RedisEndpoint t, long gen) {
        try {
            if (probe == null || !t.equals(probeEndpoint)) {
                if (probe != null) {
                    probe.close();
                }
                probe = probes.apply(t);
                probeEndpoint = t;
            }
            RedisHealth h = probe.check();
            RedisInfo i = h.info();
            boolean ok = i != null && i.role() == RedisInfo.Role.MASTER && !i.loading();
            synchronized (this) {
                if (gen != generation) {
                    return;
                }
                boolean was = answering;
                if (ok) {
                    snapshot = new MasterSnapshot(t, h, clock.getAsLong());
                    byHistory.put(i.masterReplid(), snapshot);
                    if (RedisInfo.isReplid(i.masterReplid2())) {
                        byHistory.put(i.masterReplid2(), snapshot); // promoted from that history: it continues it
                    }
                    if (!was && probed) {
                        LOG.info("Redis_Lag({}) master {} answers again (offset {})", name, t.address(),
                                i.masterReplOffset());
                    }
                } else if (was || !probed) {
                    LOG.warn("Redis_Lag({}) master {} {}: judging against {}", name, t.address(),
                            i == null ? "does not answer (" + h.verdict().reason() + ")"
                                    : "is not a master (role " + i.role().name().toLowerCase(Locale.ROOT) + ")",
                            snapshot == null ? "no offset" : "its last offset " + snapshot.health().info().masterReplOffset());
                }
                answering = ok;
                probed = true;
            }
        } catch (RuntimeException e) {
            LOG.warn("Redis_Lag({}) probing {}: {}", name, t.address(), e.toString());
        } finally {
            inFlight.set(false);
        }
    }

    @Override
    public void close() {
        if (ownProber != null) {
            ownProber.shutdownNow();
        }
        RedisProbe p = probe;
        if (p != null) {
            p.close();
        }
    }
}
