package org.keepvip.agent.packet;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.keepvip.netlink.MacAddress;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PacketPort} over pcap4j, used as raw IO only: no packet factories, frames built here.
 *
 * <ul>
 *   <li>A capture handle: BPF {@value #CAPTURE_FILTER}, direction IN (our own sends are not seen),
 *       immediate mode, read with libpcap's {@code pcap_next_ex} on pcap4j's handle ({@link
 *       PcapNextEx}: no per-frame native allocation, lock or Timestamp; pcap4j's {@code
 *       getNextRawPacketEx()} where that binding is unavailable) from one reader thread that checks a
 *       running flag; never {@code loop()}, whose {@code close()} waits on the loop.</li>
 *   <li>The read timeout is set, but on Linux libpcap (verified with 1.10.3, immediate mode or not)
 *       it never fires while no packet arrives, so a read can block for good. {@link #close()}
 *       therefore clears the running flag and calls {@code breakLoop()}, which in libpcap ≥ 1.10
 *       wakes a blocked {@code pcap_next_ex} (it returns "break", pcap4j's EOFException).</li>
 *   <li>A separate send handle whose filter accepts nothing, so it buffers no traffic.</li>
 *   <li>Group memberships for 224.0.0.18 / ff02::12, so a real NIC delivers the adverts.</li>
 * </ul>
 *
 * <p>{@link #open} must run on a thread inside the interface's network namespace (see
 * {@code NetNamespace}): the packet sockets, the membership sockets and the interface lookup all
 * belong to the namespace of the thread that makes them. After that, any thread may send, and the
 * receiver is called on the port's reader thread; it should only queue the packet for the event loop.
 */
public final class PcapPacketPort implements PacketPort {
    /**
     * The capture filter. libpcap's {@code ip6 proto} looks behind a fragment header but no other
     * extension header, so one hop-by-hop, routing or destination options header before VRRP is
     * matched here: the kernel delivers such a packet to keepalived, and the parser judges it (a
     * hop-by-hop header before ICMPv6, as MLD sends, stays out).
     */
    public static final String CAPTURE_FILTER = "ip proto 112 or ip6 proto 112"
            + " or (ip6 and (ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 60) and ip6[40] == 112)";
    /** A filter no frame passes: the send handle must not queue captured traffic. */
    private static final String NOTHING_FILTER = "less 1";
    /** Ethernet header and one VLAN tag: a frame is at most this much longer than the MTU. */
    private static final int LINK_OVERHEAD = 18;
    /** A jumbo frame: no advert is longer (255 IPv6 addresses make about 4.2 KB). */
    static final int MAX_SNAPLEN = 9216 + LINK_OVERHEAD;

    /**
     * The capture length for an interface: its largest frame, as an advert is never fragmented. The
     * kernel cuts the capture ring into slots of this size, whole slots per page-sized block: with
     * libpcap's usual 64 KiB a 2 MiB ring held 16 frames, and a backup of a hundred instances lost
     * adverts (and flapped to MASTER) whenever its reader was a few milliseconds late; at MTU 1500 a
     * 1 MiB ring holds 512. A longer frame is cut, and then dropped by the checks as truncated.
     */
    /** How long the capture ring must hold an interface's adverts while its reader does not read. */
    public static final Duration RING_HOLDS = Duration.ofMillis(400);

    /** The ring never grows past this, whatever the advert rate (it counts in the daemon's memory). */
    static final int MAX_RING_BYTES = 16 << 20;

    /**
     * The capture ring for {@code advertsPerSecond} on an interface of {@code mtu}: {@link #RING_HOLDS}
     * of them, each in a slot of the snap length (plus the kernel's header), at least the default
     * 1 MiB and at most {@link #MAX_RING_BYTES}. The VRRP loop reads the ring itself, so the ring
     * alone holds what arrives while the loop is busy (a reload, a pause of the JVM): at 1,000
     * instances on 4 interfaces and 50 ms adverts a 1 MiB ring is full after 100 ms.
     */
    public static int ringBytes(int mtu, double advertsPerSecond) {
        double slots = advertsPerSecond * RING_HOLDS.toNanos() / 1e9;
        long bytes = (long) Math.ceil(slots) * (snaplen(mtu) + 128L);
        long rounded = (bytes + 0xFFFF) & ~0xFFFFL;
        return (int) Math.max(PortOptions.defaults().bufferBytes(), Math.min(MAX_RING_BYTES, rounded));
    }

    static int snaplen(int mtu) {
        return Math.max(1500 + LINK_OVERHEAD, Math.min(MAX_SNAPLEN, mtu + LINK_OVERHEAD));
    }
    private static final Logger LOG = LoggerFactory.getLogger(PcapPacketPort.class);

    private final InterfaceInfo iface;
    private final PcapHandle capture;
    private final PcapHandle sender;
    private final List<MulticastMembership> memberships;
    private final NextHopResolver resolver;
    private final Consumer<ReceivedVrrp> receiver;
    private final CauseCounters<DropReason> drops;
    private final AtomicInteger ipv4Id = new AtomicInteger();
    private final Object sendLock = new Object();
    private final Thread reader;
    private volatile boolean running = true;
    /** Non-null when the caller reads ({@link #openPolled}); then {@link #reader} never starts. */
    private PolledReader polledReader;

    private PcapPacketPort(InterfaceInfo iface, PcapHandle capture, PcapHandle sender,
                           List<MulticastMembership> memberships, NextHopResolver resolver,
                           Consumer<ReceivedVrrp> receiver) {
        this.iface = iface;
        this.capture = capture;
        this.sender = sender;
        this.memberships = memberships;
        this.resolver = resolver;
        this.receiver = receiver;
        this.drops = new CauseCounters<>(DropReason.class, LOG, iface.name());
        this.reader = new Thread(this::readLoop, "vrrp-rx-" + iface.name());
        this.reader.setDaemon(true);
    }

    /**
     * Opens the port on {@code interfaceName} and starts receiving. Call on a thread inside the
     * interface's namespace.
     *
     * @param receiver called on the reader thread for every protocol-112 packet that parses
     * @throws IOException with a message naming the interface and the cause (no such interface, not
     *     Ethernet, no permission for pcap, libpcap missing)
     */
    public static PcapPacketPort open(String interfaceName, PortOptions options, NextHopResolver resolver,
                                      Consumer<ReceivedVrrp> receiver) throws IOException {
        return open(interfaceName, options, resolver, receiver, false);
    }

    /**
     * As {@link #open}, but received frames are read by the caller through {@link #polled()} (the
     * VRRP loop, which then hears an advert without a hand-over between threads). Where libpcap
     * gives no selectable descriptor or non-blocking mode, the port starts its own reader as
     * {@link #open} does, and {@link #polled()} is empty.
     */
    public static PcapPacketPort openPolled(String interfaceName, PortOptions options, NextHopResolver resolver,
                                            Consumer<ReceivedVrrp> receiver) throws IOException {
        return open(interfaceName, options, resolver, receiver, true);
    }

    /**
     * A port that only sends, on a VMAC macvlan: its adverts and GARPs leave with the macvlan's MAC,
     * while the adverts for its instance are heard on the base interface's port (as keepalived
     * hears them). No capture, no group joined.
     */
    public static PcapPacketPort openSendOnly(String interfaceName, NextHopResolver resolver) throws IOException {
        InterfaceInfo iface = InterfaceFacts.lookup(interfaceName);
        PcapHandle sender = handle(interfaceName, 128, PortOptions.defaults(), PcapHandle.PcapDirection.OUT);
        try {
            filter(sender, NOTHING_FILTER);
        } catch (IOException e) {
            sender.close();
            throw e;
        }
        PcapPacketPort port = new PcapPacketPort(iface, null, sender, List.of(), resolver, r -> { });
        LOG.info("{}: packet IO open, sending only (ifindex {}, MAC {})", iface.name(), iface.index(), iface.mac());
        return port;
    }

    private static PcapPacketPort open(String interfaceName, PortOptions options, NextHopResolver resolver,
                                       Consumer<ReceivedVrrp> receiver, boolean polled) throws IOException {
        InterfaceInfo iface = InterfaceFacts.lookup(interfaceName);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            PcapHandle capture = handle(interfaceName, snaplen(InterfaceFacts.mtu(interfaceName)), options,
                    PcapHandle.PcapDirection.IN);
            opened.add(capture);
            filter(capture, CAPTURE_FILTER);
            String ownFramesSeen = OwnFramesIgnored.apply(capture);
            if (ownFramesSeen != null) {
                LOG.debug("{}: own adverts still reach the capture ring: {}", interfaceName, ownFramesSeen);
            }
            PcapHandle sender = handle(interfaceName, 128, options, PcapHandle.PcapDirection.OUT);
            opened.add(sender);
            filter(sender, NOTHING_FILTER);
            List<MulticastMembership> memberships = new ArrayList<>();
            if (options.joinIpv4()) {
                memberships.add(MulticastMembership.join(OutboundVrrp.IPV4_GROUP, iface.index()));
                opened.add(memberships.get(memberships.size() - 1));
            }
            if (options.joinIpv6()) {
                memberships.add(MulticastMembership.join(OutboundVrrp.IPV6_GROUP, iface.index()));
                opened.add(memberships.get(memberships.size() - 1));
            }
            PcapPacketPort port = new PcapPacketPort(iface, capture, sender, List.copyOf(memberships), resolver, receiver);
            port.polledReader = polled ? PolledReader.of(port) : null;
            if (port.polledReader == null) {
                port.reader.start();
            }
            LOG.info("{}: packet IO open (ifindex {}, MAC {}, {})", iface.name(), iface.index(), iface.mac(),
                    CAPTURE_FILTER);
            return port;
        } catch (IOException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static PcapHandle handle(String name, int snaplen, PortOptions options, PcapHandle.PcapDirection direction)
            throws IOException {
        try {
            PcapHandle h = new PcapHandle.Builder(name)
                    .snaplen(snaplen)
                    .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis((int) options.readTimeout().toMillis())
                    .bufferSize(direction == PcapHandle.PcapDirection.IN ? options.bufferBytes() : 64 * 1024)
                    .immediateMode(true)
                    .direction(direction)
                    .build();
            if (!DataLinkType.EN10MB.equals(h.getDlt())) {
                DataLinkType dlt = h.getDlt();
                h.close();
                throw new IOException("interface " + name + " has link type " + dlt + " (expected: Ethernet)");
            }
            return h;
        } catch (PcapNativeException e) {
            throw new IOException("cannot open pcap on " + name + ": " + e.getMessage()
                    + " (needs CAP_NET_RAW and libpcap)", e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IOException("libpcap cannot be loaded (install libpcap, or set org.pcap4j.core.pcapLibName): "
                    + e.getMessage(), e);
        }
    }

    private static void filter(PcapHandle h, String expression) throws IOException {
        try {
            h.setFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("cannot set filter '" + expression + "': " + e.getMessage(), e);
        }
    }

    @Override
    public InterfaceInfo iface() {
        return iface;
    }

    @Override
    public SendOutcome sendVrrp(OutboundVrrp m) throws IOException {
        byte[] frame = frame(m);
        if (frame == null) {
            return SendOutcome.NEXT_HOP_UNKNOWN;
        }
        sendFrame(frame);
        return SendOutcome.SENT;
    }

    /**
     * The Ethernet frame for {@code m}; null while a unicast peer's next hop is unknown (not an
     * Optional: this runs for every advert, and C1 would not remove the allocation).
     */
    private byte[] frame(OutboundVrrp m) {
        MacAddress dstMac;
        if (m.destination().isMulticastAddress()) {
            dstMac = MacAddress.forMulticastGroup(m.destination());
        } else {
            Optional<MacAddress> nextHop = resolver.resolve(iface, m.destination());
            if (nextHop.isEmpty()) {
                return null;
            }
            dstMac = nextHop.get();
        }
        if (m.source() instanceof Inet4Address src) {
            int id = ipv4Id.updateAndGet(i -> i >= 0xFFFF ? 1 : i + 1); // 1, 2, ..., 65535, 1, ...
            return VrrpFrames.ipv4(iface.mac(), dstMac, src, (Inet4Address) m.destination(), m.ttl(), id,
                    m.vrrpUnsafe());
        }
        return VrrpFrames.ipv6(iface.mac(), dstMac, (Inet6Address) m.source(),
                (Inet6Address) m.destination(), m.ttl(), m.vrrpUnsafe());
    }

    /**
     * Start-up only: builds, and drops, {@code rounds} advert frames of each family, so that a backup's
     * first advert (at its first takeover) does not load and link the send path then.
     */
    public void warmUpSendPath(int rounds) {
        byte[] body = new byte[20];
        OutboundVrrp v4 = OutboundVrrp.multicast(OutboundVrrp.literal("192.0.2.1"), body);
        OutboundVrrp v6 = OutboundVrrp.multicast(OutboundVrrp.literal("fe80::1"), body);
        for (int i = 0; i < rounds; i++) {
            frame(v4);
            frame(v6);
        }
    }

    @Override
    public void sendFrame(byte[] frame) throws IOException {
        synchronized (sendLock) {
            try {
                sender.sendPacket(frame);
            } catch (PcapNativeException | NotOpenException e) {
                throw new IOException(iface.name() + ": send failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public CauseCounters<DropReason> drops() {
        return drops;
    }

    @Override
    public Optional<Polled> polled() {
        return Optional.ofNullable(polledReader);
    }

    /**
     * Reads for the caller: the capture handle in non-blocking mode and its selectable descriptor.
     * Reads and {@link #close()} exclude each other, so a late read never touches a closed handle.
     */
    private static final class PolledReader implements Polled {
        private final PcapPacketPort port;
        private final PcapNextEx rx;
        private final int fd;

        private PolledReader(PcapPacketPort port, PcapNextEx rx, int fd) {
            this.port = port;
            this.rx = rx;
            this.fd = fd;
        }

        /** Null (and a debug line) where libpcap cannot be read this way. */
        static PolledReader of(PcapPacketPort port) {
            String name = port.iface.name();
            PcapNextEx rx = PcapNextEx.open(port.capture, why -> LOG.debug("{}: no direct pcap binding ({})", name, why));
            if (rx == null) {
                return null;
            }
            try {
                Pointer pcap = Libpcap.pcapOf(port.capture);
                int fd = Libpcap.pcap_get_selectable_fd(pcap);
                Memory errbuf = new Memory(256);
                if (fd < 0 || Libpcap.pcap_setnonblock(pcap, 1, errbuf) != 0) {
                    LOG.debug("{}: capture cannot be polled (fd {}: {}); reading on a thread", name, fd,
                            fd < 0 ? "none" : errbuf.getString(0));
                    return null;
                }
                return new PolledReader(port, rx, fd);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.debug("{}: capture cannot be polled ({}); reading on a thread", name, e.toString());
                return null;
            }
        }

        @Override
        public int fd() {
            return fd;
        }

        @Override
        public String ifname() {
            return port.iface.name();
        }

        /** The last read failed; repeats are logged at debug until a frame is read again. */
        private boolean failing;

        @Override
        public int drain(int max) {
            synchronized (this) {
                int n = 0;
                while (n < max && port.running) {
                    int rc = rx.next();
                    if (rc == PcapNextEx.PACKET) {
                        port.deliverLast(rx);
                        failing = false;
                        n++;
                    } else if (rc == PcapNextEx.ERROR) {
                        // A deleted interface fails every read until its new capture replaces this one: once is news.
                        if (!failing) {
                            LOG.warn("{}: capture error: {}", port.iface.name(), rx.error());
                        } else {
                            LOG.debug("{}: capture error: {}", port.iface.name(), rx.error());
                        }
                        failing = true;
                        return -1;
                    } else {
                        break; // 0: nothing more waits
                    }
                }
                return n;
            }
        }
    }

    private void readLoop() {
        PcapNextEx direct = PcapNextEx.open(capture,
                why -> LOG.debug("{}: reading through pcap4j ({})", iface.name(), why));
        if (direct != null) {
            readDirect(direct);
        } else {
            readThroughPcap4j();
        }
    }

    /** The usual reader: libpcap's pcap_next_ex on pcap4j's handle, see {@link PcapNextEx}. */
    private void readDirect(PcapNextEx rx) {
        while (running) {
            int rc = rx.next();
            if (rc == PcapNextEx.PACKET) {
                deliverLast(rx);
            } else if (rc == PcapNextEx.ERROR) {
                if (running) {
                    LOG.warn("{}: capture error: {}", iface.name(), rx.error());
                    CaptureReaders.pauseAfterError();
                }
            }
            // TIMEOUT lets us see running == false; BREAK is breakLoop(): the running flag decides
        }
    }

    /** Where the direct binding is unavailable: pcap4j's own read. */
    private void readThroughPcap4j() {
        while (running) {
            byte[] frame;
            try {
                frame = capture.getNextRawPacketEx();
            } catch (TimeoutException e) {
                continue; // the timed read lets us see running == false
            } catch (EOFException e) {
                continue; // woken by breakLoop(): the running flag decides
            } catch (NotOpenException e) {
                break;
            } catch (PcapNativeException e) {
                if (running) {
                    LOG.warn("{}: capture error: {}", iface.name(), e.getMessage());
                    CaptureReaders.pauseAfterError();
                }
                continue;
            }
            Timestamp stamp = capture.getTimestamp();
            if (stamp == null) {
                deliver(frame, System.nanoTime());
            } else {
                Instant at = stamp.toInstant();
                deliver(frame, arrivalNanos(at.getEpochSecond(), at.getNano()));
            }
        }
    }

    /** Older than this, a capture timestamp is not trusted (the wall clock was stepped meanwhile). */
    private static final long MAX_CAPTURE_AGE_NANOS = 1_000_000_000L;

    /**
     * When the kernel received the frame captured at {@code captureSeconds}.{@code captureNanos}
     * (wall clock, set as the frame arrived), on the {@link System#nanoTime()} scale: the capture
     * time aged against the wall clock now. The master down timer then runs from the advert's
     * arrival, not from whenever this thread was scheduled.
     */
    private static long arrivalNanos(long captureSeconds, long captureNanos) {
        // The two clocks are read back to back: anything between them (preemption of this thread)
        // would age the frame and fire the master down timer that much early.
        long now = System.nanoTime();
        Instant wallNow = Instant.now();
        return arrivalNanos(captureSeconds, captureNanos, now, wallNow.getEpochSecond(), wallNow.getNano());
    }

    /**
     * {@code now} less the frame's age, the wall clock's {@code wallSeconds}.{@code wallNanos} less
     * the capture time; just {@code now} when that age is negative or over {@link
     * #MAX_CAPTURE_AGE_NANOS} (the wall clock was stepped).
     */
    static long arrivalNanos(long captureSeconds, long captureNanos, long now, long wallSeconds, long wallNanos) {
        long seconds = wallSeconds - captureSeconds;
        if (seconds < -1 || seconds > 2) {
            return now; // far out of range, and the nanosecond arithmetic below must not overflow
        }
        long age = seconds * 1_000_000_000L + (wallNanos - captureNanos);
        return age >= 0 && age <= MAX_CAPTURE_AGE_NANOS ? now - age : now;
    }

    /** Hands on the frame {@code rx} read last, stamped with its capture time. */
    private void deliverLast(PcapNextEx rx) {
        deliver(rx.copyFrame(), arrivalNanos(rx.last.seconds, rx.last.nanos));
    }

    private void deliver(byte[] frame, long arrivedAtNanos) {
        ParseResult r = FrameParser.parse(frame, iface.name(), arrivedAtNanos, iface.mac());
        if (r instanceof ParseResult.Dropped d) {
            drops.count(d.reason(), d.detail());
            return;
        }
        try {
            receiver.accept((ReceivedVrrp) r);
        } catch (RuntimeException e) {
            if (drops.count(DropReason.RECEIVER_FAILED, e.toString())) {
                LOG.warn("{}: receiver failed", iface.name(), e);
            }
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        if (capture == null) {
            // sending only: no reader, no capture
        } else if (polledReader != null) {
            synchronized (polledReader) {
                capture.close(); // no read runs now, and none starts: running is false
            }
        } else {
            closeReadByThread();
        }
        synchronized (sendLock) {
            sender.close();
        }
        memberships.forEach(MulticastMembership::close);
        LOG.info("{}: packet IO closed", iface.name());
    }

    private void closeReadByThread() {
        try {
            capture.breakLoop(); // wakes a read blocked in poll()
        } catch (NotOpenException ignored) {
            // already closed: nothing to wake
        }
        if (CaptureReaders.awaitStop(reader)) {
            capture.close();
        } else {
            LOG.debug("{}: capture reader did not stop; leaving its handle open", iface.name()); // rather than hang
        }
    }

    private static void closeAll(List<AutoCloseable> opened) {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already failing; the first error is the one reported
            }
        }
    }
}
