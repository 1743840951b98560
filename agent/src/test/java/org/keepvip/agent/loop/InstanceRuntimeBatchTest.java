package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.keepvip.agent.latency.LogHold;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.state.Event;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;

/**
 * How one batch of the state machine is split between the loop (adverts, state lines) and the hook
 * lane: on a takeover the VIP add starts without waiting for the advert, while every other lane step
 * of the batch waits until the loop part is done; a failing step does not stop the next one.
 */
class InstanceRuntimeBatchTest {
    private static final InetAddress SELF = ip("192.0.2.12");
    private static final InetAddress GROUP = ip("224.0.0.18");
    private static final InetAddress VIP = ip("192.0.2.100");

    @Test
    void theVipAddDoesNotWaitForTheAdvertButTheAnnouncementDoes() throws Exception {
        CountDownLatch addStarted = new CountDownLatch(1);
        AtomicBoolean addSeenByAdvert = new AtomicBoolean();
        AtomicBoolean advertSent = new AtomicBoolean();
        List<Boolean> advertSentWhenAnnouncing = new CopyOnWriteArrayList<>();
        CountDownLatch announced = new CountDownLatch(1);
        Ports.PacketOut packets = FakePorts.packets(priority -> {
            // The loop sends the takeover advert: the lane must already be adding the VIP.
            try {
                addSeenByAdvert.set(addStarted.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            advertSent.set(true);
        }, () -> {
            advertSentWhenAnnouncing.add(advertSent.get());
            announced.countDown();
        });
        Ports.Vips vips = FakePorts.vips(v -> addStarted.countDown(), v -> { });
        try (InstanceRuntime runtime = runtime(packets, vips)) {
            takeOver(runtime);
            assertThat(announced.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(addSeenByAdvert).as("the VIP add had started when the advert was sent").isTrue();
            assertThat(advertSentWhenAnnouncing).as("the GARP burst waited for the advert").containsOnly(true);
        }
    }

    @Test
    void logLinesAreHeldWhileTheVipIsAddedAndReleasedRightAfter() throws Exception {
        List<Boolean> holdingDuringAdd = new CopyOnWriteArrayList<>();
        List<Boolean> holdingWhenAnnouncing = new CopyOnWriteArrayList<>();
        CountDownLatch announced = new CountDownLatch(1);
        Ports.PacketOut packets = FakePorts.announcing(() -> {
            holdingWhenAnnouncing.add(LogHold.holders() > 0);
            announced.countDown();
        });
        Ports.Vips vips = FakePorts.vips(v -> holdingDuringAdd.add(LogHold.holders() == 1), v -> { });
        try (InstanceRuntime runtime = runtime(packets, vips)) {
            assertThat(LogHold.holders()).isZero();
            takeOver(runtime);
            assertThat(announced.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(holdingDuringAdd).as("lines wait while the VIP is added").containsExactly(true);
            assertThat(holdingWhenAnnouncing).as("and are let go once it is in").containsExactly(false);
        }
    }

    @Test
    void aFailingAddIsLoggedAndTheRestOfTheBatchStillRuns() throws Exception {
        CountDownLatch announced = new CountDownLatch(1);
        Ports.PacketOut packets = FakePorts.announcing(announced::countDown);
        Ports.Vips vips = FakePorts.vips(v -> {
            throw new java.io.IOException("EPERM");
        }, v -> { });
        try (InstanceRuntime runtime = runtime(packets, vips)) {
            takeOver(runtime);
            assertThat(announced.await(10, TimeUnit.SECONDS)).as("the step after the failed add ran").isTrue();
            assertThat(LogHold.holders()).as("a failed add ends the log hold too").isZero();
        }
    }

    /**
     * A takeover whose VIP add is still running when a higher-priority advert sends the instance back
     * to BACKUP: the log reads in the order things were decided. "setting VIPs." is written with the
     * takeover, not when the add returns, which once put it after "removing VIPs." and "Entering
     * BACKUP STATE".
     */
    @Test
    void aStepDownDuringTheVipAddIsLoggedAfterTheTakeoverItUndoes() throws Exception {
        CountDownLatch addRunning = new CountDownLatch(1);
        CountDownLatch finishAdd = new CountDownLatch(1);
        List<String> vipCalls = new CopyOnWriteArrayList<>();
        Ports.Vips vips = FakePorts.vips(v -> {
            vipCalls.add("add");
            addRunning.countDown();
            try {
                finishAdd.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }, v -> vipCalls.add("remove"));
        ch.qos.logback.classic.Logger vrrpLog =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("keepvip.vrrp");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        vrrpLog.addAppender(lines);
        try (InstanceRuntime runtime = runtime(FakePorts.packets(), vips)) {
            takeOver(runtime);
            assertThat(addRunning.await(10, TimeUnit.SECONDS)).isTrue();
            VrrpInstance m = runtime.machine();
            m.handle(new Event.AdvertReceived(m.nextDeadline().orElseThrow() - 1,
                    new VrrpAdvert(3, 1, 200, 100, AuthType.NONE, new byte[0], List.of(VIP)), ip("192.0.2.13")));
            assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
            runtime.executePending();
            finishAdd.countDown();
            assertThat(runtime.drainHooks(5000)).isTrue();
            assertThat(vipCalls).containsExactly("remove", "add", "remove"); // the start's clean-up first

            List<String> said = lines.list.stream().map(e -> e.getFormattedMessage())
                    .filter(t -> t.contains("STATE") || t.contains("VIPs")).toList();
            // keepalived's order on leaving MASTER: the release, then the new state.
            assertThat(said).containsSubsequence("(VI_1) Entering MASTER STATE", "(VI_1) setting VIPs.",
                    "(VI_1) removing VIPs.", "(VI_1) Entering BACKUP STATE");
            assertThat(said.get(said.size() - 1)).as("nothing after the step-down")
                    .isEqualTo("(VI_1) Entering BACKUP STATE");
        } finally {
            vrrpLog.detachAppender(lines);
            finishAdd.countDown();
        }
    }

    @Test
    void theBatchPathWarmUpCarriesOutNothing() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Ports.PacketOut packets = FakePorts.packets(priority -> calls.add("advert"), () -> calls.add("announce"));
        Ports.Vips vips = FakePorts.vips(v -> calls.add("add"), v -> calls.add("remove"));
        Ports.RedisRole redis = FakePorts.redis(calls::add);
        try (InstanceRuntime runtime = new InstanceRuntime(machine(), wire(), expectations(), vipSpecs(), packets, vips,
                redis, (i, st, p) -> calls.add("notify"), e -> calls.add("event " + e))) {
            runtime.warmUpHookLane(10);

            assertThat(calls).as("nothing reached a port or Redis").isEmpty();
            assertThat(runtime.drainHooks(5000)).isTrue();
            assertThat(calls).as("nothing ran on the lane either").isEmpty();
        }
    }

    /**
     * The decision log gets one record per transition, made after its last step: a takeover with
     * Redis spans two batches (promote, then the VIP add once the promotion is confirmed); leaving
     * MASTER counts the fence and the VIP removal that come before the change itself.
     */
    @Test
    void eachTransitionIsOneRecordWithItsStepsInOrderAfterItsNotify() throws Exception {
        org.keepvip.agent.events.EventRing ring = new org.keepvip.agent.events.EventRing(10);
        List<String> events = new CopyOnWriteArrayList<>();
        Ports.RedisRole redis = FakePorts.redis(call -> { });
        VrrpInstance m = new VrrpInstance(InstanceConfig.builder("VI_1", 1, SELF).version(3).priority(100)
                .advertIntervalCentis(100).redisHooks(true).build());
        try (org.keepvip.agent.events.DecisionLog log = new org.keepvip.agent.events.DecisionLog(ring);
                InstanceRuntime runtime = new InstanceRuntime(m, wire(), expectations(), vipSpecs(),
                        FakePorts.packets(), FakePorts.vips(), redis, (i, st, p) -> { },
                        e -> events.add(e.toString()))) {
            runtime.reportTo(log);
            m.handle(new Event.Start(System.nanoTime(), true)); // the loop's clock: step times count from it
            runtime.executePending();
            long due = m.nextDeadline().orElseThrow();
            m.handle(new Event.TimerDue(due));
            runtime.executePending();
            assertThat(ring.after(1, 300)).as("no record before the promotion's VIP add and notify").isEmpty();
            m.handle(new Event.PromotionDone(due + 1, 1, true, ""));
            runtime.executePending();
            List<org.keepvip.agent.events.EventRecord> takeover = ring.after(1, 5000);
            assertThat(takeover).hasSize(1);
            assertThat(takeover.get(0).what()).isEqualTo("BACKUP -> MASTER");
            assertThat(takeover.get(0).cause()).isEqualTo("master_down_timer");
            assertThat(takeover.get(0).steps()).extracting(org.keepvip.agent.events.EventRecord.Step::name)
                    .containsExactly("advert", "promote", "add_vips", "garp", "notify");

            m.handle(new Event.StepDown(due + 2));
            runtime.executePending();
            List<org.keepvip.agent.events.EventRecord> release = ring.after(2, 5000);
            assertThat(release).hasSize(1);
            assertThat(release.get(0).what()).isEqualTo("MASTER -> BACKUP");
            assertThat(release.get(0).cause()).isEqualTo("operator_step_down");
            assertThat(release.get(0).steps()).extracting(org.keepvip.agent.events.EventRecord.Step::name)
                    .containsExactly("fence", "remove_vips", "advert", "notify");
            assertThat(ring.after(0, 0)).extracting(org.keepvip.agent.events.EventRecord::what)
                    .containsExactly("INIT -> BACKUP", "BACKUP -> MASTER", "MASTER -> BACKUP");
        }
    }

    /**
     * A MASTER with Redis that stops (SIGTERM) fences its Redis and waits for the replica in the
     * fence step, bounded by what the peer's down timer leaves (2 × 10 ms adverts here), removes its
     * VIP, and only then sends priority 0: the peer promotes its replica once it hears it.
     */
    @Test
    void aStoppingMasterWithRedisAwaitsItsReplicaAfterTheFenceAndSendsPriorityZeroLast() throws Exception {
        Recorder rec = new Recorder();
        Ports.RedisRole redis = recordingRedis(rec, (instance, replicaSync) ->
                rec.record("fence " + instance + ", replicas awaited up to " + replicaSync.toMillis() + " ms"));
        try (InstanceRuntime runtime = masterWithRedis(rec, redis)) {
            VrrpInstance m = runtime.machine();
            int before = rec.seen().size();
            m.handle(new Event.Shutdown(System.nanoTime()));
            runtime.executePending();
            rec.await("advert 0");
            assertThat(rec.seen().subList(before, rec.seen().size())).containsExactly(
                    "fence VI_1, replicas awaited up to 20 ms",
                    "remove " + vipSpecs() + " -> " + vipSpecs(),
                    "advert 0");
        }
    }

    /**
     * A release's priority-0 advert waits on the lane behind the fence; when the instance is MASTER
     * again by the time it would go out (its own adverts already left from the loop), it is not sent:
     * it would hand the VIP to the peer for nothing.
     */
    @Test
    void aReleasesPriorityZeroIsNotSentOnceTheInstanceIsMasterAgain() throws Exception {
        Recorder rec = new Recorder();
        CountDownLatch fenceMayEnd = new CountDownLatch(1);
        Ports.RedisRole redis = recordingRedis(rec, (instance, replicaSync) -> {
            rec.record("fence");
            fenceMayEnd.await(10, TimeUnit.SECONDS);
        });
        try (InstanceRuntime runtime = masterWithRedis(rec, redis)) {
            VrrpInstance m = runtime.machine();
            int before = rec.seen().size();
            m.handle(new Event.StepDown(System.nanoTime()));
            runtime.executePending();
            rec.await("fence"); // the lane holds the release's remaining steps behind it
            m.handle(new Event.TimerDue(m.nextDeadline().orElseThrow()));
            assertThat(m.state()).isEqualTo(VrrpState.MASTER);
            runtime.executePending();
            fenceMayEnd.countDown();
            rec.await("promote"); // the new mastership's first lane step, after the release's last
            assertThat(rec.seen().subList(before, rec.seen().size())).as("after the step-down")
                    .contains("fence", "remove " + vipSpecs() + " -> " + vipSpecs(), "promote")
                    .doesNotContain("advert 0");
        }
    }

    /**
     * A MASTER of 10 ms adverts with Redis hooks, its promotion done and its VIP added, recording its
     * adverts and VIP changes into {@code rec}.
     */
    private static InstanceRuntime masterWithRedis(Recorder rec, Ports.RedisRole redis) throws Exception {
        Ports.PacketOut packets = FakePorts.packets(priority -> rec.record("advert " + priority), () -> { });
        VrrpInstance m = new VrrpInstance(InstanceConfig.builder("VI_1", 1, SELF).version(3).priority(100)
                .advertIntervalCentis(1).redisHooks(true).build());
        InstanceRuntime runtime = new InstanceRuntime(m, wire(), expectations(), vipSpecs(), packets,
                FakePorts.vips(rec), redis, (i, st, p) -> { }, e -> { });
        takeOver(runtime);
        m.handle(new Event.PromotionDone(m.nextDeadline().orElseThrow(), 1, true, ""));
        runtime.executePending();
        rec.await("add");
        return runtime;
    }

    /** The fence step as the test gives it; may block. */
    private interface FenceStep {
        void fence(String instance, java.time.Duration replicaSync) throws Exception;
    }

    /** A Redis port that records promote and demote and runs {@code fence} for the fence. */
    private static Ports.RedisRole recordingRedis(Recorder rec, FenceStep fence) {
        return new Ports.RedisRole() {
            @Override
            public String promote() {
                rec.record("promote");
                return null;
            }

            @Override
            public void fence(String instance, java.time.Duration replicaSync) throws Exception {
                fence.fence(instance, replicaSync);
            }

            @Override
            public void demote(InetAddress master) {
                rec.record("demote");
            }
        };
    }

    /** The test thread plays the loop: start as BACKUP, let the down timer expire, run the batch. */
    private static void takeOver(InstanceRuntime runtime) {
        VrrpInstance m = runtime.machine();
        m.handle(new Event.Start(0, true));
        runtime.executePending();
        long deadline = m.nextDeadline().orElseThrow();
        m.handle(new Event.TimerDue(deadline));
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
        runtime.executePending();
    }

    private static InstanceRuntime runtime(Ports.PacketOut packets, Ports.Vips vips) {
        return new InstanceRuntime(machine(), wire(), expectations(), vipSpecs(), packets, vips, null, (i, s, p) -> { },
                e -> { });
    }

    private static VrrpInstance machine() {
        return new VrrpInstance(InstanceConfig.builder("VI_1", 1, SELF).version(3).priority(100)
                .advertIntervalCentis(100).build());
    }

    private static InstanceRuntime.Wire wire() {
        return new InstanceRuntime.Wire("eth0", 3, 1, 100, AuthType.NONE, null, List.of(VIP), SELF, List.of(GROUP),
                ChecksumMode.STANDARD, null, false);
    }

    private static ReceiveExpectations expectations() {
        return ReceiveExpectations.of(3, 1, 100, List.of(VIP), 100);
    }

    private static List<VipSpec> vipSpecs() {
        return List.of(VipSpec.of(VIP, 24, "eth0"));
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
