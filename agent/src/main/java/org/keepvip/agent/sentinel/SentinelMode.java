package org.keepvip.agent.sentinel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.keepvip.redis.GuardPolicy;
import org.keepvip.redis.HookResult;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.RedisHealth;
import org.keepvip.redis.RedisNode;
import org.keepvip.redis.TlsSettings;
import org.keepvip.redis.sentinel.MasterAddress;
import org.keepvip.redis.sentinel.SentinelQuorum;
import org.keepvip.vrrp.config.IpLiteral;
import org.keepvip.vrrp.config.RedisInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis_instance} with Sentinels: the tracker {@code sentinel:NAME} and the two hooks that
 * differ from pair mode. Entering MASTER never runs {@code REPLICAOF NO ONE}: it only confirms that
 * the Sentinels still name this host and that {@code ROLE} says master. Entering BACKUP never runs
 * {@code REPLICAOF}: Sentinel reconfigures replicas itself. Fencing is pair mode's; the write pause
 * it leaves is lifted once Sentinel has made the Redis a replica (or when it is named master again).
 */
public final class SentinelMode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.sentinel");
    private static final long ROLE_POLL_MILLIS = 10;
    /**
     * How much longer a newly named host waits for a live old master's priority-0 advert than the
     * master down interval: the old master advertises nothing while it fences (0.75 s at most, on a
     * hung Redis) and removes the VIPs, and it must not be taken over while it still holds them.
     */
    public static final Duration RELEASE_WAIT = Duration.ofSeconds(1);

    private final RedisInstance config;
    private final List<RedisEndpoint> sentinels;
    private final SentinelGate gate;
    /** ROLE reads and the unpause, off the check's and the hooks' connections; guarded by itself. */
    private final RedisNode roleNode;
    /** Orders gate updates with their posting, so the loop sees decisions in the order they were made. */
    private final Object postLock = new Object();
    private volatile Consumer<Boolean> tracker = ok -> { };
    private volatile SentinelWatch watch;
    /** A fence paused writes since the last unpause. */
    private volatile boolean paused;
    /**
     * Reads ROLE when a verdict names this host, off the watch's thread: a hung Redis (up to the
     * read timeout) must not hold up the other Sentinels' reports or the PINGs.
     */
    private final ExecutorService roleReader =
            Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sentinel-role");
                t.setDaemon(true);
                return t;
            });

    /**
     * @param config the redis_instance, in Sentinel mode
     * @param local  the local Redis (address, credentials, TLS)
     */
    public SentinelMode(RedisInstance config, RedisEndpoint local) throws IOException {
        this.config = config;
        RedisInstance.Sentinel s = config.sentinel();
        List<RedisEndpoint> eps = new ArrayList<>();
        for (RedisInstance.HostPort a : s.addresses()) {
            eps.add(endpoint(config, a)); // a missing password file fails the start, not every connect
        }
        this.sentinels = List.copyOf(eps);
        this.gate = new SentinelGate(localMatcher(config));
        this.roleNode = new RedisNode(local.withTimeouts(Duration.ofMillis(250), Duration.ofMillis(500)),
                GuardPolicy.DEFAULT);
    }

    private static RedisEndpoint endpoint(RedisInstance config, RedisInstance.HostPort a) throws IOException {
        RedisInstance.Sentinel s = config.sentinel();
        RedisEndpoint ep = RedisEndpoint.of(a.host(), a.port());
        if (s.user() != null) {
            ep = ep.withUser(s.user());
        }
        if (s.passwordFile() != null) {
            ep = ep.withPasswordFile(Path.of(s.passwordFile()));
        }
        if (s.tls()) {
            RedisInstance.Tls t = config.tls();
            ep = ep.withTls(new TlsSettings(t.caFile() == null ? null : Path.of(t.caFile()), null,
                    t.certFile() == null ? null : Path.of(t.certFile()), null, true));
        }
        return ep;
    }

    /** The tracker of redis_instance {@code name} in Sentinel mode. */
    public static String trackerId(String name) {
        return "sentinel:" + name;
    }

    public String trackerId() {
        return trackerId(config.name());
    }

    /** Starts listening to the Sentinels; {@code trackerSink} gets each change of the tracker. */
    public void start(Consumer<Boolean> trackerSink) {
        this.tracker = trackerSink;
        // Loads and links the ROLE read now: the first takeover after a +switch-master must not pay for it.
        roleReader.execute(this::readRole);
        watch = SentinelWatch.start(sentinels, config.sentinel().masterName(), config.sentinel().timeout(),
                this::onVerdict);
    }

    private void onVerdict(SentinelQuorum.Verdict v) {
        synchronized (postLock) {
            post(gate.onVerdict(v));
        }
        if (gate.namesThisHost()) {
            // Named: read ROLE now rather than at the next check, so the VIP moves within milliseconds.
            roleReader.execute(() -> readRole().ifPresent(this::onRole));
        }
    }

    /** The local Redis answered a check (ROLE included); a check that failed says nothing about ROLE. */
    public void onCheck(RedisHealth h) {
        if (h.info() == null) {
            return;
        }
        onRole(h.isMaster());
        if (paused && !h.isMaster()) {
            unpause("Sentinel made it a replica");
        }
    }

    private void onRole(boolean master) {
        synchronized (postLock) {
            post(gate.onRole(master));
        }
    }

    private void post(Optional<SentinelGate.Decision> d) {
        d.ifPresent(x -> {
            String verdict = gate.verdict().map(SentinelQuorum.Verdict::summary).orElse("");
            if (x.up()) {
                LOG.info("Sentinel({}) this host serves: {} ({})", config.name(), x.reason(), verdict);
            } else {
                LOG.warn("Sentinel({}) this host does not serve: {} ({})", config.name(), x.reason(), verdict);
            }
            tracker.accept(x.up());
        });
    }

    /**
     * Entering MASTER: confirm, never promote. Waits up to {@code timeout} only for a ROLE that is not
     * master yet on a host the Sentinels name; anything else fails at once. Returns null when
     * confirmed, else why not.
     */
    public String confirmMaster(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Boolean> role = readRole();
            role.ifPresent(this::onRole);
            SentinelGate.Decision d = gate.current();
            // Only a ROLE read now counts: the gate keeps the last answer while Redis does not answer.
            if (d.up() && role.orElse(false)) {
                if (paused) {
                    unpause("named master again");
                }
                LOG.info("Redis {} confirmed master: {}", roleNode.endpoint().address(), d.reason());
                return null;
            }
            if (!gate.namesThisHost() || System.nanoTime() - deadline > 0) {
                return "Sentinel mode, not promoting: " + (role.isEmpty() ? "the local Redis does not answer ROLE"
                        : d.reason());
            }
            try {
                Thread.sleep(ROLE_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }

    /** A fence paused the local Redis' writes (leaving MASTER). */
    public void fenced() {
        paused = true;
    }

    /** Entering BACKUP: Sentinel reconfigures the replicas; keepvip runs no REPLICAOF. */
    public void demote(InetAddress vrrpMaster) {
        LOG.debug("Redis {}: Sentinel mode, not replicating from {} (Sentinel reconfigures replicas)",
                roleNode.endpoint().address(), vrrpMaster.getHostAddress());
    }

    private Optional<Boolean> readRole() {
        synchronized (roleNode) {
            RedisHealth h = roleNode.check();
            return h.info() == null ? Optional.empty() : Optional.of(h.isMaster());
        }
    }

    private void unpause(String why) {
        HookResult r;
        synchronized (roleNode) {
            r = roleNode.unpause();
        }
        if (r.ok()) {
            paused = false;
            LOG.info("Redis {}: write pause lifted ({})", roleNode.endpoint().address(), why);
        } else {
            LOG.warn("{}", r.detail());
        }
    }

    /** One line for status: the decision and the Sentinels' views. */
    public String describe() {
        return gate.current().reason() + gate.verdict().map(v -> "; " + v.summary()).orElse("");
    }

    @Override
    public void close() {
        SentinelWatch w = watch;
        if (w != null) {
            w.close();
        }
        roleReader.shutdownNow();
        synchronized (roleNode) {
            roleNode.close();
        }
    }

    /**
     * Whether a master Sentinel names is this host's Redis: {@code sentinel_announce_address} when set,
     * else any address of this host at the Redis port. A loopback or wildcard address is never ours:
     * every host has it, and taking it as ours would let each one serve.
     */
    static Predicate<MasterAddress> localMatcher(RedisInstance config) {
        RedisInstance.Sentinel s = config.sentinel();
        if (s.announceHost() != null) {
            return m -> m.port() == s.announcePort() && sameHost(m.host(), s.announceHost());
        }
        int port = config.port();
        return m -> m.port() == port && isLocalAddress(m.host());
    }

    static boolean sameHost(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        try {
            return IpLiteral.parse(a) != null
                    && InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static boolean isLocalAddress(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return !a.isLoopbackAddress() && !a.isAnyLocalAddress() && NetworkInterface.getByInetAddress(a) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }
}
