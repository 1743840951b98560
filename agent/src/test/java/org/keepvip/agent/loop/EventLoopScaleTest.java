package org.keepvip.agent.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keepvip.vrrp.packet.AuthType;
import org.keepvip.vrrp.packet.ChecksumMode;
import org.keepvip.vrrp.packet.PacketContext;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.VrrpAdvert;
import org.keepvip.vrrp.packet.VrrpCodec;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.VrrpInstance;
import org.keepvip.vrrp.state.VrrpState;
import org.keepvip.agent.daemon.VipSpec;

/**
 * The event loop with hundreds of instances on two interfaces and both families, the same VRIDs in
 * each: an advert reaches exactly the instance of its (interface, family, VRID), others are counted
 * as unknown_vrid; adverts waiting for the loop are capped and the excess counted as loop_overrun;
 * the deadline heap fires every due instance and none early, forgets instances a reload removed, and
 * follows a switchover's step-down. The loop runs on a thread of the test with an injected clock that
 * moves only when the test moves it; an {@link LoopEvent.OnLoop} wakes it and reads its state.
 */
class EventLoopScaleTest {
    private static final InetAddress SELF4 = ip("192.0.2.12");
    private static final InetAddress PEER4 = ip("192.0.2.11");
    private static final InetAddress GROUP4 = ip("224.0.0.18");
    private static final InetAddress VIP4 = ip("192.0.2.100");
    private static final InetAddress SELF6 = ip("fe80::12");
    private static final InetAddress PEER6 = ip("fe80::11");
    private static final InetAddress GROUP6 = ip("ff02::12");
    private static final InetAddress VIP6 = ip("2001:db8::100");
    /** 1 s adverts: master_down_interval is 3 s plus a skew of (256 − priority)/256 s. */
    private static final int ADVERT_CENTIS = 100;
    private static final long ADVERT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long WAIT_SECONDS = 10;

    /** Where an instance listens: keepalived matches a received advert on these three. */
    record Key(String ifname, boolean v6, int vrid) {
        @Override
        public String toString() {
            return ifname + "/" + (v6 ? "v6" : "v4") + "/" + vrid;
        }
    }

    /** An instance with what it sent (the priority of each advert, in order) and a permit per advert. */
    record Inst(Key key, InstanceRuntime runtime, HookLane lane, List<Integer> sent, Semaphore own) {
        String name() {
            return runtime.name();
        }
    }

    private final AtomicLong clock = new AtomicLong();
    private final EventLoop loop = new EventLoop(clock::get);
    private final LaneWorkers lanes = new LaneWorkers();
    /** One permit per advert any instance sends. */
    private final Semaphore adverts = new Semaphore(0);
    private Thread loopThread;

    @AfterEach
    void stopLoop() throws Exception {
        try {
            if (loopThread != null) {
                loop.post(new LoopEvent.Stop());
                loopThread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                assertThat(loop.isStopped()).as("the loop stopped").isTrue();
            }
        } finally {
            lanes.close();
        }
    }

    // ------------------------------------------------------------------ dispatch

    @Test
    void anAdvertReachesOnlyTheInstanceOfItsInterfaceFamilyAndVrid() throws Exception {
        // 80 VRIDs on eth0/v4, eth0/v6, eth1/v4 and 40 on eth1/v6: 280 instances, each VRID up to 4 times.
        List<Inst> all = new ArrayList<>();
        for (String ifname : List.of("eth0", "eth1")) {
            for (boolean v6 : List.of(false, true)) {
                int vrids = ifname.equals("eth1") && v6 ? 40 : 80;
                for (int vrid = 1; vrid <= vrids; vrid++) {
                    all.add(add(new Key(ifname, v6, vrid), 100));
                }
            }
        }
        startLoop();

        // Each instance gets 1 to 3 adverts, all of them shuffled together.
        Map<Key, Integer> expected = new LinkedHashMap<>();
        List<Key> toSend = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Key k = all.get(i).key();
            expected.put(k, 1 + i % 3);
            for (int n = 0; n < 1 + i % 3; n++) {
                toSend.add(k);
            }
        }
        Collections.shuffle(toSend, new Random(7));
        toSend.forEach(k -> assertThat(loop.postPacket(advertFromPeer(k, 150))).isTrue());
        onLoop(() -> null); // behind every advert posted so far

        for (Inst inst : all) {
            assertThat(inst.runtime().counters()).as("%s", inst.key())
                    .containsEntry("advert_rcvd", (long) expected.get(inst.key()))
                    .doesNotContainKeys("drop_unknown_vrid");
        }
        assertThat(loop.interfaceDrops()).isEmpty();

        // One more advert: exactly one instance's counters move.
        Map<String, Map<String, Long>> before = counters(all);
        Key target = new Key("eth1", true, 7);
        loop.postPacket(advertFromPeer(target, 150));
        onLoop(() -> null);
        Map<String, Map<String, Long>> after = counters(all);
        Inst hit = all.stream().filter(i -> i.key().equals(target)).findFirst().orElseThrow();
        assertThat(after.get(hit.name()).get("advert_rcvd")).isEqualTo(before.get(hit.name()).get("advert_rcvd") + 1);
        after.remove(hit.name());
        before.remove(hit.name());
        assertThat(after).as("no other instance saw it").isEqualTo(before);
    }

    @Test
    void anAdvertForNoInstanceIsCountedAsUnknownVridOnItsInterface() throws Exception {
        List<Inst> all = new ArrayList<>();
        for (int vrid = 1; vrid <= 60; vrid++) {
            all.add(add(new Key("eth0", false, vrid), 100));
            all.add(add(new Key("eth0", true, vrid), 100));
            all.add(add(new Key("eth1", false, vrid), 100));
        }
        startLoop();
        Map<String, Map<String, Long>> before = counters(all);

        // VRID 60 exists on eth1, but only for IPv4; on eth0, but not on eth1; nowhere as 61; eth9 has none.
        loop.postPacket(advertFromPeer(new Key("eth1", true, 60), 150));
        loop.postPacket(advertFromPeer(new Key("eth1", true, 1), 150));
        loop.postPacket(advertFromPeer(new Key("eth0", false, 61), 150));
        loop.postPacket(advertFromPeer(new Key("eth9", false, 1), 150));
        onLoop(() -> null);

        assertThat(loop.interfaceDrops()).containsOnly(
                Map.entry("eth1:unknown_vrid", 2L), Map.entry("eth0:unknown_vrid", 1L), Map.entry("eth9:unknown_vrid", 1L));
        assertThat(counters(all)).as("no instance took them").isEqualTo(before);
    }

    // ------------------------------------------------------------------ the cap on waiting adverts

    @Test
    void advertsBeyondTheCapAreDroppedAndCountedUntilTheLoopCatchesUp() throws Exception {
        // No instance: every advert the loop handles is counted as unknown_vrid, which shows how many it got.
        int cap = EventLoop.MAX_QUEUED_PACKETS;
        assertThat(loop.postPacket(advertFromPeer(new Key("eth0", false, 9), 150)))
                .as("an advert heard before the loop runs is not queued").isFalse();
        loop.acceptPackets();
        for (int i = 0; i < cap; i++) {
            assertThat(loop.postPacket(advertFromPeer(new Key(i % 2 == 0 ? "eth0" : "eth1", false, 9), 150)))
                    .as("packet %d of %d", i + 1, cap).isTrue();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(loop.postPacket(advertFromPeer(new Key("eth0", false, 9), 150))).isFalse();
        }
        assertThat(loop.postPacket(advertFromPeer(new Key("eth1", true, 9), 150))).isFalse();
        loop.post(advertFromPeer(new Key("eth1", false, 9), 150)); // post() goes through the same cap
        assertThat(loop.interfaceDrops()).containsOnly(
                Map.entry("eth0:loop_overrun", 3L), Map.entry("eth1:loop_overrun", 2L));

        CompletableFuture<String> otherEvents = new CompletableFuture<>();
        loop.post(new LoopEvent.OnLoop(() -> otherEvents.complete("ran"))); // not capped: not an advert
        startLoop();
        assertThat(otherEvents.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThat(loop.interfaceDrops()).as("only the accepted adverts reached the loop").containsOnly(
                Map.entry("eth0:loop_overrun", 3L), Map.entry("eth1:loop_overrun", 2L),
                Map.entry("eth0:unknown_vrid", (long) cap / 2), Map.entry("eth1:unknown_vrid", (long) cap / 2));

        // Drained: the whole cap is free again (each handled advert gave its place back, once).
        loop.post(new LoopEvent.Stop());
        loopThread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(loop.isStopped()).isTrue();
        loopThread = null;
        for (int i = 0; i < cap; i++) {
            assertThat(loop.postPacket(advertFromPeer(new Key("eth0", false, 9), 150))).as("packet %d after the drain", i + 1)
                    .isTrue();
        }
        assertThat(loop.postPacket(advertFromPeer(new Key("eth0", false, 9), 150))).isFalse();
        assertThat(loop.interfaceDrops()).containsEntry("eth0:loop_overrun", 4L);
    }

    // ------------------------------------------------------------------ timers

    @Test
    void theLoopPollsBeforeALoneTakeoverButParksInsideABurstOfThem() {
        long t = 5_000_000_000L;
        long never = Long.MIN_VALUE / 2;
        assertThat(EventLoop.pollsBeforeTakeover(true, t, never)).as("first takeover: poll, it is downtime").isTrue();
        assertThat(EventLoop.pollsBeforeTakeover(false, t, never)).as("an advert timer: park").isFalse();
        assertThat(EventLoop.pollsBeforeTakeover(true, t, t - 40_000))
                .as("40 us after another takeover: the lanes need the CPU").isFalse();
        assertThat(EventLoop.pollsBeforeTakeover(true, t, t - EventLoop.TAKEOVER_BURST_NANOS + 1)).isFalse();
        assertThat(EventLoop.pollsBeforeTakeover(true, t, t - EventLoop.TAKEOVER_BURST_NANOS))
                .as("the burst is over").isTrue();
    }

    @Test
    void staggeredDownTimersMakeEveryInstanceMasterAtItsOwnDeadlineAndNoneEarly() throws Exception {
        List<Inst> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // Priorities 1..200: 200 distinct master_down_intervals between 3.22 s and 3.996 s.
            all.add(add(new Key(i % 2 == 0 ? "eth0" : "eth1", i % 4 >= 2, i / 4 + 1), 1 + (i * 37) % 200));
        }
        startLoop();
        Map<String, Long> deadline = onLoop(() -> {
            Map<String, Long> d = new HashMap<>();
            all.forEach(inst -> d.put(inst.name(), inst.runtime().machine().takeoverDeadline().orElseThrow()));
            return d;
        });
        List<Long> sorted = deadline.values().stream().sorted().toList();
        assertThat(sorted).doesNotHaveDuplicates();

        int mastersSoFar = 0;
        for (int stage : new int[] {50, 51, 150, 200}) {
            long at = sorted.get(stage - 1);
            advanceTo(at);
            // Each takeover sends one advert (the next is 1 s later, past every stage).
            assertThat(adverts.tryAcquire(stage - mastersSoFar, WAIT_SECONDS, TimeUnit.SECONDS))
                    .as("%d instances due by %d ns took over", stage, at).isTrue();
            mastersSoFar = stage;
            Map<String, VrrpState> states = states(all);
            for (Inst inst : all) {
                assertThat(states.get(inst.name())).as("%s (deadline %d) at %d", inst.name(), deadline.get(inst.name()), at)
                        .isEqualTo(deadline.get(inst.name()) <= at ? VrrpState.MASTER : VrrpState.BACKUP);
            }
        }
        assertThat(adverts.availablePermits()).as("no advert beyond one per takeover").isZero();
        for (Inst inst : all) {
            assertThat(inst.sent()).as(inst.name()).containsExactly(inst.runtime().machine().config().priority());
            assertThat(inst.runtime().counters()).containsEntry("become_master", 1L);
        }
    }

    @Test
    void instancesRemovedByAReloadNeverFireAgain() throws Exception {
        List<Inst> all = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            all.add(add(new Key(i % 2 == 0 ? "eth0" : "eth1", i % 4 >= 2, i / 4 + 1), 1 + i));
        }
        startLoop();
        // A backup and, later, a master removed: every fifth, before any deadline.
        List<Inst> removed = new ArrayList<>();
        List<Inst> kept = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 5 == 0 ? removed : kept).add(all.get(i));
        }
        onLoop(() -> {
            removed.forEach(inst -> loop.stopRemoved(inst.runtime()));
            return null;
        });

        advanceTo(clock.get() + TimeUnit.SECONDS.toNanos(4)); // past every master_down_interval
        assertThat(adverts.tryAcquire(kept.size(), WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        Inst removedMaster = kept.remove(0);
        removed.add(removedMaster);
        onLoop(() -> {
            loop.stopRemoved(removedMaster.runtime());
            return null;
        });
        assertThat(adverts.tryAcquire(1, WAIT_SECONDS, TimeUnit.SECONDS)).as("the removed master resigns").isTrue();

        // Three more advert intervals: every kept master advertises three times, no removed one at all.
        for (int round = 1; round <= 3; round++) {
            advanceTo(clock.get() + ADVERT_NANOS);
            assertThat(adverts.tryAcquire(kept.size(), WAIT_SECONDS, TimeUnit.SECONDS)).as("round %d", round).isTrue();
        }
        onLoop(() -> null);
        assertThat(adverts.availablePermits()).isZero();
        for (Inst inst : kept) {
            assertThat(inst.sent()).as(inst.name()).hasSize(4);
        }
        for (Inst inst : removed) {
            List<Integer> expected = inst == removedMaster ? List.of(inst.runtime().machine().config().priority(), 0)
                    : List.of();
            assertThat(inst.sent()).as("%s after removal", inst.name()).isEqualTo(expected);
            assertThat(inst.runtime().machine().state()).isEqualTo(VrrpState.STOP);
            assertThat(inst.runtime().counters()).doesNotContainKey("advert_rcvd");
        }
        Map<String, InstanceRuntime> left = onLoop(() -> Map.copyOf(loop.instances()));
        assertThat(left).hasSize(kept.size()).doesNotContainKeys(removed.stream().map(Inst::name).toArray(String[]::new));

        // Their adverts now reach nobody, and their lanes take no more work.
        removed.forEach(inst -> loop.postPacket(advertFromPeer(inst.key(), 150)));
        onLoop(() -> null);
        long unknown = loop.interfaceDrops().entrySet().stream().filter(e -> e.getKey().endsWith(":unknown_vrid"))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(unknown).isEqualTo(removed.size());
        for (Inst inst : removed) {
            assertThat(inst.runtime().counters()).doesNotContainKey("advert_rcvd");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> inst.lane().submit("late", () -> { }))
                    .as("%s's lane was retired", inst.name()).isInstanceOf(RejectedExecutionException.class);
        }
    }

    @Test
    void aReloadThatRemovesAGroupMemberLeavesTheOthersWorkingAndAnUngroupedOneDecidesAlone() throws Exception {
        Inst a = add(new Key("eth0", false, 1), 100);
        Inst b = add(new Key("eth0", false, 2), 100);
        Inst c = add(new Key("eth1", false, 3), 100);
        Inst d = add(new Key("eth1", false, 4), 100);
        loop.addGroup(new org.keepvip.vrrp.state.SyncGroup("G_AB", List.of(a.runtime().machine(), b.runtime().machine())));
        loop.addGroup(new org.keepvip.vrrp.state.SyncGroup("G_CD",
                List.of(c.runtime().machine(), d.runtime().machine())));
        startLoop();

        // The reload: b is gone, the group of c and d is no longer configured.
        onLoop(() -> {
            loop.stopRemoved(b.runtime());
            loop.replaceGroups(List.of(new org.keepvip.vrrp.state.SyncGroup("G_AB", List.of(a.runtime().machine()))));
            return null;
        });
        advanceTo(clock.get() + TimeUnit.SECONDS.toNanos(4)); // past every master_down_interval
        assertThat(adverts.tryAcquire(3, WAIT_SECONDS, TimeUnit.SECONDS)).as("a, c and d take over").isTrue();
        assertThat(states(List.of(a, c, d))).containsOnlyKeys(a.name(), c.name(), d.name())
                .allSatisfy((name, state) -> assertThat(state).as(name).isEqualTo(VrrpState.MASTER));
        assertThat(b.sent()).isEmpty();
    }

    /**
     * A reload that keeps an instance's name but moves it to another VRID starts the new instance,
     * then stops the old one (as Daemon.apply does): the new one must stay in the loop.
     */
    @Test
    void anInstanceMovedToAnotherVridByAReloadReplacesTheOldOne() throws Exception {
        Inst old = add(new Key("eth0", false, 1), "VI_1", 100);
        Inst other = add(new Key("eth0", false, 3), "VI_3", 100);
        startLoop();
        Inst moved = build(new Key("eth0", false, 2), "VI_1", 100);
        onLoop(() -> {
            loop.startAdded(moved.runtime());
            loop.stopRemoved(old.runtime());
            return null;
        });

        assertThat(onLoop(() -> loop.instances().get("VI_1"))).as("the loop holds the new VI_1").isSameAs(moved.runtime());
        loop.postPacket(advertFromPeer(new Key("eth0", false, 2), 150));
        loop.postPacket(advertFromPeer(new Key("eth0", false, 1), 150));
        onLoop(() -> null);
        assertThat(moved.runtime().counters()).containsEntry("advert_rcvd", 1L);
        assertThat(old.runtime().counters()).doesNotContainKey("advert_rcvd");
        assertThat(loop.interfaceDrops()).containsOnly(Map.entry("eth0:unknown_vrid", 1L));

        advanceTo(clock.get() + TimeUnit.SECONDS.toNanos(5));
        assertThat(adverts.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS)).as("VI_1 (new) and VI_3 take over").isTrue();
        assertThat(states(List.of(moved, other))).containsOnly(
                Map.entry("VI_1", VrrpState.MASTER), Map.entry("VI_3", VrrpState.MASTER));
        assertThat(old.sent()).isEmpty();
    }

    @Test
    void stoppingWithoutReleaseKeepsEveryMemberOfASyncGroupMaster() throws Exception {
        Inst a = add(new Key("eth0", false, 1), 100);
        Inst b = add(new Key("eth0", false, 2), 100);
        loop.addGroup(new org.keepvip.vrrp.state.SyncGroup("G", List.of(a.runtime().machine(), b.runtime().machine())));
        startLoop();
        advanceTo(clock.get() + TimeUnit.SECONDS.toNanos(4));
        assertThat(adverts.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS)).as("both take over").isTrue();

        loop.post(new LoopEvent.Stop(false)); // keepalived's -V
        loopThread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(loop.isStopped()).isTrue();
        loopThread = null;
        assertThat(a.sent()).as("no priority-0 advert: the VIPs stay").doesNotContain(0);
        assertThat(b.sent()).as("the group did not send b to BACKUP when a stopped").doesNotContain(0);
        assertThat(b.runtime().machine().state()).isEqualTo(VrrpState.STOP);
    }

    @Test
    void aReloadMovingAGroupMemberToAnotherVridStartsTheNewOneAndStopsTheOld() throws Exception {
        Inst a = add(new Key("eth0", false, 1), 100);
        Inst b = add(new Key("eth0", false, 2), 100);
        loop.addGroup(new org.keepvip.vrrp.state.SyncGroup("G", List.of(a.runtime().machine(), b.runtime().machine())));
        startLoop();
        Inst moved = build(new Key("eth0", false, 3), b.name(), 100);

        onLoop(() -> { // as Daemon.apply: the new one under the same name first, then the old one goes
            loop.startAdded(moved.runtime());
            loop.stopRemoved(b.runtime());
            loop.replaceGroups(List.of(new org.keepvip.vrrp.state.SyncGroup("G",
                    List.of(a.runtime().machine(), moved.runtime().machine()))));
            return null;
        });
        assertThat(moved.runtime().machine().state()).as("started").isEqualTo(VrrpState.BACKUP);
        assertThat(b.runtime().machine().state()).isEqualTo(VrrpState.STOP);

        advanceTo(clock.get() + TimeUnit.SECONDS.toNanos(4));
        assertThat(adverts.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS)).as("the group takes over").isTrue();
        assertThat(states(List.of(a, moved))).containsOnly(
                Map.entry(a.name(), VrrpState.MASTER), Map.entry(moved.name(), VrrpState.MASTER));
        assertThat(b.sent()).isEmpty();
    }

    @Test
    void aStepDownGoesThroughTheLoopAndItsDeadlineIsFollowed() throws Exception {
        Inst a = add(new Key("eth0", false, 1), 100);
        Inst b = add(new Key("eth1", true, 1), 100);
        startLoop();
        advanceTo(TimeUnit.SECONDS.toNanos(4));
        assertThat(adverts.tryAcquire(2, WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        onLoop(() -> {
            loop.stepDown(a.runtime());
            return null;
        });
        assertThat(adverts.tryAcquire(1, WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(a.sent()).as("a resigned with priority 0").containsExactly(100, 0);
        assertThat(states(List.of(a, b))).containsOnly(
                Map.entry(a.name(), VrrpState.BACKUP), Map.entry(b.name(), VrrpState.MASTER));

        onLoop(() -> {
            loop.stepDown(a.runtime()); // a BACKUP has nothing to resign
            return null;
        });
        long takeBack = onLoop(() -> a.runtime().machine().takeoverDeadline().orElseThrow());
        assertThat(a.sent()).hasSize(2);

        // With no master heard, a's new down timer runs out and it takes over again (b may advertise
        // in the same turn, so wait for a's own advert).
        a.own().drainPermits();
        advanceTo(takeBack);
        assertThat(a.own().tryAcquire(1, WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(states(List.of(a))).containsEntry(a.name(), VrrpState.MASTER);
        assertThat(a.sent()).containsExactly(100, 0, 100);
    }

    @Test
    void aVipDeletedFromOutsideMakesOnlyTheMasterHoldingItOnThatInterfaceResign() throws Exception {
        // 200 masters, each with its own VIP; the index that finds the holder must follow a reload.
        List<Inst> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Key key = new Key(i % 2 == 0 ? "eth0" : "eth1", false, i / 2 + 1);
            Inst inst = build(key, "vip-" + i, 100, ip("198.51.100." + (i + 1)));
            loop.add(inst.runtime());
            all.add(inst);
        }
        startLoop();
        advanceTo(TimeUnit.SECONDS.toNanos(4));
        assertThat(adverts.tryAcquire(all.size(), WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        Inst holder = all.get(41); // eth1, 198.51.100.42

        // The same address on the other interface, and an address no instance has: nobody resigns.
        loop.post(new LoopEvent.AddressRemoved("eth0", ip("198.51.100.42")));
        loop.post(new LoopEvent.AddressRemoved("eth1", ip("198.51.100.250")));
        assertThat(states(all).values()).containsOnly(VrrpState.MASTER);

        loop.post(new LoopEvent.AddressRemoved("eth1", ip("198.51.100.42")));
        Map<String, VrrpState> after = states(all);
        assertThat(after).containsEntry(holder.name(), VrrpState.BACKUP);
        after.remove(holder.name());
        assertThat(after.values()).as("the other masters").containsOnly(VrrpState.MASTER);
        assertThat(holder.sent()).as("it resigned with priority 0").containsExactly(100, 0);

        // A reload gives another master a new VIP: its deletion is found, the old one's no longer.
        Inst moved = all.get(10); // eth0, was 198.51.100.11
        VipSpec renumbered = new VipSpec(ip("198.51.100.222"), 24, "eth0", null, false);
        onLoop(() -> {
            loop.reconfigure(moved.runtime(), moved.runtime().wire(), ReceiveExpectations.of(3, moved.key().vrid(),
                    ADVERT_CENTIS, List.of(renumbered.address()), 100), List.of(renumbered), 1);
            return null;
        });
        loop.post(new LoopEvent.AddressRemoved("eth0", ip("198.51.100.11")));
        assertThat(states(List.of(moved))).containsEntry(moved.name(), VrrpState.MASTER);
        loop.post(new LoopEvent.AddressRemoved("eth0", ip("198.51.100.222")));
        assertThat(states(List.of(moved))).containsEntry(moved.name(), VrrpState.BACKUP);
    }

    @Test
    void trackedInterfacesReportTheirStateAtStartAndOnEveryChange() throws Exception {
        // keepalived's track_interface: weight 0 means FAULT while the interface is down (and must
        // not hold the instance in INIT waiting for a first result); a weight adjusts the priority.
        java.util.Set<String> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
        down.add("eth8");
        loop.setInitialLinkState(ifname -> !down.contains(ifname));
        Inst faulting = build(new Key("eth0", false, 1), "tracks-eth9", 100, VIP4,
                List.of(org.keepvip.vrrp.state.TrackerSpec.faultOnFailure("interface:eth9")));
        Inst weighted = build(new Key("eth1", false, 2), "tracks-eth8", 100, ip("198.51.100.2"),
                List.of(new org.keepvip.vrrp.state.TrackerSpec("interface:eth8", -20, false)));
        loop.add(faulting.runtime());
        loop.add(weighted.runtime());
        startLoop();

        assertThat(states(List.of(faulting, weighted))).containsOnly(
                Map.entry(faulting.name(), VrrpState.BACKUP), Map.entry(weighted.name(), VrrpState.BACKUP));
        assertThat(onLoop(() -> weighted.runtime().machine().effectivePriority())).as("eth8 down at start").isEqualTo(80);

        loop.post(new LoopEvent.LinkChanged("eth9", false));
        assertThat(states(List.of(faulting))).containsEntry(faulting.name(), VrrpState.FAULT);
        loop.post(new LoopEvent.LinkChanged("eth9", true));
        assertThat(states(List.of(faulting))).containsEntry(faulting.name(), VrrpState.BACKUP);

        loop.post(new LoopEvent.LinkChanged("eth8", true));
        assertThat(onLoop(() -> weighted.runtime().machine().effectivePriority())).isEqualTo(100);
        assertThat(states(List.of(faulting))).as("another interface's change").containsEntry(faulting.name(),
                VrrpState.BACKUP);
    }

    // ------------------------------------------------------------------ fixture

    private Inst add(Key key, int priority) {
        return add(key, key.ifname() + "-" + (key.v6() ? "v6" : "v4") + "-" + key.vrid(), priority);
    }

    private Inst add(Key key, String name, int priority) {
        Inst inst = build(key, name, priority);
        loop.add(inst.runtime());
        return inst;
    }

    private Inst build(Key key, String name, int priority) {
        return build(key, name, priority, key.v6() ? VIP6 : VIP4);
    }

    private Inst build(Key key, String name, int priority, InetAddress vip) {
        return build(key, name, priority, vip, List.of());
    }

    /** A v3 multicast instance on a lane of the shared threads, as the daemon builds one without Redis. */
    private Inst build(Key key, String name, int priority, InetAddress vip,
            List<org.keepvip.vrrp.state.TrackerSpec> trackers) {
        InetAddress self = key.v6() ? SELF6 : SELF4;
        List<Integer> sent = new CopyOnWriteArrayList<>();
        Semaphore own = new Semaphore(0);
        Ports.PacketOut packets = FakePorts.packets(advertised -> {
            sent.add(advertised);
            own.release();
            adverts.release();
        }, () -> { });
        Ports.Vips vips = FakePorts.vips();
        InstanceConfig config = InstanceConfig.builder(name, key.vrid(), self).version(3).priority(priority)
                .advertIntervalCentis(ADVERT_CENTIS).trackers(trackers).build();
        InstanceRuntime.Wire wire = new InstanceRuntime.Wire(key.ifname(), 3, key.vrid(), ADVERT_CENTIS, AuthType.NONE,
                null, List.of(vip), self, List.of(key.v6() ? GROUP6 : GROUP4), ChecksumMode.STANDARD, null, false);
        HookLane lane = lanes.laneFor(name, false);
        InstanceRuntime runtime = new InstanceRuntime(new VrrpInstance(config), wire,
                ReceiveExpectations.of(3, key.vrid(), ADVERT_CENTIS, List.of(vip), priority),
                List.of(new VipSpec(vip, key.v6() ? 64 : 24, key.ifname(), null, false)), packets, vips,
                Ports.Refusals.NONE, null, (i, s, p) -> { }, loop::post, lane);
        return new Inst(key, runtime, lane, sent, own);
    }

    private LoopEvent.PacketIn advertFromPeer(Key key, int priority) {
        InetAddress peer = key.v6() ? PEER6 : PEER4;
        InetAddress group = key.v6() ? GROUP6 : GROUP4;
        byte[] msg = VrrpCodec.encode(new VrrpAdvert(3, key.vrid(), priority, ADVERT_CENTIS, AuthType.NONE, new byte[0],
                List.of(key.v6() ? VIP6 : VIP4)), peer, group, ChecksumMode.STANDARD);
        return new LoopEvent.PacketIn(key.ifname(), PacketContext.of(peer, group, 255), msg, clock.get());
    }

    private void startLoop() throws Exception {
        loopThread = new Thread(loop, "vrrp-test");
        loopThread.setDaemon(true);
        loopThread.start();
        onLoop(() -> null); // the loop has started every instance
        adverts.drainPermits();
    }

    /** Moves the clock and wakes the loop, whose next turn fires what is due by then. */
    private void advanceTo(long at) throws Exception {
        clock.set(at);
        loop.post(new LoopEvent.OnLoop(() -> { }));
    }

    /** Runs {@code task} on the loop thread, behind every event posted before, and returns its result. */
    private <T> T onLoop(Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.post(new LoopEvent.OnLoop(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }));
        return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private Map<String, VrrpState> states(List<Inst> insts) throws Exception {
        return onLoop(() -> {
            Map<String, VrrpState> s = new HashMap<>();
            insts.forEach(i -> s.put(i.name(), i.runtime().machine().state()));
            return s;
        });
    }

    private static Map<String, Map<String, Long>> counters(List<Inst> insts) {
        Map<String, Map<String, Long>> all = new HashMap<>();
        insts.forEach(i -> all.put(i.name(), i.runtime().counters()));
        return all;
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
