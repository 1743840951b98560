package org.keepvip.agent.track;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.keepvip.agent.loop.LoopEvent;
import org.keepvip.vrrp.config.Durations;
import org.keepvip.vrrp.config.IpLiteral;
import org.keepvip.vrrp.config.TrackHost;
import org.keepvip.vrrp.mapping.InstanceMapping;
import org.keepvip.vrrp.state.RiseFallCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vrrp_track_host}: probes each gateway or witness from one thread ({@code track-host}), in
 * process (keepalived users fork a ping script for this), and posts each change of its rise/fall
 * verdict to the event loop as {@code host:NAME}; the state machine weighs it like any tracker
 * (weight 0: unreachable means FAULT). The thread waits in {@code poll(2)} on the probes' sockets
 * until the next probe or deadline is due. A probe whose socket cannot be opened or whose send fails
 * (interface gone, no route) counts as lost, so a host that cannot be probed fails its tracker.
 */
public final class HostTrackers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");
    /** The longest wait in poll(2), so close() is heard within it. */
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int ENXIO = 6;
    private static final int ENODEV = 19;
    private static final String PREFIX = InstanceMapping.HOST;

    /** Opens a tracked host's socket; a fake in tests. */
    interface Opener {
        HostProbe open(TrackHost h) throws IOException;
    }

    /**
     * A tracker as status and metrics show it.
     *
     * @param up           the rise/fall verdict, null before the first
     * @param sent         probes sent (and those that could not be sent)
     * @param answered     probes answered within their timeout
     * @param lost         probes unanswered within their timeout, or not sent
     * @param late         answers after their probe's timeout, or to no probe (not counted as answered)
     * @param sendErrors   probes that could not be sent
     * @param lastRttNanos round-trip time of the last answered probe, -1 before the first
     * @param inARow       answered probes in a row (> 0), lost ones (< 0)
     */
    public record Status(Boolean up, long sent, long answered, long lost, long late, long sendErrors,
                         long lastRttNanos, int inARow) {}

    private static final class Tracker {
        final TrackHost config;
        final HostProbeState state;
        HostProbe probe;
        long reopenAt;
        String lastProblem;

        Tracker(TrackHost config, long now) {
            this.config = config;
            this.state = new HostProbeState(config, now);
            this.reopenAt = now;
        }
    }

    private final List<Tracker> trackers = new ArrayList<>();
    private final Consumer<LoopEvent> loop;
    private final Opener opener;
    private final LongSupplier clock;
    private final Map<String, Status> published = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread thread;

    public HostTrackers(List<TrackHost> hosts, Consumer<LoopEvent> loop) {
        this(hosts, loop, SocketProbe::open, System::nanoTime);
    }

    HostTrackers(List<TrackHost> hosts, Consumer<LoopEvent> loop, Opener opener, LongSupplier clock) {
        this.loop = loop;
        this.opener = opener;
        this.clock = clock;
        long now = clock.getAsLong();
        for (TrackHost h : hosts) {
            Tracker t = new Tracker(h, now);
            trackers.add(t);
            published.put(h.name(), status(t.state));
        }
    }

    /** The tracker id an instance uses for {@code name}. */
    public static String trackerId(String name) {
        return PREFIX + name;
    }

    /** Starts probing; without trackers no thread is started. */
    public synchronized void start() {
        if (trackers.isEmpty() || thread != null) {
            return;
        }
        running = true;
        for (Tracker t : trackers) {
            TrackHost h = t.config;
            LOG.info("VRRP_Track_host({}) probing {} by {}{} every {} s (timeout {} s, rise {}, fall {})", h.name(),
                    IpLiteral.format(h.address()), h.method().word(),
                    h.interfaceName() == null ? "" : " on " + h.interfaceName(),
                    Durations.format(h.interval()),
                    Durations.format(h.timeout()), h.rise(), h.fall());
        }
        thread = new Thread(this::run, "track-host");
        thread.setDaemon(true);
        thread.start();
    }

    /** The trackers' configurations, in configuration order. */
    public List<TrackHost> hosts() {
        return trackers.stream().map(t -> t.config).toList();
    }

    /** Each tracker's status, by name, in configuration order. */
    public Map<String, Status> status() {
        Map<String, Status> out = new LinkedHashMap<>();
        trackers.forEach(t -> out.put(t.config.name(), published.get(t.config.name())));
        return out;
    }

    /** Posts every verdict known again (a reload's new instances hear them). */
    public void republish() {
        status().forEach((name, st) -> {
            if (st.up() != null) {
                loop.accept(new LoopEvent.TrackerChanged(trackerId(name), st.up()));
            }
        });
    }

    private void run() {
        try {
            // Every socket first, so that one slow to open does not eat another's first timeout.
            long start = clock.getAsLong();
            for (Tracker t : trackers) {
                open(t, start);
            }
            // And the first poll's native binding, so the first answers are read on time.
            Descriptors.pollIn(trackers.stream().filter(t -> t.probe != null).mapToInt(t -> t.probe.fd()).toArray(), 0);
            long now = clock.getAsLong();
            trackers.forEach(t -> t.state.startAt(now));
            while (running) {
                turn();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("VRRP_Track_host: probing stopped: {}", e.toString());
        } finally {
            trackers.forEach(t -> closeProbe(t));
        }
    }

    /** One turn: what is due now, then a wait for answers until the next thing is due. */
    void turn() {
        long now = clock.getAsLong();
        long wake = now + MAX_WAIT_NANOS;
        List<Tracker> polled = new ArrayList<>();
        for (Tracker t : trackers) {
            due(t, now);
            wake = earlier(wake, t.state.nextDueNanos());
            if (t.probe != null) {
                polled.add(t);
            }
        }
        long waitNanos = Math.max(0, wake - clock.getAsLong());
        if (polled.isEmpty()) {
            LockSupport.parkNanos(waitNanos);
            return;
        }
        int[] fds = polled.stream().mapToInt(t -> t.probe.fd()).toArray();
        boolean[] ready = Descriptors.pollIn(fds, (int) Math.max(0, (waitNanos + 999_999) / 1_000_000));
        for (int i = 0; i < ready.length; i++) {
            if (ready[i]) {
                drain(polled.get(i));
            }
        }
    }

    private static long earlier(long a, long b) {
        return b - a < 0 ? b : a;
    }

    private void due(Tracker t, long now) {
        if (t.probe == null && now - t.reopenAt >= 0) {
            open(t, now);
        }
        apply(t, t.state.expire(now));
        if (!t.state.sendDue(now)) {
            return;
        }
        int seq = t.state.startProbe(now);
        if (t.probe == null) {
            apply(t, t.state.sendFailed());
            return;
        }
        try {
            t.probe.send(seq);
            if (t.lastProblem != null && t.lastProblem.startsWith("send")) {
                problem(t, null);
            }
        } catch (IOException e) {
            problem(t, "send failed: " + e.getMessage());
            apply(t, t.state.sendFailed());
            Throwable c = e.getCause();
            if (c instanceof LastErrorException le
                    && (le.getErrorCode() == ENODEV || le.getErrorCode() == ENXIO)) {
                closeProbe(t); // the interface was removed: reopen on its next index
                t.reopenAt = now + t.config.interval().toNanos();
            }
        }
    }

    private void open(Tracker t, long now) {
        try {
            t.probe = opener.open(t.config);
            problem(t, null);
        } catch (IOException | RuntimeException e) {
            problem(t, "cannot probe: " + e.getMessage());
            t.reopenAt = now + t.config.interval().toNanos();
        }
    }

    private void drain(Tracker t) {
        try {
            t.probe.drain(seq -> apply(t, t.state.answered(seq, clock.getAsLong())));
        } catch (IOException e) {
            problem(t, "receive failed: " + e.getMessage());
            closeProbe(t);
            t.reopenAt = clock.getAsLong() + t.config.interval().toNanos();
        }
    }

    private void apply(Tracker t, RiseFallCounter.Change change) {
        published.put(t.config.name(), status(t.state));
        if (change == RiseFallCounter.Change.NONE) {
            return;
        }
        boolean ok = change == RiseFallCounter.Change.BECAME_OK;
        TrackHost h = t.config;
        if (ok) {
            LOG.info("VRRP_Track_host({}) {} reachable", h.name(), IpLiteral.format(h.address()));
        } else {
            int lost = -Math.min(0, t.state.status().inARow());
            LOG.info("VRRP_Track_host({}) {} unreachable ({} probe{} in a row unanswered)", h.name(),
                    IpLiteral.format(h.address()), lost, lost == 1 ? "" : "s");
        }
        loop.accept(new LoopEvent.TrackerChanged(trackerId(h.name()), ok));
    }

    /** Logs a problem once, and once its end. */
    private void problem(Tracker t, String text) {
        if (Objects.equals(text, t.lastProblem)) {
            return;
        }
        if (text != null) {
            LOG.warn("VRRP_Track_host({}) {}", t.config.name(), text);
        } else if (t.lastProblem != null) {
            LOG.info("VRRP_Track_host({}) probing again", t.config.name());
        }
        t.lastProblem = text;
    }

    private static Status status(HostProbeState s) {
        return s.status();
    }

    private static void closeProbe(Tracker t) {
        if (t.probe != null) {
            t.probe.close();
            t.probe = null;
        }
    }

    @Override
    public void close() {
        Thread th;
        synchronized (this) {
            running = false;
            th = thread;
        }
        if (th == null) {
            return;
        }
        try {
            th.join(TimeUnit.MILLISECONDS.toMillis(2000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
