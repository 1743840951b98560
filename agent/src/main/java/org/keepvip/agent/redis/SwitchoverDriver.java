package org.keepvip.agent.redis;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.keepvip.agent.control.ControlResponse;
import org.keepvip.agent.events.DecisionLog;
import org.keepvip.agent.events.RedisAction;
import org.keepvip.agent.loop.EventLoop;
import org.keepvip.agent.loop.InstanceRuntime;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.redis.RedisEndpoint;
import org.keepvip.redis.RedisHealth;
import org.keepvip.redis.RedisInfo;
import org.keepvip.redis.RedisProbe;
import org.keepvip.redis.Switchover;
import org.keepvip.redis.SwitchoverResult;
import org.keepvip.vrrp.state.VrrpState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code keepvip switchover}: a planned hand-over of a MASTER instance's role to its replica with
 * zero acknowledged writes lost. Runs on the control socket's worker thread, on the current master:
 *
 * <ol>
 *   <li>check on the loop that the instance is MASTER with its VIPs, tracks a Redis, and has
 *       {@code nopreempt} (without it the old master, now BACKUP with the higher priority, would
 *       preempt straight back once its down timer fires: the hand-over would not stick);</li>
 *   <li>{@link Switchover#pauseAndSync()}: pause writes locally, wait until the replica has every
 *       byte; if that is not reached within the budget, unpause and answer an error: nothing changed;</li>
 *   <li>{@link Switchover#promote()}: the replica's Redis becomes master while ours stays paused, so
 *       only one side ever accepts writes;</li>
 *   <li>step down on the loop: the machine fences, removes the VIP and sends a priority-0 advert, so
 *       the peer takes the VIP after its skew time, onto a Redis that is already a writable master;</li>
 *   <li>wait until the hook lane has made our Redis a replica of the peer (the lane runs that after
 *       the VIP removal, so the VIP never sits on a read-only Redis), then {@link Switchover#close()}
 *       completes: drops the remaining clients and lifts the pause.</li>
 * </ol>
 */
public final class SwitchoverDriver {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.redis");
    /** Budget for the replica to catch up while writes are paused. */
    static final Duration DEFAULT_SYNC_BUDGET = Duration.ofMillis(2000);

    private final EventLoop loop;
    private final Supplier<Map<String, RedisWiring>> redis;

    public SwitchoverDriver(EventLoop loop, Supplier<Map<String, RedisWiring>> redis) {
        this.loop = loop;
        this.redis = redis;
    }

    /** What the loop knew about the instance when the switchover began. */
    private record Start(String error, InstanceRuntime runtime, RedisWiring wiring, long handOverNanos) {}

    /**
     * Runs a switchover of {@code instance}. {@code toSpec} is what {@code keepvip switchover} sends:
     * {@code ADDRESS}, {@code ADDRESS@MS}, {@code @MS} or null (the only unicast peer, the default
     * budget), MS being the budget for the replica to catch up.
     */
    public ControlResponse run(String instance, String toSpec) {
        String to = toSpec;
        Duration syncBudget = DEFAULT_SYNC_BUDGET;
        if (toSpec != null && toSpec.contains("@")) {
            int at = toSpec.lastIndexOf('@');
            to = toSpec.substring(0, at);
            try {
                syncBudget = Duration.ofMillis(Long.parseLong(toSpec.substring(at + 1)));
            } catch (NumberFormatException e) {
                return ControlResponse.error("bad switchover timeout in " + toSpec);
            }
            if (syncBudget.toMillis() <= 0) {
                return ControlResponse.error("switchover timeout must be > 0 ms");
            }
        }
        Start s;
        try {
            s = onLoop(() -> inspect(instance));
        } catch (RuntimeException e) {
            return ControlResponse.error(e.getMessage());
        }
        if (s.error() != null) {
            return ControlResponse.error(s.error());
        }
        if (s.wiring().config().sentinelMode()) {
            // Sentinel's majority alone decides the master; the VIP follows its +switch-master.
            return ControlResponse.error("redis_instance " + s.wiring().config().name() + " is in Sentinel mode:"
                    + " run SENTINEL FAILOVER " + s.wiring().config().sentinel().masterName()
                    + " on a Sentinel; the VIP follows Sentinel's choice");
        }
        InetAddress peer;
        try {
            peer = target(s.runtime(), to);
        } catch (IllegalArgumentException e) {
            return ControlResponse.error(e.getMessage());
        }
        RedisWiring w = s.wiring();
        int peerPort = w.config().peerPort() > 0 ? w.config().peerPort() : w.endpoint().port();
        RedisEndpoint local = w.endpoint();
        RedisEndpoint replica = local.withAddress(peer.getHostAddress(), peerPort);
        LOG.info("({}) switchover to {} requested", instance, replica.address());
        Stages stages = new Stages(instance, w.config().name(), replica.address(), syncBudget);
        try (Switchover sw = Switchover.begin(local, replica, syncBudget)) {
            SwitchoverResult synced = stages.time("pause_and_sync", sw::pauseAndSync);
            if (!synced.ok()) {
                LOG.warn("({}) switchover refused, nothing changed: {}", instance, synced.detail());
                stages.report("refused", synced.detail());
                return ControlResponse.error("switchover refused, nothing changed: " + synced.detail());
            }
            SwitchoverResult promoted = stages.time("promote_peer", sw::promote);
            if (!promoted.ok()) {
                LOG.warn("({}) switchover aborted, nothing changed: {}", instance, promoted.detail());
                stages.report("failed", promoted.detail());
                return ControlResponse.error("switchover aborted, nothing changed: " + promoted.detail());
            }
            LOG.info("({}) {}; releasing the VIP", instance, promoted.detail());
            stages.time("step_down", () -> onLoop(() -> {
                loop.stepDown(s.runtime());
                return Boolean.TRUE;
            }));
            long waitStart = System.nanoTime();
            // The peer becomes MASTER after its skew time, our lane demotes us once its adverts arrive.
            long deadline = System.nanoTime() + s.handOverNanos();
            boolean replicating = false;
            try (RedisProbe probe = RedisProbe.of(local)) {
                while (System.nanoTime() < deadline) {
                    RedisHealth h = probe.check();
                    RedisInfo i = h.info();
                    if (i != null && i.role() == RedisInfo.Role.REPLICA && replica.host().equals(i.masterHost())) {
                        replicating = true;
                        break;
                    }
                    Thread.sleep(5);
                }
            }
            stages.span("local_replicates", waitStart, System.nanoTime(), replicating ? null : "not in time");
            // close() completes: REPLICAOF the new master (a no-op when the lane already did it),
            // drops clients, lifts the pause. Two writable masters are never left behind.
            SwitchoverResult done = stages.time("complete", sw::complete);
            if (!replicating) {
                LOG.warn("({}) switchover: {} did not take the VIP in time; local Redis demoted anyway", instance,
                        peer.getHostAddress());
                stages.report("failed", "the peer did not take the VIP in time; " + done.detail());
                return ControlResponse.error("Redis moved to " + replica.address() + " but the peer did not take"
                        + " the VIP in time; check it (" + done.detail() + ")");
            }
            LOG.info("({}) switchover done: {}", instance, done.detail());
            stages.report("ok", done.detail());
            return ControlResponse.ok(done.detail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ControlResponse.error("switchover interrupted");
        }
    }

    /** The switchover's stages with their times, for the decision log. */
    private static final class Stages {
        private final String instance;
        private final String redis;
        private final String replica;
        private final Duration budget;
        private final List<RedisAction.Span> spans = new ArrayList<>();

        Stages(String instance, String redis, String replica, Duration budget) {
            this.instance = instance;
            this.redis = redis;
            this.replica = replica;
            this.budget = budget;
        }

        <T> T time(String name, Supplier<T> stage) {
            long start = System.nanoTime();
            T result = stage.get();
            String error = result instanceof SwitchoverResult r && !r.ok() ? r.detail() : null;
            span(name, start, System.nanoTime(), error);
            return result;
        }

        void span(String name, long start, long end, String error) {
            spans.add(new RedisAction.Span(name, start, end, error));
        }

        void report(String outcome, String detail) {
            if (spans.isEmpty()) {
                return;
            }
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("to", replica);
            in.put("syncBudgetMs", budget.toMillis());
            DecisionLog.global().publish(new RedisAction("switchover", redis, instance, outcome, detail, in, spans));
        }
    }

    private Start inspect(String instance) {
        InstanceRuntime r = loop.instances().get(instance);
        if (r == null) {
            return new Start("no instance " + instance, null, null, 0);
        }
        if (r.machine().state() != VrrpState.MASTER || !r.machine().vipsSet()) {
            return new Start("(" + instance + ") is " + r.machine().state() + " here: run the switchover on the"
                    + " MASTER's host", null, null, 0);
        }
        if (!r.machine().config().nopreempt()) {
            return new Start("(" + instance + ") needs nopreempt for a switchover: without it this node, with"
                    + " its higher priority, would take the master role straight back", null, null, 0);
        }
        Optional<String> tracker = r.machine().config().trackers().stream().map(t -> t.id())
                .filter(id -> id.startsWith("redis:")).findFirst();
        RedisWiring w = tracker.map(t -> redis.get().get(t.substring("redis:".length()))).orElse(null);
        if (w == null) {
            return new Start("(" + instance + ") tracks no redis_instance", null, null, 0);
        }
        // The peer takes over after at most its master down interval; allow that twice plus slack.
        long handOver = 2 * r.machine().masterDownIntervalNanos() + TimeUnit.SECONDS.toNanos(2);
        return new Start(null, r, w, handOver);
    }

    private static InetAddress target(InstanceRuntime r, String to) {
        if (to != null && !to.isBlank()) {
            try {
                return InetAddress.getByName(to.trim());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bad --to address " + to);
            }
        }
        var dst = r.wire().destinations();
        if (dst.size() == 1 && !dst.get(0).isMulticastAddress()) {
            return dst.get(0);
        }
        throw new IllegalArgumentException("(" + r.name() + ") has no single unicast peer: give --to ADDRESS");
    }

    private <T> T onLoop(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.post(new LoopEvent.OnLoop(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }));
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the event loop did not answer: " + e);
        }
    }
}
