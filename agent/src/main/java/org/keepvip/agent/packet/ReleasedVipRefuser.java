package org.keepvip.agent.packet;

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.keepvip.netlink.MacAddress;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers TCP SYNs to VIPs this node has just released with a RST, on one interface, so that a
 * client whose ARP/ND cache still points at us gets "connection refused" at once and retries,
 * instead of waiting out its connect timeout while our kernel (not forwarding) drops the SYN.
 *
 * <ul>
 *   <li>{@link #refuse} after the VIPs are removed, {@link #stop} before they are added again; an
 *       address is also dropped when its window ends (checked lazily, by the clock given).</li>
 *   <li>Its own capture handle, not the VRRP port's: the advert path never sees TCP. The BPF filter
 *       passes only SYNs without ACK, to our MAC, for the interface's configured VIPs ({@link #arm})
 *       and any address being refused, and nothing at all while there are none. It is set ahead of
 *       time because installing a filter takes the reader ~0.5 ms: set at release time, the SYNs a
 *       retrying client sends right after the release would be lost in that gap, which is exactly
 *       the black hole this closes. Every frame is checked again in Java ({@link TcpRefusal#parse}
 *       and the refusing set), so SYNs to an armed address we still hold are only read and
 *       dropped.</li>
 *   <li>The reader thread is the only one that reads, sets the filter or sends on the handle; other
 *       threads change the set and wake it with {@code breakLoop()} (see {@link PcapPacketPort} on
 *       why: an idle libpcap read does not time out).</li>
 *   <li>A token bucket ({@link #DEFAULT_RATE} a second, as much burst) bounds what we send, so a
 *       SYN flood to a released VIP can never turn this into a packet cannon; the excess is counted.</li>
 * </ul>
 */
public final class ReleasedVipRefuser implements AutoCloseable {
    /** Resets per second per interface, and the burst. */
    public static final int DEFAULT_RATE = 1000;
    /** A filter no frame passes: nothing is being refused. */
    static final String NOTHING_FILTER = "less 1";
    /** Ethernet + IPv4 with options + a TCP header with options, with room to spare. */
    private static final int SNAPLEN = 192;
    private static final int BUFFER_BYTES = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /** Where refusals are counted: the counters of the instance that released the address. */
    public interface Counts {
        /** A RST went out. */
        void refused();

        /** A SYN was not answered because the rate limit was reached. */
        void rateLimited();
    }

    /** The capture handle's operations, so the refusal logic can be tested with a fake. */
    interface Link extends AutoCloseable {
        /** The next frame, or null after a timeout or {@link #wake()}. */
        byte[] next() throws IOException;

        void filter(String expression) throws IOException;

        /** Makes a blocked {@link #next()} return; callable from any thread. */
        void wake();

        void send(byte[] frame) throws IOException;

        /** Releases the handle; called on the closing thread once the reader stopped (or gave up). */
        @Override
        void close();
    }

    private record Entry(long expiresAtNanos, Counts counts) {}

    private final String ifname;
    private final MacAddress mac;
    private final LongSupplier nanoClock;
    private final Link link;
    private final TokenBucket bucket;
    /** Guarded by {@code this}. */
    private final Map<InetAddress, Entry> refusing = new HashMap<>();
    /** Guarded by {@code this}: addresses the filter passes even while not refused (the configured VIPs). */
    private Set<InetAddress> armed = Set.of();
    /** Guarded by {@code this}: the filter no longer matches {@link #armed} and {@link #refusing}. */
    private boolean filterStale;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicBoolean rateLimitLogged = new AtomicBoolean();
    private final Thread reader;
    private volatile boolean running = true;

    ReleasedVipRefuser(String ifname, MacAddress mac, Link link, LongSupplier nanoClock, int ratePerSecond) {
        this.ifname = ifname;
        this.mac = mac;
        this.link = link;
        this.nanoClock = nanoClock;
        this.bucket = new TokenBucket(ratePerSecond, nanoClock.getAsLong());
        this.reader = new Thread(this::readLoop, "rst-rx-" + ifname);
        this.reader.setDaemon(true);
    }

    /**
     * Opens a refuser on {@code interfaceName}, refusing nothing yet. Like {@link PcapPacketPort#open},
     * call it on a thread inside the interface's network namespace.
     */
    public static ReleasedVipRefuser open(String interfaceName) throws IOException {
        InterfaceInfo iface = InterfaceFacts.lookup(interfaceName);
        PcapLink link = PcapLink.open(interfaceName);
        ReleasedVipRefuser r = new ReleasedVipRefuser(iface.name(), iface.mac(), link, System::nanoTime, DEFAULT_RATE);
        r.start();
        return r;
    }

    /** Starts the reader thread. */
    void start() {
        reader.start();
    }

    public String interfaceName() {
        return ifname;
    }

    /**
     * Answers SYNs to {@code addresses} for {@code window} from now (replacing an earlier window for
     * the same address). Call as the addresses are removed from the interface (the daemon: right before
     * the delete, once this node has left MASTER).
     */
    public void refuse(Collection<InetAddress> addresses, Duration window, Counts counts) {
        if (addresses.isEmpty() || window.isZero() || window.isNegative()) {
            return;
        }
        long until = nanoClock.getAsLong() + window.toNanos();
        boolean refilter;
        synchronized (this) {
            addresses.forEach(a -> refusing.put(a, new Entry(until, counts)));
            refilter = !armed.containsAll(addresses); // armed ones already pass: no filter change
            filterStale |= refilter;
        }
        rateLimitLogged.set(false);
        if (refilter) {
            link.wake();
        }
    }

    /**
     * Sets the addresses the filter passes ahead of any release (the interface's configured VIPs), so
     * a refusal starts without a filter change. Start-up and reload; replaces the earlier set.
     */
    public void arm(Collection<InetAddress> addresses) {
        synchronized (this) {
            Set<InetAddress> next = Set.copyOf(addresses);
            if (next.equals(armed)) {
                return;
            }
            armed = next;
            filterStale = true;
        }
        link.wake();
    }

    /** Stops answering for {@code addresses}. Call right before they are added to the interface again. */
    public void stop(Collection<InetAddress> addresses) {
        boolean changed = false;
        synchronized (this) {
            for (InetAddress a : addresses) {
                changed |= refusing.remove(a) != null && !armed.contains(a);
            }
            filterStale |= changed;
        }
        if (changed) {
            link.wake();
        }
    }

    /** The addresses answered now (their window not over). */
    public synchronized Set<InetAddress> refusing() {
        long now = nanoClock.getAsLong();
        Set<InetAddress> out = new LinkedHashSet<>();
        refusing.forEach((a, e) -> {
            if (now - e.expiresAtNanos() < 0) {
                out.add(a);
            }
        });
        return out;
    }

    /** RSTs sent on this interface. */
    public long refused() {
        return refused.get();
    }

    /** SYNs left unanswered because of the rate limit. */
    public long rateLimited() {
        return rateLimited.get();
    }

    /**
     * Handles one captured frame: answers it with a RST if it is a SYN to our MAC for an address being
     * refused, within the rate limit. Returns whether a RST was sent. Runs on the reader thread.
     */
    boolean handle(byte[] frame) {
        Optional<TcpRefusal.Syn> parsed = TcpRefusal.parse(frame, mac);
        if (parsed.isEmpty()) {
            return false;
        }
        TcpRefusal.Syn syn = parsed.get();
        long now = nanoClock.getAsLong();
        Entry e;
        synchronized (this) {
            e = refusing.get(syn.destination());
            if (e != null && now - e.expiresAtNanos() >= 0) {
                refusing.remove(syn.destination()); // the window is over
                filterStale |= !armed.contains(syn.destination());
                e = null;
            }
        }
        if (e == null) {
            return false;
        }
        if (!bucket.tryTake(now)) {
            rateLimited.incrementAndGet();
            e.counts().rateLimited();
            if (rateLimitLogged.compareAndSet(false, true)) {
                LOG.warn("{}: more than {} SYNs a second to released VIPs; not answering the excess", ifname,
                        bucket.rate);
            }
            return false;
        }
        byte[] rst = TcpRefusal.reset(syn, mac);
        synchronized (this) {
            // Sent under the monitor, after a fresh look: once stop() has returned (and the lane goes
            // on to add the VIP), no RST for that address can still be on its way out.
            if (refusing.get(syn.destination()) != e) {
                return false;
            }
            try {
                link.send(rst);
            } catch (IOException ex) {
                LOG.debug("{}: cannot send RST to {}: {}", ifname, syn.source().getHostAddress(), ex.getMessage());
                return false;
            }
        }
        refused.incrementAndGet();
        e.counts().refused();
        return true;
    }

    /**
     * The BPF expression for the current sets: SYN without ACK, RST or FIN, to our MAC, to one of the
     * armed or refused addresses; {@link #NOTHING_FILTER} while there are none. Drops expired entries. IPv4 uses libpcap's
     * {@code tcp[]} (which skips IPv4 options and later fragments); IPv6 reads the flags at the fixed
     * offset 40 + 13, so only TCP directly after the IPv6 header passes, as {@link TcpRefusal} wants.
     */
    synchronized String filterExpression() {
        long now = nanoClock.getAsLong();
        refusing.values().removeIf(e -> now - e.expiresAtNanos() >= 0);
        Set<String> v4 = new TreeSet<>();
        Set<String> v6 = new TreeSet<>();
        Set<InetAddress> passed = new HashSet<>(armed);
        passed.addAll(refusing.keySet());
        for (InetAddress a : passed) {
            (a instanceof Inet4Address ? v4 : v6).add("dst host " + a.getHostAddress());
        }
        List<String> parts = new ArrayList<>();
        if (!v4.isEmpty()) {
            parts.add("(ip and tcp[13] & 0x17 == 0x02 and (" + String.join(" or ", v4) + "))");
        }
        if (!v6.isEmpty()) {
            parts.add("(ip6 and ip6[6] == 6 and ip6[53] & 0x17 == 0x02 and (" + String.join(" or ", v6) + "))");
        }
        if (parts.isEmpty()) {
            return NOTHING_FILTER;
        }
        return "ether dst " + mac + " and (" + String.join(" or ", parts) + ")";
    }

    private void readLoop() {
        while (running) {
            refilterIfStale();
            byte[] frame;
            try {
                frame = link.next();
            } catch (IOException e) {
                if (running) {
                    LOG.warn("{}: RST capture error: {}", ifname, e.getMessage());
                    CaptureReaders.pauseAfterError();
                }
                continue;
            }
            if (frame != null) {
                try {
                    handle(frame);
                } catch (RuntimeException e) {
                    LOG.warn("{}: RST answer failed", ifname, e); // never let one frame end the thread
                }
            }
        }
    }

    private void refilterIfStale() {
        String expression;
        synchronized (this) {
            if (!filterStale) {
                return;
            }
            filterStale = false;
            expression = filterExpression();
        }
        try {
            link.filter(expression);
            LOG.debug("{}: RST capture filter: {}", ifname, expression);
        } catch (IOException e) {
            // Keep the old filter: frames are checked again in Java, so it only costs reads.
            LOG.warn("{}: cannot set RST capture filter: {}", ifname, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        link.wake();
        if (CaptureReaders.awaitStop(reader)) {
            link.close();
        } else {
            LOG.debug("{}: RST reader did not stop; leaving its handle open", ifname);
        }
    }

    /** A token bucket: {@code rate} tokens a second, holding at most {@code rate}. Reader thread only. */
    static final class TokenBucket {
        private static final long SECOND = 1_000_000_000L;
        final int rate;
        private long tokensTimesSecond; // tokens × 1e9, so refills need no division
        private long last;

        TokenBucket(int rate, long nowNanos) {
            if (rate < 1) {
                throw new IllegalArgumentException("rate " + rate + " (expected: 1+)");
            }
            this.rate = rate;
            this.tokensTimesSecond = rate * SECOND;
            this.last = nowNanos;
        }

        boolean tryTake(long nowNanos) {
            long elapsed = Math.max(0, nowNanos - last);
            last = nowNanos;
            long cap = rate * SECOND;
            // elapsed × rate can overflow after ~100 days idle at 1000/s; a full bucket is the answer then.
            long refill = elapsed > cap / rate ? cap : elapsed * rate;
            tokensTimesSecond = Math.min(cap, tokensTimesSecond + refill);
            if (tokensTimesSecond < SECOND) {
                return false;
            }
            tokensTimesSecond -= SECOND;
            return true;
        }
    }

    /** The pcap handle: capture of inbound frames, sends on the same handle, from the reader thread. */
    private static final class PcapLink implements Link {
        private final PcapHandle handle;
        private final String name;

        private PcapLink(PcapHandle handle, String name) {
            this.handle = handle;
            this.name = name;
        }

        static PcapLink open(String name) throws IOException {
            PcapHandle h;
            try {
                h = new PcapHandle.Builder(name).snaplen(SNAPLEN).promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
                        .timeoutMillis(50).bufferSize(BUFFER_BYTES).immediateMode(true)
                        .direction(PcapHandle.PcapDirection.IN).build();
            } catch (PcapNativeException e) {
                throw new IOException("cannot open pcap on " + name + ": " + e.getMessage()
                        + " (needs CAP_NET_RAW and libpcap)", e);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                throw new IOException("libpcap cannot be loaded: " + e.getMessage(), e);
            }
            PcapLink link = new PcapLink(h, name);
            try {
                link.filter(NOTHING_FILTER);
            } catch (IOException e) {
                h.close();
                throw e;
            }
            return link;
        }

        @Override
        public byte[] next() throws IOException {
            try {
                return handle.getNextRawPacketEx();
            } catch (TimeoutException | EOFException e) {
                return null; // a timeout, or woken by breakLoop(): the caller looks at its state
            } catch (NotOpenException e) {
                throw new IOException(name + ": capture handle closed", e);
            } catch (PcapNativeException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void filter(String expression) throws IOException {
            try {
                handle.setFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE);
            } catch (PcapNativeException | NotOpenException e) {
                throw new IOException("cannot set filter '" + expression + "': " + e.getMessage(), e);
            }
        }

        @Override
        public void wake() {
            try {
                handle.breakLoop();
            } catch (NotOpenException ignored) {
                // closed: nothing to wake
            }
        }

        @Override
        public void send(byte[] frame) throws IOException {
            try {
                handle.sendPacket(frame);
            } catch (PcapNativeException | NotOpenException e) {
                throw new IOException(name + ": send failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            handle.close();
        }
    }
}
