package org.keepvip.agent.packet;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.keepvip.agent.latency.ThreadNames;
import org.keepvip.netlink.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NextHopResolver} that never makes the sender wait for a lookup that may block (route,
 * neighbour, ARP/ND resolution of a peer that may be dead). Answers come from a cache; lookups run
 * on one worker thread, again when an entry is older than {@code refresh}. A failed lookup keeps
 * the last known MAC (what the kernel does with a STALE entry). Only the very first request for a
 * peer waits, up to {@code firstWait}, so a healthy start sends its first advert.
 *
 * <p>Why: with 50 ms adverts, a lookup blocking 200 ms for one dead unicast peer on the event loop
 * delays the adverts to every live peer past their master_down_interval, and they take over.
 *
 * <p>The worker thread is made in the constructor, so it shares the constructing thread's network
 * namespace; build it where the blocking resolver must run.
 */
public final class BackgroundNextHopResolver implements NextHopResolver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundNextHopResolver.class);

    private record Entry(MacAddress mac, long atNanos) {}

    private final NextHopResolver blocking;
    private final long refreshNanos;
    private final long firstWaitNanos;
    private final LongSupplier clock;
    private final Map<InetAddress, Entry> cache = new ConcurrentHashMap<>();
    private final Map<InetAddress, Long> attempted = new ConcurrentHashMap<>();
    private final Set<InetAddress> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker;

    /**
     * @param blocking  the real lookup; may block for its own timeout
     * @param refresh   how old a cached MAC may get before it is looked up again (still served meanwhile)
     * @param firstWait how long the first request for a peer may wait for its lookup
     */
    public BackgroundNextHopResolver(NextHopResolver blocking, Duration refresh, Duration firstWait) {
        this(blocking, refresh, firstWait, System::nanoTime);
    }

    BackgroundNextHopResolver(NextHopResolver blocking, Duration refresh, Duration firstWait, LongSupplier clock) {
        this.blocking = blocking;
        this.refreshNanos = refresh.toNanos();
        this.firstWaitNanos = firstWait.toNanos();
        this.clock = clock;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, ThreadNames.NEXT_HOP_RESOLVER);
            t.setDaemon(true);
            return t;
        });
        worker.submit(() -> { }); // start the thread now, in this thread's namespace
    }

    @Override
    public Optional<MacAddress> resolve(InterfaceInfo iface, InetAddress peer) {
        long now = clock.getAsLong();
        Entry e = cache.get(peer);
        if (e != null) {
            if (now - e.atNanos() >= refreshNanos) {
                lookUp(iface, peer);
            }
            return Optional.of(e.mac());
        }
        boolean first = attempted.putIfAbsent(peer, now) == null;
        Future<?> pending = lookUp(iface, peer);
        if (first && pending != null && firstWaitNanos > 0) {
            try {
                pending.get(firstWaitNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException late) {
                // still resolving; the next advert will find it in the cache
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // logged by the lookup itself
            }
        }
        return Optional.ofNullable(cache.get(peer)).map(Entry::mac);
    }

    /** Starts looking {@code peer} up now (at start), so the first advert to it finds the MAC cached. */
    public void prime(InterfaceInfo iface, InetAddress peer) {
        lookUp(iface, peer);
    }

    /** Queues one lookup for {@code peer} unless one is already queued or running; null if so. */
    private Future<?> lookUp(InterfaceInfo iface, InetAddress peer) {
        if (!inFlight.add(peer)) {
            return null;
        }
        try {
            return worker.submit(() -> {
                try {
                    Optional<MacAddress> mac = blocking.resolve(iface, peer);
                    mac.ifPresent(m -> cache.put(peer, new Entry(m, clock.getAsLong())));
                    if (mac.isEmpty()) {
                        LOG.debug("next hop for {} not resolved; keeping {}", peer.getHostAddress(),
                                cache.containsKey(peer) ? "the last known MAC" : "nothing");
                    }
                } catch (RuntimeException ex) {
                    LOG.debug("next hop lookup for {} failed: {}", peer.getHostAddress(), ex.toString());
                } finally {
                    inFlight.remove(peer);
                }
            });
        } catch (RejectedExecutionException closed) {
            inFlight.remove(peer);
            return null;
        }
    }

    /** Stops the worker; a lookup in progress finishes on its own timeout. */
    @Override
    public void close() {
        worker.shutdownNow();
    }
}
