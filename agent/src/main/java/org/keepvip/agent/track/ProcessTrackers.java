package org.keepvip.agent.track;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.netlink.Errno;
import org.keepvip.netlink.NetlinkException;
import org.keepvip.netlink.ProcConnector;
import org.keepvip.netlink.ProcEvent;
import org.keepvip.vrrp.config.TrackProcess;
import org.keepvip.vrrp.mapping.InstanceMapping;
import org.keepvip.vrrp.state.ProcessQuorum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code vrrp_track_process} trackers. Each counts the processes that match it; whether the
 * count is within its quorum reaches the event loop as {@code process:NAME}, after keepalived's
 * fork and terminate delays ({@link ProcessQuorum}).
 *
 * <p>A start-up scan of /proc finds what runs; then, as keepalived does, the kernel's process
 * events (the netlink process connector: fork, exec, comm, exit) keep the count without polling,
 * so a tracked server that dies is counted out within a millisecond or so. Where the connector
 * cannot be had (a kernel without CONFIG_PROC_EVENTS, a network namespace cut off from the initial
 * one), exits of counted processes are still seen at once through a pidfd each, and /proc is
 * scanned every {@link #SCAN_MILLIS} ms for new ones; a log line says which way it runs. One
 * thread ({@code track-process}) owns all the state.
 */
public final class ProcessTrackers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    /** How often /proc is scanned for new processes when the connector is unavailable. */
    static final int SCAN_MILLIS = 250;
    /** How often the reader checks for close while nothing happens. */
    private static final int POLL_MILLIS = 200;
    /**
     * How long the kernel may take to confirm the subscription: a connector without process events
     * (CONFIG_PROC_EVENTS off) accepts it and then says nothing (keepalived's proc_events_ack_timer).
     */
    private static final long ACK_NANOS = 1_000_000_000L;

    /** One tracker and the processes it counts. */
    private static final class Tracker {
        final TrackProcess config;
        final Set<Integer> pids = new HashSet<>();
        ProcessQuorum quorum;

        Tracker(TrackProcess config) {
            this.config = config;
        }
    }

    /** For status: how many processes a tracker counts and whether it has its quorum. */
    public record Status(int count, boolean quorum) {}

    private final List<Tracker> trackers = new ArrayList<>();
    private final Consumer<LoopEvent> loop;
    private final boolean needCmdline;
    private final boolean processEvents;
    private final Map<String, Status> status = new ConcurrentHashMap<>();
    /** Fallback only: a pidfd per counted process. */
    private final Map<Integer, Integer> pidfds = new LinkedHashMap<>();
    private ProcConnector connector;
    private int bufferBytes;
    private boolean bufferForce;
    private boolean acked;
    private Thread reader;
    private volatile boolean running;

    /** {@code processes}: the vrrp_track_process blocks something tracks. */
    public ProcessTrackers(List<TrackProcess> processes, Consumer<LoopEvent> loop) {
        this(processes, loop, true);
    }

    /**
     * With {@code process_monitor_rcv_bufs[_force]} (0: keepvip's own 1 MiB): the receive buffer of
     * the process connector, which a burst of exits (a host stopping thousands of processes at once)
     * must not overflow.
     */
    public ProcessTrackers(List<TrackProcess> processes, Consumer<LoopEvent> loop, int bufferBytes,
                           boolean bufferForce) {
        this(processes, loop, true);
        this.bufferBytes = bufferBytes;
        this.bufferForce = bufferForce;
    }

    /** {@code processEvents} false: the pidfd and /proc fallback even where the connector works (tests). */
    ProcessTrackers(List<TrackProcess> processes, Consumer<LoopEvent> loop, boolean processEvents) {
        processes.forEach(p -> trackers.add(new Tracker(p)));
        this.loop = loop;
        this.needCmdline = processes.stream().anyMatch(TrackProcess::fullCommand);
        this.processEvents = processEvents;
    }

    /** Subscribes to process events (or falls back), scans /proc, reports every tracker, starts watching. */
    public void start() {
        if (trackers.isEmpty()) {
            return;
        }
        try {
            if (!processEvents) {
                throw new NetlinkException("process events not asked for", Errno.EOPNOTSUPP);
            }
            connector = ProcConnector.open(bufferBytes, bufferForce);
            if (!connector.receiveBufferSet()) {
                // keepalived/core/track_process.c: set_rcv_buf()
                LOG.info("Cannot set process monitor SO_RCVBUF{} option", bufferForce ? "FORCE" : "");
            }
            LOG.info("Process tracking: kernel process events (netlink connector{})",
                    connector.initialNamespace() ? ", opened in PID 1's network namespace" : "");
        } catch (NetlinkException e) {
            LOG.warn("Process tracking: kernel process events unavailable ({}{}) - watching exits through pidfd"
                    + " and scanning /proc every {} ms for new processes", e.getMessage(),
                    e.errno() == Errno.EPROTONOSUPPORT ? ", is CONFIG_PROC_EVENTS enabled in the kernel?"
                            : e.errno() == Errno.ECONNREFUSED ? ": only the initial network namespace gets them, and"
                            + " PID 1's cannot be entered from here" : "",
                    SCAN_MILLIS);
        }
        List<ProcTable.Info> all = ProcTable.scan(needCmdline);
        for (Tracker t : trackers) {
            for (ProcTable.Info i : all) {
                if (matches(t, i)) {
                    t.pids.add(i.pid());
                    watchExit(i.pid());
                }
            }
            TrackProcess c = t.config;
            t.quorum = new ProcessQuorum(c.quorum(), c.quorumMax(), c.forkDelay().toNanos(),
                    c.terminateDelay().toNanos(), t.pids.size());
            LOG.info("Tracked process {}: {} running, quorum {}", c.name(), t.pids.size(),
                    t.quorum.haveQuorum() ? "achieved" : "not achieved");
            publish(t);
            loop.accept(new LoopEvent.TrackerChanged(id(t), t.quorum.haveQuorum()));
        }
        running = true;
        reader = new Thread(this::run, "track-process");
        reader.setDaemon(true);
        reader.start();
    }

    /** Reports every tracker's quorum again (for instances a reload added). */
    public void republish() {
        status.forEach((name, st) -> loop.accept(new LoopEvent.TrackerChanged(InstanceMapping.PROCESS + name, st.quorum())));
    }

    /** The count and quorum of each tracker, for status. */
    public Map<String, Status> status() {
        return Map.copyOf(status);
    }

    private void run() {
        long started = System.nanoTime();
        long nextScan = started + SCAN_MILLIS * 1_000_000L;
        while (running) {
            try {
                long now = System.nanoTime();
                if (connector != null && !acked && now - started > ACK_NANOS) {
                    fallBack("the kernel did not confirm the subscription, is CONFIG_PROC_EVENTS enabled?");
                    rescan(false);
                }
                long wait = POLL_MILLIS;
                OptionalLong due = nextDeadline();
                if (due.isPresent()) {
                    wait = Math.min(wait, Math.max(0, (due.getAsLong() - now + 999_999) / 1_000_000));
                }
                if (connector != null) {
                    Optional<ProcEvent> ev = nextEvent(Math.max(1, wait));
                    ev.ifPresent(this::onEvent);
                } else {
                    wait = Math.min(wait, Math.max(0, (nextScan - now) / 1_000_000));
                    awaitExits((int) wait);
                    if (System.nanoTime() >= nextScan) {
                        rescan(false);
                        nextScan = System.nanoTime() + SCAN_MILLIS * 1_000_000L;
                    }
                }
                timers(System.nanoTime());
            } catch (RuntimeException e) {
                if (running) {
                    LOG.error("Process tracking failed, tracked processes are no longer watched: {}", e.toString());
                }
                return;
            }
        }
    }

    private Optional<ProcEvent> nextEvent(long millis) {
        try {
            return connector.next(millis);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOBUFS) {
                LOG.warn("Process tracking: process events were lost (receive buffer overrun) - scanning /proc again");
                rescan(true);
            } else if (running) {
                fallBack("receive failed: " + e.getMessage());
            }
            return Optional.empty();
        }
    }

    /** From process events to pidfds and /proc scans, for good. */
    private void fallBack(String why) {
        LOG.warn("Process tracking: kernel process events unavailable ({}) - watching exits through pidfd"
                + " and scanning /proc every {} ms for new processes", why, SCAN_MILLIS);
        connector.close();
        connector = null;
        trackers.forEach(t -> t.pids.forEach(this::watchExit));
    }

    private void onEvent(ProcEvent ev) {
        long now = System.nanoTime();
        if (ev instanceof ProcEvent.Fork f) {
            if (f.childPid() == f.childTgid()) {
                for (Tracker t : trackers) {
                    if (t.pids.contains(f.parentTgid())) {
                        add(t, f.childTgid(), now, true);
                    }
                }
            }
        } else if (ev instanceof ProcEvent.Exec x) {
            if (x.pid() == x.tgid()) {
                check(x.tgid(), now);
            }
        } else if (ev instanceof ProcEvent.Comm c) {
            if (c.pid() == c.tgid()) {
                for (Tracker t : trackers) {
                    if (!t.config.fullCommand()) {
                        if (t.config.matchesComm(c.comm())) {
                            add(t, c.tgid(), now, false);
                        } else {
                            remove(t, c.tgid(), now, false);
                        }
                    }
                }
            }
        } else if (ev instanceof ProcEvent.Exit x) {
            if (x.pid() == x.tgid()) {
                trackers.forEach(t -> remove(t, x.tgid(), now, true));
            }
        } else if (ev instanceof ProcEvent.Ack a) {
            acked = true;
            LOG.debug("Process tracking: the kernel confirmed the process events subscription ({})", a.err());
        }
    }

    /** An exec: the process now matches some trackers, and maybe no longer others. */
    private void check(int pid, long now) {
        Optional<ProcTable.Info> info = ProcTable.info(pid, needCmdline);
        if (info.isEmpty()) {
            return; // already gone; its exit comes next
        }
        for (Tracker t : trackers) {
            if (matches(t, info.get())) {
                add(t, pid, now, false);
            } else {
                remove(t, pid, now, false);
            }
        }
    }

    /**
     * Scans /proc and counts what changed since the last scan; after lost events ({@code lost}) the
     * counts are taken as they are and delays dropped, as keepalived's reinitialise_track_processes.
     */
    private void rescan(boolean lost) {
        long now = System.nanoTime();
        Map<Integer, ProcTable.Info> all = new HashMap<>();
        ProcTable.scan(needCmdline).forEach(i -> all.put(i.pid(), i));
        for (Tracker t : trackers) {
            Set<Integer> found = new HashSet<>();
            all.values().stream().filter(i -> matches(t, i)).forEach(i -> found.add(i.pid()));
            if (lost) {
                t.pids.stream().filter(p -> !found.contains(p)).forEach(this::unwatchExit);
                t.pids.clear();
                t.pids.addAll(found);
                found.forEach(this::watchExit);
                report(t, t.quorum.rescanned(found.size()));
                continue;
            }
            for (Integer pid : new ArrayList<>(t.pids)) {
                if (!found.contains(pid)) {
                    remove(t, pid, now, !all.containsKey(pid));
                }
            }
            Set<Integer> before = new HashSet<>(t.pids);
            for (Integer pid : found) {
                if (!t.pids.contains(pid)) {
                    add(t, pid, now, before.contains(all.get(pid).ppid()));
                }
            }
        }
    }

    private void add(Tracker t, int pid, long now, boolean byFork) {
        if (t.pids.add(pid)) {
            watchExit(pid);
            report(t, t.quorum.added(now, byFork));
        }
    }

    private void remove(Tracker t, int pid, long now, boolean byExit) {
        if (t.pids.remove(pid)) {
            if (trackers.stream().noneMatch(o -> o.pids.contains(pid))) {
                unwatchExit(pid);
            }
            report(t, t.quorum.removed(now, byExit));
        }
    }

    private void timers(long now) {
        for (Tracker t : trackers) {
            OptionalLong d = t.quorum.deadline();
            if (d.isPresent() && d.getAsLong() <= now) {
                report(t, t.quorum.timerDue(now));
            }
        }
    }

    private OptionalLong nextDeadline() {
        return trackers.stream().map(t -> t.quorum.deadline()).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).min();
    }

    private void report(Tracker t, Optional<Boolean> change) {
        publish(t);
        change.ifPresent(up -> {
            LOG.info("Quorum {} for tracked process {} ({} running)", up ? "gained" : "lost", t.config.name(),
                    t.pids.size());
            loop.accept(new LoopEvent.TrackerChanged(id(t), up));
        });
    }

    private void publish(Tracker t) {
        status.put(t.config.name(), new Status(t.pids.size(), t.quorum.haveQuorum()));
    }

    private static String id(Tracker t) {
        return InstanceMapping.PROCESS + t.config.name();
    }

    private static boolean matches(Tracker t, ProcTable.Info i) {
        return t.config.fullCommand()
                ? i.cmdline() != null && t.config.matchesCommandLine(i.cmdline())
                : t.config.matchesComm(i.comm());
    }

    // ---------------------------------------------------------------- fallback: exits through pidfd

    private void watchExit(int pid) {
        if (connector == null && !pidfds.containsKey(pid)) {
            int fd = Descriptors.pidfdOpen(pid);
            if (fd >= 0) {
                pidfds.put(pid, fd);
            }
        }
    }

    private void unwatchExit(int pid) {
        Integer fd = pidfds.remove(pid);
        if (fd != null) {
            Descriptors.closeQuietly(fd);
        }
    }

    /** Waits up to {@code millis} for a counted process to end, and counts the ones that did. */
    private void awaitExits(int millis) {
        if (pidfds.isEmpty()) {
            sleep(millis);
            return;
        }
        List<Integer> pids = new ArrayList<>(pidfds.keySet());
        int[] fds = pids.stream().mapToInt(pidfds::get).toArray();
        boolean[] ready = Descriptors.pollIn(fds, millis);
        long now = System.nanoTime();
        for (int i = 0; i < ready.length; i++) {
            if (ready[i]) {
                int pid = pids.get(i);
                trackers.forEach(t -> remove(t, pid, now, true));
                unwatchExit(pid);
            }
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        if (reader != null) {
            try {
                reader.join(2L * POLL_MILLIS + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (connector != null) {
            connector.close();
            connector = null;
        }
        pidfds.values().forEach(Descriptors::closeQuietly);
        pidfds.clear();
    }

    /** Whether the kernel's process events are in use (false: the pidfd and /proc fallback). */
    boolean usesProcessEvents() {
        return connector != null;
    }
}
