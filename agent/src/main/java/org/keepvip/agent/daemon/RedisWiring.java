package org.keepvip.agent.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.keepvip.redis.GuardPolicy;
import org.keepvip.redis.HookResult;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.RedisHealth;
import org.keepvip.redis.RedisNode;
import org.keepvip.redis.TlsSettings;
import org.keepvip.vrrp.config.RedisInstance;
import org.keepvip.vrrp.state.RiseFallCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code redis_instance}: its in-process check (PING + INFO through Jedis, no fork), run every
 * {@code interval} through keepalived's rise/fall counter and reported as tracker {@code redis:NAME},
 * and the hooks the instances tracking it run on their lanes. The check and the hooks use separate
 * connections so a slow promotion never delays a check.
 */
final class RedisWiring implements Ports.RedisHooks, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.redis");
    /** How long fenced writes stay paused at most; the demote that follows lifts it. */
    static final Duration FENCE_PAUSE = Duration.ofSeconds(10);
    /** Spacing of demote attempts while the new master cannot be reached yet. */
    static final Duration DEMOTE_RETRY = Duration.ofMillis(250);

    private final RedisInstance config;
    private final RedisEndpoint endpoint;
    private final RedisNode checkNode;
    private final RedisNode hookNode;
    private final RiseFallCounter counter;
    private volatile RedisHealth lastHealth;
    private ScheduledFuture<?> schedule;

    RedisWiring(RedisInstance config) throws IOException {
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
        this.checkNode = new RedisNode(ep, GuardPolicy.DEFAULT);
        this.hookNode = new RedisNode(ep.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)), GuardPolicy.DEFAULT);
        this.counter = new RiseFallCounter(config.rise(), config.fall(), false);
    }

    String trackerId() {
        return "redis:" + config.name();
    }

    void startChecks(ScheduledExecutorService scheduler, Consumer<LoopEvent> loop) {
        long period = Math.max(10, config.interval().toMillis());
        schedule = scheduler.scheduleWithFixedDelay(() -> checkOnce(loop), 0, period, TimeUnit.MILLISECONDS);
    }

    private void checkOnce(Consumer<LoopEvent> loop) {
        try {
            RedisHealth h = checkNode.check();
            lastHealth = h;
            RiseFallCounter.Change change;
            synchronized (counter) {
                change = counter.record(h.verdict().ok());
            }
            if (change == RiseFallCounter.Change.BECAME_OK) {
                LOG.info("Redis_Check({}) succeeded: {}", config.name(), h.summary());
                loop.accept(new LoopEvent.TrackerChanged(trackerId(), true));
            } else if (change == RiseFallCounter.Change.BECAME_FAILED) {
                LOG.warn("Redis_Check({}) failed: {}", config.name(), h.verdict().reason());
                loop.accept(new LoopEvent.TrackerChanged(trackerId(), false));
            }
        } catch (RuntimeException e) {
            LOG.error("Redis_Check({}) internal error: {}", config.name(), e.toString());
        }
    }

    /** The last check, for status. */
    Optional<RedisHealth> lastHealth() {
        return Optional.ofNullable(lastHealth);
    }

    RiseFallCounter.Status checkStatus() {
        synchronized (counter) {
            return counter.status();
        }
    }

    RedisEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public String promote() {
        HookResult r = hookNode.promote(Optional.empty(), config.promoteTimeout());
        return r.ok() ? null : r.detail();
    }

    @Override
    public void fence() {
        if (config.fence()) {
            hookNode.fence(FENCE_PAUSE, Optional.empty());
        }
    }

    /**
     * Replicate from the new master. A refusal by the wipe guard is final; a failure to reach the
     * master (it may still be promoting) is retried until {@code promote_timeout} has passed, because
     * a replica left as a second master is exactly the split brain the hooks exist to prevent.
     */
    @Override
    public void demote(InetAddress master) throws InterruptedException {
        RedisEndpoint masterEp = endpoint.withAddress(master.getHostAddress(),
                config.peerPort() > 0 ? config.peerPort() : endpoint.port());
        long deadline = System.nanoTime() + config.promoteTimeout().toNanos();
        HookResult r;
        do {
            r = hookNode.demote(masterEp, config.allowEmptyMaster(), config.promoteTimeout());
            if (r.ok() || r instanceof HookResult.Refused && !r.detail().contains("cannot be checked")) {
                break;
            }
            Thread.sleep(DEMOTE_RETRY.toMillis());
        } while (System.nanoTime() < deadline);
        if (!r.ok()) {
            LOG.warn("Redis {}: not replicating from {}: {}", endpoint.address(), masterEp.address(), r.detail());
        }
    }

    @Override
    public void close() {
        if (schedule != null) {
            schedule.cancel(true);
        }
        checkNode.close();
        hookNode.close();
    }

    /** Creates the wiring of every configured redis_instance. */
    static Map<String, RedisWiring> all(Iterable<RedisInstance> configs) throws IOException {
        Map<String, RedisWiring> out = new ConcurrentHashMap<>();
        for (RedisInstance r : configs) {
            out.put(r.name(), new RedisWiring(r));
        }
        return out;
    }
}
