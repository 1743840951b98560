package org.keepvip.agent.loop;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.mapping.InstanceMapping;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import java.util.function.Predicate;
import org.keepvip.agent.latency.LogHold;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.vrrp.packet.ReceiveChecker;
import org.keepvip.vrrp.packet.ReceiveExpectations;
import org.keepvip.vrrp.packet.ReceiveResult;
import org.keepvip.vrrp.packet.ReceiveWarning;
import org.keepvip.vrrp.packet.Rejected;
import org.keepvip.vrrp.state.Event;
import org.keepvip.vrrp.state.InstanceConfig;
import org.keepvip.vrrp.state.SyncGroup;
import org.keepvip.vrrp.state.TrackerSpec;
import org.keepvip.vrrp.state.VrrpState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that owns every instance (ARCHITECTURE.md, "The path of an advert"). It sleeps until
 * the earliest deadline or an incoming {@link LoopEvent}, feeds the instances, and executes the
 * actions they return. Nothing slow runs here: hooks go to each instance's lane.
 */
public final class EventLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /** Bounds one turn of the loop, so a flood of packets cannot starve the timers. */
    static final int MAX_EVENTS_PER_TURN = 256;

    /**
     * How long before a takeover deadline the loop stops parking and polls instead. A parked thread
     * usually wakes ~0.2 ms late on a 2-vCPU VM but now and then 1–1.5 ms late (traced on the bench);
     * 2 ms of polling per takeover covers that for a negligible cost.
     */
    static final long TAKEOVER_SPIN_NANOS = 2_000_000;

    /**
     * A takeover due this soon after the previous one is parked for, not polled for. When a master
     * with many instances dies, their takeovers come tens of microseconds apart for as long as the
     * master's adverts were spread (up to an advert interval), and polling between them kept one CPU
     * busy for all that time, the CPU the hook lanes needed for the VIP adds those takeovers queued
     * (a 1,000-instance failover on 2 CPUs). A park's lateness, ~0.2 ms, is small beside that queue.
     */
    static final long TAKEOVER_BURST_NANOS = 10_000_000;

    /** When the loop last fired a takeover (a down timer ran out); see {@link #TAKEOVER_BURST_NANOS}. */
    private long lastTakeoverAt = Long.MIN_VALUE / 2;

    private final BlockingQueue<LoopEvent> inbox = new LinkedBlockingQueue<>();
    private long startedAt;
    private final Map<String, InstanceRuntime> instances = new LinkedHashMap<>();
    private final DeadlineQueue<InstanceRuntime> deadlines = new DeadlineQueue<>();
    /** Who receives an advert: keepalived matches on interface, family and VRID. */
    private final Map<AdvertKey, InstanceRuntime> byAdvertKey = new HashMap<>();
    /** Which instances watch a tracker; rebuilt when the set of instances or their configs change. */
    private Map<String, List<InstanceRuntime>> byTracker;
    /** VIP address → the instances configured with it; built when needed, dropped when VIPs change. */
    private Map<InetAddress, List<InstanceRuntime>> byVip;
    private final Map<String, SyncGroup> groupOf = new LinkedHashMap<>();
    private final Map<String, Set<String>> loggedDrops = new LinkedHashMap<>();
    private final Map<String, Long> interfaceDrops = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private Predicate<String> linkUp = ifname -> true;
    private volatile boolean running = true;
    /** Whether the deadline {@link #untilNextDeadline()} last found is an instance's takeover. */
    private boolean nextIsTakeover;
    private volatile boolean stopped;
    /** Whether an instance's takeover yielded the CPU in this turn (see InstanceRuntime.executePending). */
    private boolean yieldedThisTurn;
    /** The capture sockets this thread reads itself; null: received adverts come through the inbox only. */
    private LoopReadSockets sockets;
    /** Whether this thread waits in {@link LoopReadSockets}, so that a post must wake it. */
    private volatile boolean waitingOnSockets;

    public EventLoop(LongSupplier clock) {
        this.clock = clock;
    }

    public EventLoop() {
        this(System::nanoTime);
    }

    /** Told the interface of each instance that changed state (on the loop thread; must be quick). */
    private volatile Consumer<String> stateChangedOn = ifname -> { };

    /**
     * Sets what to tell when an instance on an interface changes state: the daemon lets that
     * interface's frame drops be logged once more, as keepalived re-arms its rate-limited logs.
     */
    public void onStateChange(Consumer<String> listener) {
        this.stateChangedOn = listener;
    }

    /** How {@link #run()} learns each interface's state at start. */
    public void setInitialLinkState(Predicate<String> up) {
        this.linkUp = up;
    }

    /** Registers an instance before {@link #run()}. */
    public void add(InstanceRuntime runtime) {
        instances.put(runtime.name(), runtime);
        if (publishing) {
            published = List.copyOf(instances.values());
        }
        byAdvertKey.putIfAbsent(AdvertKey.of(runtime), runtime);
        byTracker = null;
        byVip = null;
    }

    /** Starts an instance added while running (reload); call on the loop thread. */
    public void startAdded(InstanceRuntime runtime) {
        add(runtime);
        // Alone: a group that still lists this name holds the machine this one replaces; the
        // reload's replaceGroups puts the new machine in its group.
        deliverAlone(runtime, new Event.Start(clock.getAsLong(), linkUp.test(runtime.wire().ifname())));
        reportTrackedInterfaces(runtime, clock.getAsLong(), linkUp::test);
    }

    /** Feeds a reloaded configuration to a kept instance; call on the loop thread. */
    public void reloadInstance(InstanceRuntime runtime, InstanceConfig config) {
        byTracker = null;
        deliver(runtime, new Event.Reload(clock.getAsLong(), config));
        reportTrackedInterfaces(runtime, clock.getAsLong(), linkUp::test); // a tracker the reload added
    }

    /**
     * Stops and forgets an instance dropped by a reload; call on the loop thread. A reload that moves
     * an instance to another VRID, interface or family starts the new one under the same name first:
     * what is kept by name then belongs to the new one and stays.
     */
    public void stopRemoved(InstanceRuntime runtime) {
        // Not through its sync group: a member that stops is not one that left MASTER, and its
        // group must not send the others to BACKUP (the reload rebuilds the groups afterwards).
        deliverAlone(runtime, new Event.Shutdown(clock.getAsLong()));
        if (instances.get(runtime.name()) == runtime) {
            instances.remove(runtime.name());
            published = List.copyOf(instances.values());
            loggedDrops.remove(runtime.name());
            groupOf.remove(runtime.name());
        }
        deadlines.remove(runtime);
        byAdvertKey.clear();
        instances.values().forEach(r -> byAdvertKey.putIfAbsent(AdvertKey.of(r), r));
        byTracker = null;
        byVip = null;
        runtime.retire();
    }

    /**
     * Makes an instance's MASTER resign (a switchover), through its sync group like any other event;
     * call on the loop thread.
     */
    public void stepDown(InstanceRuntime runtime) {
        if (runtime.machine().state() == VrrpState.MASTER) {
            deliver(runtime, new Event.StepDown(clock.getAsLong()));
        }
    }

    /** Registers a sync group whose members were added with {@link #add}. */
    public void addGroup(SyncGroup group) {
        group.members().forEach(m -> groupOf.put(m.name(), group));
    }

    /**
     * After a reload (on the loop thread): the sync groups, built over the running instances, replace
     * the old ones, whose members may have been removed or replaced. An instance left in no group
     * decides alone again.
     */
    public void replaceGroups(List<SyncGroup> groups) {
        groupOf.clear();
        groups.forEach(this::addGroup);
        long now = clock.getAsLong();
        for (InstanceRuntime r : instances.values()) {
            if (!groupOf.containsKey(r.name())) {
                r.machine().leaveSyncGroup(now);
                settle(r);
            }
        }
        // A group with other members than before applies its rules at once: a fault it now has
        // (or no longer has), members that all want MASTER.
        for (SyncGroup g : groups) {
            g.reconcile(now);
            for (var member : g.members()) {
                InstanceRuntime m = instances.get(member.name());
                if (m != null && m.machine() == member) {
                    settle(m);
                }
            }
        }
    }

    public Map<String, InstanceRuntime> instances() {
        return instances;
    }

    /**
     * The running instances, for readers on other threads (a metrics scrape): replaced when the set
     * changes once the loop runs (before, {@link #run()} publishes them all at once, not one copy per
     * {@link #add} for a thousand instances).
     */
    private volatile List<InstanceRuntime> published = List.of();
    private boolean publishing;

    /** The running instances as of their last change, safe to read from any thread. */
    public List<InstanceRuntime> instancesForReaders() {
        return published;
    }

    /** Posts an event from any thread. */
    public void post(LoopEvent event) {
        if (event instanceof LoopEvent.PacketIn p) {
            postPacket(p);
        } else {
            inbox.add(event);
            wakeIfWaitingOnSockets();
        }
    }

    /**
     * Reads {@code polled} on the loop's own thread (see {@link LoopReadSockets}) instead of taking
     * their frames from reader threads. Before {@link #run()}; the ports hand frames to their
     * receivers as before, which post them here.
     */
    public void readSockets(List<PacketPort.Polled> polled) throws IOException {
        if (!polled.isEmpty()) {
            sockets = LoopReadSockets.open(polled);
        }
    }

    /**
     * An interface was made again: the loop reads its new capture {@code socket} instead of the old
     * one. Any thread, without waiting: the returned future completes on the loop once it reads the
     * new socket and no longer the old, which the caller may close from then on (not before: the loop
     * could still poll its descriptor).
     */
    public CompletableFuture<Void> replaceSocket(PacketPort.Polled socket) {
        if (sockets == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> taken = new CompletableFuture<>();
        post(new LoopEvent.OnLoop(() -> {
            sockets.replace(socket);
            taken.complete(null);
        }));
        return taken;
    }

    private void wakeIfWaitingOnSockets() {
        // After the add: either the loop sees the event before it waits, or this sees it waiting.
        if (waitingOnSockets) {
            sockets.wake();
        }
    }

    /**
     * Most received adverts that may wait for the loop: some 0.4 s of a thousand instances' adverts.
     * Beyond it the loop has fallen that far behind, and an unbounded queue would only add memory and
     * delay to every advert after; a dropped advert is counted and, like a lost one, at worst lets a
     * down timer run out.
     */
    static final int MAX_QUEUED_PACKETS = 8192;

    private final AtomicInteger queuedPackets = new AtomicInteger();

    /**
     * Whether received adverts are queued: from the moment {@link #run()} starts the instances. The
     * packet ports open, and hear adverts, while the daemon is still warming up; those adverts only
     * say the master was alive before we started, which the start's down timers assume anyway, and
     * with a thousand instances they filled the queue, so the adverts that mattered, those arriving
     * while the instances started, were the ones dropped and backups took over a live master.
     */
    private volatile boolean accepting;

    /** Starts queuing received adverts; {@link #run()} calls it (and a test that queues before running). */
    void acceptPackets() {
        accepting = true;
    }

    /** Posts a received advert from a reader thread; false (counted, dropped) when too many wait. */
    public boolean postPacket(LoopEvent.PacketIn packet) {
        if (!accepting) {
            return false; // see accepting
        }
        if (queuedPackets.incrementAndGet() > MAX_QUEUED_PACKETS) {
            queuedPackets.decrementAndGet();
            if (interfaceDrops.merge(packet.ifname() + ":loop_overrun", 1L, Long::sum) == 1) {
                LOG.warn("{}: the VRRP loop is {} adverts behind; dropping received adverts until it catches up"
                        + " (counted as loop_overrun)", packet.ifname(), MAX_QUEUED_PACKETS);
            }
            return false;
        }
        inbox.add(packet);
        wakeIfWaitingOnSockets();
        return true;
    }

    public boolean isStopped() {
        return stopped;
    }

    /** Packets dropped before reaching an instance (unknown VRID, undecodable), per interface. */
    public Map<String, Long> interfaceDrops() {
        return Map.copyOf(interfaceDrops);
    }

    @Override
    public void run() {
        long now = clock.getAsLong();
        startedAt = now;
        if (sockets != null) {
            sockets.drainAll(); // what came before the start is dropped, as postPacket drops it (see accepting)
        }
        acceptPackets();
        publishing = true;
        published = List.copyOf(instances.values());
        Map<String, Boolean> up = new HashMap<>(); // one netlink lookup per interface, not per instance
        for (InstanceRuntime r : instances.values()) {
            deliver(r, new Event.Start(now, up.computeIfAbsent(r.wire().ifname(), linkUp::test)));
            reportTrackedInterfaces(r, now, ifname -> up.computeIfAbsent(ifname, linkUp::test));
        }
        while (running) {
            try {
                yieldedThisTurn = false;
                long wait = untilNextDeadline();
                if (wait <= 0 && sockets != null) {
                    sockets.readIfStale(clock.getAsLong()); // due timers: no wait, so no read either
                }
                LoopEvent ev = wait <= 0 ? inbox.poll() : awaitEvent(wait);
                // A turn handles a bounded batch, so that a flood cannot hold back a master's adverts;
                // a takeover waits for the adverts queued behind the batch (see fireDueTimers).
                for (int n = 0; ev != null && running && n < MAX_EVENTS_PER_TURN; n++) {
                    handle(ev);
                    ev = inbox.poll();
                }
                if (ev != null) {
                    handle(ev);
                }
                fireDueTimers();
                LogHold.expireOverdue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException | IOException e) {
                // Never let one bad event end the loop that keeps the VIP.
                LOG.error("internal error in event loop (continuing): {}", e.toString(), e);
            }
        }
        if (sockets != null) {
            sockets.close();
        }
        stopped = true;
    }

    private long untilNextDeadline() {
        InstanceRuntime first = deadlines.first();
        if (first == null) {
            nextIsTakeover = false;
            return TimeUnit.SECONDS.toNanos(1);
        }
        long earliest = deadlines.firstAt();
        OptionalLong takeover = first.machine().takeoverDeadline();
        nextIsTakeover = takeover.isPresent() && takeover.getAsLong() == earliest;
        return Math.max(0, earliest - clock.getAsLong());
    }

    /**
     * Waits up to {@code wait} ns for an event. Before a takeover the thread parks only until
     * {@link #TAKEOVER_SPIN_NANOS} ahead of it and then polls: a parked thread wakes ~0.2 ms late on
     * a VM, and the takeover is the one deadline where that delay is downtime. A backup's down timer
     * is pushed back by every advert, so this happens only when the master has gone silent.
     */
    private LoopEvent awaitEvent(long wait) throws InterruptedException, IOException {
        long now = clock.getAsLong();
        if (!pollsBeforeTakeover(nextIsTakeover, now, lastTakeoverAt)) {
            return waitFor(wait);
        }
        long target = now + wait;
        long realLimit = System.nanoTime() + wait; // an injected clock that stands still cannot spin forever
        long park = wait - TAKEOVER_SPIN_NANOS;
        if (park > 0) {
            // A wait on the sockets may end early with nothing for the loop (a frame the parser
            // dropped, a spurious wake): wait again for the rest of the park rather than spin.
            long parkEnd = now + park;
            long realParkEnd = System.nanoTime() + park;
            for (long left = park; left > 0; left = Math.min(parkEnd - clock.getAsLong(), realParkEnd - System.nanoTime())) {
                LoopEvent ev = waitFor(left);
                if (ev != null) {
                    return ev;
                }
            }
        }
        return spinUntil(inbox, target, realLimit, sockets);
    }

    /** Waits up to {@code nanos} for an event: on the inbox, or on the sockets and the wake-up. */
    private LoopEvent waitFor(long nanos) throws InterruptedException, IOException {
        if (sockets == null) {
            return inbox.poll(nanos, TimeUnit.NANOSECONDS);
        }
        LoopEvent ev = inbox.poll();
        if (ev != null) {
            return ev;
        }
        waitingOnSockets = true;
        try {
            ev = inbox.poll(); // posted before the flag was seen
            if (ev != null) {
                return ev;
            }
            sockets.await(nanos);
        } finally {
            waitingOnSockets = false; // before the reads: the frames they post must not wake this thread
        }
        sockets.readReady(clock.getAsLong());
        return inbox.poll();
    }

    /**
     * Whether the loop polls rather than parks ahead of its next deadline: only when that deadline is
     * a takeover and no other takeover fired in the last {@link #TAKEOVER_BURST_NANOS}.
     */
    static boolean pollsBeforeTakeover(boolean nextIsTakeover, long now, long lastTakeoverAt) {
        return nextIsTakeover && now - lastTakeoverAt >= TAKEOVER_BURST_NANOS;
    }

    /**
     * Polls {@code queue} (and reads {@code read}, unless null) until an event arrives, {@code clock}
     * reaches {@code target} or the real limit passes.
     */
    private LoopEvent spinUntil(BlockingQueue<LoopEvent> queue, long target, long realLimit, LoopReadSockets read)
            throws IOException {
        while (true) {
            if (read != null) {
                read.readNow(clock.getAsLong());
            }
            LoopEvent ev = queue.poll();
            if (ev != null || clock.getAsLong() >= target || System.nanoTime() >= realLimit) {
                return ev;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Start-up only, before {@link #run()}: runs the pre-takeover spin {@code rounds} times with its
     * target already passed. The spin runs only when a master has gone silent, so it would otherwise
     * be compiled during the first takeovers, by a compiler thread competing with the takeover.
     */
    public void warmUpSpin(int rounds) {
        BlockingQueue<LoopEvent> empty = new LinkedBlockingQueue<>(); // the inbox's events are the loop's
        for (int i = 0; i < rounds; i++) {
            try {
                spinUntil(empty, Long.MIN_VALUE, Long.MIN_VALUE, null);
            } catch (IOException e) {
                throw new IllegalStateException(e); // nothing is read here
            }
        }
    }

    /**
     * Told, once a turn, how late the latest of the timers that fired was (ns): max_auto_priority's
     * input ({@link org.keepvip.agent.sched.VrrpThreads#timerLate}).
     */
    private LongConsumer lateTimers = late -> { };

    public void onLateTimers(LongConsumer lateTimers) {
        this.lateTimers = lateTimers;
    }

    private void fireDueTimers() {
        long now = clock.getAsLong();
        boolean socketsRead = false;
        long latest = 0;
        for (InstanceRuntime r : deadlines.pollDue(now)) {
            // A sync group member's deadline may have moved while another member was handled.
            if (instances.get(r.name()) != r) {
                deadlines.remove(r); // removed by a reload: its timers are gone with it
                continue;
            }
            OptionalLong d = r.machine().nextDeadline();
            boolean takeover = d.isPresent() && isTakeover(r, d.getAsLong());
            if (sockets != null && !socketsRead && takeover) {
                // An advert still in a socket may have arrived before the deadline: into the inbox with it.
                socketsRead = true;
                try {
                    sockets.readNow(now);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot read the capture sockets before a takeover: {}", e.toString());
                }
            }
            try {
                if (d.isPresent() && d.getAsLong() <= now && !(takeover && advertsMayBeQueued(d.getAsLong()))) {
                    if (takeover) {
                        lastTakeoverAt = now;
                        r.metrics().takeoverDue(d.getAsLong());
                    }
                    latest = Math.max(latest, now - d.getAsLong());
                    deliver(r, new Event.TimerDue(now));
                } else {
                    reschedule(r);
                }
            } catch (RuntimeException e) {
                // pollDue took every due instance out of the queue: one failure must not leave the
                // rest without a deadline (a backup that never takes over).
                LOG.error("({}) internal error on its timer (continuing): {}", r.name(), e.toString(), e);
                reschedule(r);
            }
        }
        if (latest > 0) {
            lateTimers.accept(latest);
        }
    }

    /**
     * Whether a takeover due at {@code due} must first let the loop handle what is queued: after a
     * stall (a reload, a GC, a busy CPU) thousands of adverts may wait, and one that arrived before
     * the deadline restarts the down timer, so the timer must not win the race against it (at 1,000
     * instances backups flapped to MASTER this way). Only events that may have arrived before the
     * deadline hold it back: the head of the queue is its oldest, and a flood of newer packets, which
     * could not have kept the master alive in time, does not delay the takeover.
     */
    private boolean advertsMayBeQueued(long due) {
        LoopEvent head = inbox.peek();
        return head != null && (!(head instanceof LoopEvent.PacketIn p) || p.receivedAt() <= due);
    }

    /** Whether {@code r}'s deadline at {@code due} is its takeover (its down timer). */
    private static boolean isTakeover(InstanceRuntime r, long due) {
        OptionalLong takeover = r.machine().takeoverDeadline();
        return takeover.isPresent() && takeover.getAsLong() == due;
    }

    private void handle(LoopEvent ev) {
        long now = clock.getAsLong();
        if (ev instanceof LoopEvent.PacketIn p) {
            queuedPackets.decrementAndGet();
            // The down timer restarts from the frame's arrival, but never from before the loop ran:
            // frames queued while the daemon was starting are as fresh as the start itself.
            packetIn(Math.max(startedAt, Math.min(now, p.receivedAt())), p);
        } else if (ev instanceof LoopEvent.TrackerChanged t) {
            for (InstanceRuntime r : watching(t.trackerId())) {
                deliver(r, new Event.TrackerResult(now, t.trackerId(), t.ok()));
                r.metrics().trackersChanged(r.machine());
            }
        } else if (ev instanceof LoopEvent.TrackerValue t) {
            for (InstanceRuntime r : watching(t.trackerId())) {
                deliver(r, new Event.TrackerValue(now, t.trackerId(), t.value()));
            }
        } else if (ev instanceof LoopEvent.LinkChanged l) {
            for (InstanceRuntime r : instances.values()) {
                if (r.wire().ifname().equals(l.ifname())) {
                    deliver(r, new Event.InterfaceChanged(now, l.up()));
                }
            }
            String trackerId = INTERFACE_TRACKER + l.ifname();
            for (InstanceRuntime r : watching(trackerId)) {
                deliver(r, new Event.TrackerResult(now, trackerId, l.up()));
            }
        } else if (ev instanceof LoopEvent.AddressRemoved a) {
            // Through the index: a node that loses its links sees one event per VIP it held, and a
            // scan of every instance per event made a thousand-VIP release cost a quadratic ~100 ms.
            for (InstanceRuntime r : holdersOf(a.address())) {
                if (r.machine().vipsSet() && configuredAndTracked(r, a)) {
                    LOG.info("({}) VIP {} deleted from outside", r.name(), a.address().getHostAddress());
                    deliver(r, new Event.VipDeletedExternally(now));
                }
            }
        } else if (ev instanceof LoopEvent.RoutingRemoved rr) {
            // Route deletions are rare (our own removals arrive after the instance left MASTER).
            for (InstanceRuntime r : instances.values()) {
                String what = r.machine().vipsSet() ? r.deletedRouting(rr.event(), rr.oifName()) : null;
                if (what != null) {
                    deliver(r, new Event.RoutingDeletedExternally(now, what));
                }
            }
        } else if (ev instanceof LoopEvent.PromotionFinished f) {
            InstanceRuntime r = instances.get(f.instance());
            if (r != null) {
                deliver(r, new Event.PromotionDone(now, f.attempt(), f.ok(), f.reason()));
            }
        } else if (ev instanceof LoopEvent.OnLoop o) {
            // A task feeds instances only through deliver (stepDown, the reload methods), which
            // reschedules them; a status request reads, so it costs nothing per instance here.
            o.task().run();
        } else if (ev instanceof LoopEvent.Stop stop) {
            if (!stop.release()) {
                LOG.info("Stopping without releasing the VIPs (--dont-release-vrrp)");
            }
            for (InstanceRuntime r : instances.values()) {
                // Alone, not through a sync group: a member stopping would otherwise count as one
                // leaving MASTER and send the others to BACKUP, releasing their VIPs under -V too.
                deliverAlone(r, new Event.Shutdown(now, stop.release()));
            }
            running = false;
        }
    }

    private void packetIn(long now, LoopEvent.PacketIn p) {
        byte[] msg = p.message();
        int vrid = msg.length >= 2 ? msg[1] & 0xff : -1;
        InstanceRuntime target = byAdvertKey.get(
                new AdvertKey(p.ifname(), p.context().source() instanceof Inet6Address, vrid));
        if (target == null) {
            interfaceDrops.merge(p.ifname() + ":unknown_vrid", 1L, Long::sum);
            return;
        }
        InstanceRuntime.Wire wire = target.wire();
        LocalDelivery.Refusal refusal = LocalDelivery.refusal(p.context().source(), p.context().destination(),
                wire.source(), wire.destinations(), target.machine().vipsSet() ? target.vipAddresses() : List.of());
        if (refusal != null) {
            target.count("drop_" + refusal.counter());
            if (loggedDrops.computeIfAbsent(target.name(), k -> new HashSet<>()).add(refusal.name())) {
                LOG.warn("({}) dropped an advert from {} to {}: {}; further ones are only counted", target.name(),
                        p.context().source().getHostAddress(), p.context().destination().getHostAddress(),
                        refusal.text());
            }
            return;
        }
        ReceiveResult result = ReceiveChecker.check(msg, p.context(), target.expectations());
        if (result instanceof Rejected rej) {
            target.count("drop_" + rej.reason().name().toLowerCase(Locale.ROOT));
            rej.reason().statsCounter().ifPresent(target::count);
            Set<String> logged = loggedDrops.computeIfAbsent(target.name(), k -> new HashSet<>());
            if (logged.add(rej.reason().name())) {
                LOG.warn("({}) {}", target.name(), rej.logMessage());
            }
            return;
        }
        ReceiveResult.Accepted ok = (ReceiveResult.Accepted) result;
        target.countAdvertReceived(ok.advert().priority(), now);
        if (!ok.warnings().isEmpty()) {
            Set<String> logged = loggedDrops.computeIfAbsent(target.name(), k -> new HashSet<>());
            for (ReceiveWarning w : ok.warnings()) {
                if (logged.add(w.getClass().getSimpleName())) {
                    LOG.warn("({}) {}", target.name(), w.logMessage());
                }
            }
        }
        target.learnChecksum(ok);
        fireOverdueMasterTimer(target);
        deliver(target, new Event.AdvertReceived(now, ok.advert(), p.context().source()));
    }

    /**
     * An advert is handled at its capture time, which after a stall (SIGSTOP, a frozen VM) lies in the
     * stall. A MASTER whose own advert is overdue by the loop's clock gets that timer first: the
     * machine then sees the stall as it is (and yields, if a backup must have taken over) instead of
     * answering the backup's advert with one of its own from before the stall.
     */
    private void fireOverdueMasterTimer(InstanceRuntime r) {
        if (r.machine().state() != VrrpState.MASTER) {
            return;
        }
        long now = clock.getAsLong();
        OptionalLong due = r.machine().nextDeadline();
        if (due.isPresent() && due.getAsLong() < now) {
            deliver(r, new Event.TimerDue(now));
        }
    }

    /** Feeds one event to an instance (through its sync group if it has one) and executes the actions. */
    private void deliver(InstanceRuntime r, Event event) {
        SyncGroup group = groupOf.get(r.name());
        if (group == null) {
            r.machine().handle(event);
            settle(r);
        } else {
            group.handle(r.name(), event);
            for (var member : group.members()) {
                InstanceRuntime m = instances.get(member.name());
                if (m != null && m.machine() == member) { // a member a reload is removing: settled by it
                    settle(m);
                }
            }
        }
    }

    /** Feeds one event to an instance itself, whatever its sync group (start, stop). */
    private void deliverAlone(InstanceRuntime r, Event event) {
        r.machine().handle(event);
        settle(r);
    }

    private void settle(InstanceRuntime r) {
        yieldedThisTurn |= r.executePending(!yieldedThisTurn);
        reschedule(r);
        r.publish();
        if (r.stateChangedSinceLastSettle()) {
            // keepalived re-arms its rate-limited drop logs on every state change.
            Set<String> logged = loggedDrops.get(r.name());
            if (logged != null) {
                logged.clear();
            }
            stateChangedOn.accept(r.wire().ifname());
        }
    }

    private void reschedule(InstanceRuntime r) {
        deadlines.update(r, r.machine().nextDeadline());
    }

    /**
     * Applies a reload's wire, receive expectations and VIPs to a kept instance; call on the loop
     * thread.
     */
    public void reconfigure(InstanceRuntime r, InstanceRuntime.Wire wire, ReceiveExpectations expectations, List<VipSpec> vips,
            int garpRepeat) {
        r.reconfigure(wire, expectations, vips, garpRepeat);
        byVip = null;
    }

    /** The instances configured with a VIP at {@code address}, on whatever interface. */
    private List<InstanceRuntime> holdersOf(InetAddress address) {
        if (byVip == null) {
            Map<InetAddress, List<InstanceRuntime>> index = new HashMap<>();
            for (InstanceRuntime r : instances.values()) {
                for (VipSpec v : r.vips()) {
                    List<InstanceRuntime> holders = index.computeIfAbsent(v.address(), k -> new ArrayList<>(1));
                    if (!holders.contains(r)) {
                        holders.add(r);
                    }
                }
            }
            byVip = index;
        }
        return byVip.getOrDefault(address, List.of());
    }

    private static boolean configuredAndTracked(InstanceRuntime r, LoopEvent.AddressRemoved a) {
        for (VipSpec v : r.vips()) {
            if (!v.noTrack() && v.ifname().equals(a.ifname()) && v.address().equals(a.address())) {
                return true;
            }
        }
        return false;
    }

    /** The tracker id of a {@code track_interface} entry, followed by the interface's name. */
    static final String INTERFACE_TRACKER = InstanceMapping.INTERFACE;

    /**
     * Gives each {@code track_interface} of {@code r} the state of its interface (up and running),
     * as keepalived does at start: a weight-0 one would otherwise hold the instance in INIT.
     */
    private void reportTrackedInterfaces(InstanceRuntime r, long now, Predicate<String> up) {
        for (TrackerSpec t : r.machine().config().trackers()) {
            if (t.id().startsWith(INTERFACE_TRACKER)) {
                deliver(r, new Event.TrackerResult(now, t.id(), up.test(t.id().substring(INTERFACE_TRACKER.length()))));
            }
        }
    }

    /** The instances that watch {@code trackerId}. */
    private List<InstanceRuntime> watching(String trackerId) {
        if (byTracker == null) {
            Map<String, List<InstanceRuntime>> index = new HashMap<>();
            for (InstanceRuntime r : instances.values()) {
                r.machine().config().trackers().forEach(
                        t -> index.computeIfAbsent(t.id(), k -> new ArrayList<>()).add(r));
            }
            byTracker = index;
        }
        return byTracker.getOrDefault(trackerId, List.of());
    }

    /**
     * What an advert is matched on: interface, address family, VRID. equals and hashCode are written
     * out: a record's generated ones go through method handles, which C1 does not inline, and this
     * key is looked up for every received advert.
     */
    private record AdvertKey(String ifname, boolean v6, int vrid) {
        static AdvertKey of(InstanceRuntime r) {
            return new AdvertKey(r.wire().ifname(), r.wire().source() instanceof Inet6Address, r.wire().vrid());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AdvertKey k && vrid == k.vrid && v6 == k.v6 && ifname.equals(k.ifname);
        }

        @Override
        public int hashCode() {
            return (ifname.hashCode() * 31 + (v6 ? 1 : 0)) * 256 + vrid;
        }
    }

    /** Addresses of every VIP we hold, for cleanup at start and at stop. */
    public List<VipSpec> allVips() {
        List<VipSpec> all = new ArrayList<>();
        instances.values().forEach(r -> all.addAll(r.vips()));
        return all;
    }
}
