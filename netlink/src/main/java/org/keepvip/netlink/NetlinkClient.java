package org.keepvip.netlink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The command side of rtnetlink: add and delete VIPs, list links and addresses, look up routes and
 * neighbours. One socket, one request at a time (methods are synchronised, so worker threads may
 * share an instance). Replies are matched by sequence number and must come from the kernel (sender
 * port id 0); anything else on the socket is dropped.
 *
 * <p>The socket lives in the network namespace of the thread that called {@link #open}; open it on
 * a {@link NetNamespace} thread to work in that namespace, then use it from any thread.
 */
public final class NetlinkClient implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(NetlinkClient.class);
    /** Interval between re-triggers of a neighbour resolution that has not completed. */
    private static final long RETRIGGER_NANOS = 1_000_000_000L;
    private static final long NEIGH_POLL_MILLIS = 10;
    private static final int DUMP_ATTEMPTS = 3;
    private static final int DISCARD_PORT = 9;

    private final NetlinkSocket socket;
    private final long timeoutNanos;
    private final byte[] buf = new byte[NetlinkSocket.RECEIVE_BUFFER];
    private int seq;

    private NetlinkClient(NetlinkSocket socket, Duration timeout) {
        this.socket = socket;
        this.timeoutNanos = timeout.toNanos();
        this.seq = (int) (System.nanoTime() & 0x7FFF_FFFF); // a fresh range per socket, as time-seeded seq in iproute2
    }

    /** Opens a client in the calling thread's namespace, waiting up to 1 s for each reply. */
    public static NetlinkClient open() throws NetlinkException {
        return open(Duration.ofSeconds(1));
    }

    /** Opens a client in the calling thread's namespace; {@code timeout} bounds each reply. */
    public static NetlinkClient open(Duration timeout) throws NetlinkException {
        return new NetlinkClient(NetlinkSocket.open(), timeout);
    }

    /**
     * As {@link #open()}, with a receive buffer of {@code bytes} (0: the kernel's default) for the
     * acknowledgements and dumps the requests bring back; {@code force}: past net.core.rmem_max.
     */
    public static NetlinkClient open(int bytes, boolean force) throws NetlinkException {
        NetlinkSocket s = NetlinkSocket.open();
        if (bytes > 0 && !s.setReceiveBuffer(bytes, force)) {
            LOG.warn("netlink: cannot set {} {} on the command socket - using what was set",
                    force ? "SO_RCVBUFFORCE" : "SO_RCVBUF", bytes);
        }
        return new NetlinkClient(s, Duration.ofSeconds(1));
    }

    // ---------------------------------------------------------------- addresses

    /**
     * Adds a VIP. Returns true if it was added, false if it was already there (EEXIST counts as
     * success, as in keepalived).
     *
     * @throws NetlinkException with the kernel's errno otherwise (ENODEV for a missing interface, ...)
     */
    public synchronized boolean addAddress(VipSpec vip) throws NetlinkException {
        int ifindex = resolveIfindex(vip, true);
        Ack a = addressChange(true, vip, ifindex);
        int errno = a.errno();
        if (errno == 0) {
            LOG.debug("netlink: added {}", vip);
            return true;
        }
        if (errno == Errno.EEXIST) {
            LOG.debug("netlink: {} already present", vip);
            return false;
        }
        throw new NetlinkException("add " + vip, errno, a.kernelSays());
    }

    /**
     * Adds many VIPs with few system calls: their RTM_NEWADDR requests go to the kernel
     * {@link #batchSize()} at a time in one datagram, each with NLM_F_ACK, and every answer is
     * matched back to its VIP by sequence number, so one failure (an interface gone, ...) is reported
     * for that VIP alone while the others are added. The kernel handles the messages of a datagram
     * one after the other, as if they had been sent one by one (netlink_rcv_skb()). Each VIP must
     * carry its interface index ({@link VipSpec#withIfindex}); one without fails with ENODEV.
     *
     * <p>When the socket itself fails (an answer the kernel dropped for want of buffer: ENOBUFS; no
     * answer in time), the VIPs answered so far keep their results and every other one is reported
     * not {@link AddressResult#answered()}, with nothing more sent: only those need repeating.
     *
     * @return one result per VIP, in the order given; this method does not throw
     */
    public synchronized List<AddressResult> addAddresses(List<VipSpec> vips) {
        return changeAddresses(true, vips);
    }

    /**
     * Deletes many VIPs as {@link #addAddresses} adds them: one failure costs its VIP alone. A VIP
     * that was not there (EADDRNOTAVAIL, or its interface gone: ENODEV, also for one without an
     * interface index) is {@link AddressResult#ok()} but not {@link AddressResult#changed()}; one
     * answered "deleted" stays {@link AddressResult#changed()} even when the socket fails later.
     */
    public synchronized List<AddressResult> deleteAddresses(List<VipSpec> vips) {
        return changeAddresses(false, vips);
    }

    private List<AddressResult> changeAddresses(boolean add, List<VipSpec> vips) {
        AddressResult[] out = new AddressResult[vips.size()];
        int from = 0;
        try {
            int chunk = batchSize();
            for (; from < vips.size(); from += chunk) {
                changeChunk(add, vips.subList(from, Math.min(vips.size(), from + chunk)), out, from);
            }
        } catch (NetlinkException e) {
            // The socket failed: the chunk's answered VIPs are in out, the rest stay unanswered.
            LOG.debug("netlink: {} batch stopped: {}", add ? "add" : "delete", e.getMessage());
            for (int i = from; i < out.length; i++) {
                if (out[i] == null) {
                    out[i] = AddressResult.unanswered(vips.get(i), add, e);
                }
            }
        }
        return Arrays.asList(out);
    }

    /**
     * Requests per datagram in {@link #addAddresses}: every answer waits in the receive buffer until
     * the whole datagram was handled, and one that does not fit is dropped by the kernel (ENOBUFS),
     * so a batch is bounded by the buffer (about 1 KiB charged per answer) and by 64.
     */
    public synchronized int batchSize() throws NetlinkException {
        if (batchSize == 0) {
            batchSize = Math.max(1, Math.min(MAX_BATCH, socket.receiveBufferBytes() / ACK_CHARGE_BYTES));
        }
        return batchSize;
    }

    /**
     * Tests only: {@code n} requests per datagram whatever the receive buffer holds, so the kernel
     * drops the answers that do not fit (ENOBUFS), as a socket failing mid-batch.
     */
    synchronized void overrideBatchSize(int n) {
        batchSize = n;
    }

    private static final int MAX_BATCH = 64;
    /** Twice what one answer costs the receive buffer (skb and its data, ~0.8 KiB): room to spare. */
    private static final int ACK_CHARGE_BYTES = 2048;
    private int batchSize;

    /** Fills {@code results[offset..offset + vips.size())} with the answers as they come, before any failure. */
    private void changeChunk(boolean add, List<VipSpec> vips, AddressResult[] results, int offset)
            throws NetlinkException {
        if (seq > Integer.MAX_VALUE - vips.size()) {
            seq = 0; // the chunk's sequence numbers stay consecutive, so an answer's index is seq - first
        }
        int first = seq + 1;
        int pending = 0;
        ByteArrayOutputStream request = new ByteArrayOutputStream(vips.size() * 96);
        for (int i = 0; i < vips.size(); i++) {
            VipSpec v = vips.get(i);
            int s = nextSeq();
            if (v.ifindex() <= 0) {
                results[offset + i] = new AddressResult(v, add, Errno.ENODEV, "");
                continue;
            }
            byte[] m = RtnlCodec.addressRequest(add, v, v.ifindex(), s);
            request.write(m, 0, m.length);
            request.write(PAD, 0, Rtnl.align(m.length) - m.length);
            pending++;
        }
        if (pending > 0) {
            socket.send(request.toByteArray());
        }
        long deadline = System.nanoTime() + timeoutNanos;
        NetlinkException dropped = null;
        while (pending > 0) {
            NetlinkSocket.Datagram d;
            try {
                d = socket.receive(buf, true); // the answers are queued when send returns
            } catch (NetlinkException e) {
                if (e.errno() != Errno.ENOBUFS || dropped != null) {
                    throw e;
                }
                // The kernel dropped answers that did not fit; the ones queued before are still
                // read (the error is reported ahead of them), then the rest count as unanswered.
                dropped = e;
                continue;
            }
            if (d == null && dropped != null) {
                throw dropped;
            }
            if (d == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new NetlinkException((add ? "add " : "delete ") + pending + " addresses: no answer from the kernel within "
                            + Duration.ofNanos(timeoutNanos).toMillis() + " ms", Errno.ETIMEDOUT);
                }
                socket.setReceiveTimeout(Math.max(1, left / 1_000_000));
                d = socket.receive(buf);
            }
            if (d == null || d.senderPid() != 0) {
                continue;
            }
            for (NetlinkMessage m : NetlinkMessage.split(d.data())) {
                int i = m.header().seq() - first;
                Optional<NlMsgErr> err = m.error();
                if (i < 0 || i >= vips.size() || results[offset + i] != null || err.isEmpty()) {
                    continue; // a late answer to an earlier request, or not an answer
                }
                results[offset + i] = new AddressResult(vips.get(i), add, err.get().errno(), m.extAckMessage().orElse(""));
                pending--;
            }
        }
        if (LOG.isDebugEnabled()) {
            for (int i = offset; i < offset + vips.size(); i++) {
                AddressResult r = results[i];
                LOG.debug("netlink: {} {}: {}", add ? "add" : "delete", r.vip(),
                        r.changed() ? "done" : r.ok() ? "nothing to do" : Errno.describe(r.errno()));
            }
        }
    }

    private static final byte[] PAD = new byte[4];

    /**
     * Deletes a VIP. Returns true if it was deleted, false if it was not there (EADDRNOTAVAIL, or
     * ENODEV / missing interface, count as success, as in keepalived).
     */
    public synchronized boolean deleteAddress(VipSpec vip) throws NetlinkException {
        int ifindex = resolveIfindex(vip, false);
        if (ifindex == 0) {
            return false;
        }
        Ack a = addressChange(false, vip, ifindex);
        int errno = a.errno();
        if (errno == 0) {
            LOG.debug("netlink: deleted {}", vip);
            return true;
        }
        if (errno == Errno.EADDRNOTAVAIL || errno == Errno.ENODEV) {
            LOG.debug("netlink: {} was not present ({})", vip, Errno.describe(errno));
            return false;
        }
        throw new NetlinkException("delete " + vip, errno, a.kernelSays());
    }

    /**
     * Sends one RTM_NEWADDR or RTM_DELADDR and reads its ACK. Add and delete share this code, so a
     * start-up that deletes warms the add up too: the first takeover then links no lambda of its own (~0.3 ms, seen in the
     * class-load log of the first takeover).
     */
    private Ack addressChange(boolean add, VipSpec vip, int ifindex) throws NetlinkException {
        int s = nextSeq();
        return ack(RtnlCodec.addressRequest(add, vip, ifindex, s), s, () -> (add ? "add " : "delete ") + vip);
    }

    /** Every address of every interface (IPv4 and IPv6). */
    public synchronized List<IfAddress> addresses() throws NetlinkException {
        return dump(s -> RtnlCodec.addressDumpRequest(Rtnl.AF_UNSPEC, s), Rtnl.RTM_NEWADDR,
                m -> RtnlCodec.address(m.body()), "list addresses");
    }

    /** The addresses on one interface. */
    public List<IfAddress> addresses(int ifindex) throws NetlinkException {
        return addresses().stream().filter(a -> a.ifindex() == ifindex).toList();
    }

    // ---------------------------------------------------------------- links

    /** Every interface. */
    public synchronized List<Link> links() throws NetlinkException {
        return dump(RtnlCodec::linkDumpRequest, Rtnl.RTM_NEWLINK, m -> RtnlCodec.link(m.body()), "list links");
    }

    /** The interface called {@code name}, if it exists. */
    public Optional<Link> link(String name) throws NetlinkException {
        return links().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** The interface with index {@code ifindex}, if it exists. */
    public Optional<Link> link(int ifindex) throws NetlinkException {
        return links().stream().filter(l -> l.ifindex() == ifindex).findFirst();
    }

    // ---------------------------------------------------------------- routes and neighbours

    /**
     * The route the kernel would use to reach {@code destination}.
     *
     * @throws NetlinkException ENETUNREACH / EHOSTUNREACH when there is none
     */
    public synchronized Route route(InetAddress destination) throws NetlinkException {
        int oif = destination instanceof Inet6Address a6 && a6.getScopeId() > 0 ? a6.getScopeId() : 0;
        String what = "route to " + Addresses.format(destination);
        int s = nextSeq();
        socket.send(RtnlCodec.routeRequest(destination, oif, s));
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            for (NetlinkMessage m : receiveFor(s, deadline, what)) {
                Optional<NlMsgErr> err = m.error();
                if (err.isPresent() && !err.get().isAck()) {
                    throw new NetlinkException(what, err.get().errno());
                }
                if (m.header().type() == Rtnl.RTM_NEWROUTE) {
                    return RtnlCodec.route(m.body(), destination)
                            .orElseThrow(() -> new NetlinkException(what + ": reply without output interface",
                                    Errno.EHOSTUNREACH));
                }
            }
        }
    }

    /**
     * Adds a route. Returns true if it was added, false if the kernel already had it (EEXIST counts as
     * success, as for addresses).
     *
     * @throws NetlinkException with the kernel's errno and extended-ack text otherwise (ENODEV for a
     *         missing interface, ENETUNREACH for an unreachable gateway, ...)
     */
    public synchronized boolean addRoute(RouteSpec r) throws NetlinkException {
        int oif = r.ifname().isPresent() ? requireIfindex(r.ifname().get(), "add route " + r) : 0;
        Ack a = change(s -> RtnlCodec.routeChangeRequest(true, r, oif, s), "add route " + r);
        if (a.errno() == 0 || a.errno() == Errno.EEXIST) {
            LOG.debug("netlink: route {} {}", r, a.errno() == 0 ? "added" : "already present");
            return a.errno() == 0;
        }
        throw new NetlinkException("add route " + r, a.errno(), a.kernelSays());
    }

    /**
     * Deletes a route. Returns true if it was deleted, false if it was not there (ESRCH, or its
     * interface gone: the kernel removed the route with it).
     */
    public synchronized boolean deleteRoute(RouteSpec r) throws NetlinkException {
        int oif = 0;
        if (r.ifname().isPresent()) {
            Optional<Link> l = link(r.ifname().get());
            if (l.isEmpty()) {
                return false;
            }
            oif = l.get().ifindex();
        }
        int ifindex = oif;
        Ack a = change(s -> RtnlCodec.routeChangeRequest(false, r, ifindex, s), "delete route " + r);
        if (a.errno() == 0) {
            LOG.debug("netlink: route {} deleted", r);
            return true;
        }
        if (a.errno() == Errno.ESRCH || a.errno() == Errno.ENOENT || a.errno() == Errno.ENODEV) {
            return false;
        }
        throw new NetlinkException("delete route " + r, a.errno(), a.kernelSays());
    }

    /** Adds a rule. Returns true if it was added, false if an identical rule was there (EEXIST). */
    public synchronized boolean addRule(RuleSpec r) throws NetlinkException {
        Ack a = change(s -> RtnlCodec.ruleChangeRequest(true, r, s), "add rule " + r);
        if (a.errno() == 0 || a.errno() == Errno.EEXIST) {
            LOG.debug("netlink: rule {} {}", r, a.errno() == 0 ? "added" : "already present");
            return a.errno() == 0;
        }
        throw new NetlinkException("add rule " + r, a.errno(), a.kernelSays());
    }

    /** Deletes a rule. Returns true if it was deleted, false if it was not there (ENOENT). */
    public synchronized boolean deleteRule(RuleSpec r) throws NetlinkException {
        Ack a = change(s -> RtnlCodec.ruleChangeRequest(false, r, s), "delete rule " + r);
        if (a.errno() == 0) {
            LOG.debug("netlink: rule {} deleted", r);
            return true;
        }
        if (a.errno() == Errno.ENOENT || a.errno() == Errno.ESRCH) {
            return false;
        }
        throw new NetlinkException("delete rule " + r, a.errno(), a.kernelSays());
    }

    private int requireIfindex(String name, String what) throws NetlinkException {
        return link(name).map(Link::ifindex).orElseThrow(() ->
                new NetlinkException(what + ": interface " + name + " does not exist", Errno.ENODEV));
    }

    /** Sends the request built for a fresh sequence number and reads its ACK. */
    private Ack change(IntFunction<byte[]> request, String what) throws NetlinkException {
        int s = nextSeq();
        return ack(request.apply(s), s, () -> what);
    }

    /** The neighbour entry for {@code address} on {@code ifindex}, if the table has one. */
    public synchronized Optional<Neighbour> neighbour(int ifindex, InetAddress address) throws NetlinkException {
        String what = "neighbour " + Addresses.format(address);
        if (!neighbourGetUnsupported) {
            int s = nextSeq();
            socket.send(RtnlCodec.neighbourGetRequest(ifindex, address, s));
            long deadline = System.nanoTime() + timeoutNanos;
            while (true) {
                for (NetlinkMessage m : receiveFor(s, deadline, what)) {
                    Optional<NlMsgErr> err = m.error();
                    if (err.isPresent()) {
                        int errno = err.get().errno();
                        if (errno == Errno.ENOENT) {
                            return Optional.empty();
                        }
                        if (errno != Errno.EOPNOTSUPP && errno != Errno.EINVAL) {
                            throw new NetlinkException(what, errno, m.extAckMessage().orElse(""));
                        }
                        // Kernel before 4.18: no single-entry get; dump the table from now on.
                        neighbourGetUnsupported = true;
                        return neighbourFromDump(ifindex, address);
                    }
                    if (m.header().type() == Rtnl.RTM_NEWNEIGH) {
                        return RtnlCodec.neighbour(m.body())
                                .filter(n -> n.ifindex() == ifindex && RtnlCodec.sameAddress(n.address(), address));
                    }
                }
            }
        }
        return neighbourFromDump(ifindex, address);
    }

    private Optional<Neighbour> neighbourFromDump(int ifindex, InetAddress address) throws NetlinkException {
        int family = address instanceof Inet6Address ? Rtnl.AF_INET6 : Rtnl.AF_INET;
        return dump(s -> RtnlCodec.neighbourDumpRequest(family, s), Rtnl.RTM_NEWNEIGH,
                m -> RtnlCodec.neighbour(m.body()), "list neighbours").stream()
                .filter(n -> n.ifindex() == ifindex && RtnlCodec.sameAddress(n.address(), address))
                .findFirst();
    }

    /**
     * The next hop and its MAC for a unicast peer: route lookup, then the neighbour table; when the
     * entry is missing or unresolved, asks the kernel to resolve it (RTM_NEWNEIGH with NTF_USE, or a
     * UDP datagram to the hop's discard port if that is refused) and polls until {@code timeout}.
     *
     * @throws NetlinkException ENETUNREACH without a route, ETIMEDOUT if the MAC did not resolve in time
     */
    public NextHop resolveNextHop(InetAddress peer, Duration timeout) throws NetlinkException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Route r = route(peer);
        if (r.type() == Rtnl.RTN_LOCAL) {
            throw new NetlinkException("next hop for " + Addresses.format(peer) + ": it is a local address",
                    Errno.EINVAL);
        }
        InetAddress hop = r.nextHop();
        long lastTrigger = 0;
        boolean triggered = false;
        Optional<Neighbour> n;
        while (true) {
            n = neighbour(r.outputIfindex(), hop);
            if (n.isPresent() && n.get().isUsable()) {
                return new NextHop(peer, r.outputIfindex(), hop, n.get().mac().orElseThrow());
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            if (!triggered || now - lastTrigger >= RETRIGGER_NANOS) {
                triggerResolution(r.outputIfindex(), hop);
                triggered = true;
                lastTrigger = now;
            }
            try {
                Thread.sleep(NEIGH_POLL_MILLIS); // polling the table with a deadline; no event to wait on here
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NetlinkException("resolve " + Addresses.format(hop) + ": interrupted", Errno.EINTR, e);
            }
        }
        String state = n.map(x -> "state 0x" + Integer.toHexString(x.state())).orElse("no entry");
        throw new NetlinkException("no link-layer address for " + Addresses.format(hop) + " on ifindex "
                + r.outputIfindex() + " (" + state + ")", Errno.ETIMEDOUT);
    }

    /**
     * Starts ARP/ND for {@code hop} with RTM_NEWNEIGH + NTF_USE; if the kernel refuses, sends a
     * datagram to the hop instead. That fallback datagram leaves from the calling thread's
     * namespace, so call from the namespace thread when the two differ.
     */
    private void triggerResolution(int ifindex, InetAddress hop) throws NetlinkException {
        int errno = requestResolution(ifindex, hop);
        if (errno != 0) {
            LOG.debug("netlink: NTF_USE for {} refused ({}); sending a datagram instead", Addresses.format(hop),
                    Errno.describe(errno));
            sendDiscardDatagram(ifindex, hop);
        }
    }

    /** Sends RTM_NEWNEIGH with NTF_USE; returns the errno of the ACK (0 = resolution started). */
    synchronized int requestResolution(int ifindex, InetAddress hop) throws NetlinkException {
        int s = nextSeq();
        return ack(RtnlCodec.neighbourUseRequest(ifindex, hop, s), s, () -> "resolve " + Addresses.format(hop)).errno();
    }

    /** Fallback trigger: a one-byte UDP datagram to the discard port makes the kernel resolve the hop. */
    static void sendDiscardDatagram(int ifindex, InetAddress hop) {
        try (DatagramSocket ds = new DatagramSocket()) {
            InetAddress target = hop instanceof Inet6Address && hop.isLinkLocalAddress()
                    ? Inet6Address.getByAddress(null, hop.getAddress(), ifindex) : hop;
            ds.send(new DatagramPacket(new byte[1], 1, new InetSocketAddress(target, DISCARD_PORT)));
        } catch (IOException e) {
            LOG.debug("netlink: discard datagram to {} failed: {}", Addresses.format(hop), e.toString());
        }
    }

    // ---------------------------------------------------------------- links (VMAC)

    /**
     * Creates a private-mode macvlan {@code name} on {@code parentIndex} with {@code mac} and returns
     * it as the kernel reports it.
     *
     * @throws NetlinkException EEXIST when the name is taken, ENODEV without the parent, ...
     */
    public synchronized Link createMacvlan(String name, int parentIndex, byte[] mac) throws NetlinkException {
        return createMacvlan(name, parentIndex, mac, 0);
    }

    /** The same, enslaved to VRF {@code masterIndex} unless it is 0. */
    public synchronized Link createMacvlan(String name, int parentIndex, byte[] mac, int masterIndex)
            throws NetlinkException {
        linkChange(s -> LinkCodec.createMacvlan(name, parentIndex, mac, masterIndex, s), "create macvlan " + name);
        return link(name).orElseThrow(() -> new NetlinkException("create macvlan " + name + ": gone at once", Errno.ENODEV));
    }

    /**
     * Creates an L2 ipvlan {@code name} on {@code parentIndex}, up, with IFLA_IPVLAN_FLAGS {@code flags},
     * enslaved to VRF {@code masterIndex} unless it is 0, and returns it as the kernel reports it.
     */
    public synchronized Link createIpvlan(String name, int parentIndex, int flags, int masterIndex)
            throws NetlinkException {
        linkChange(s -> LinkCodec.createIpvlan(name, parentIndex, flags, masterIndex, s), "create ipvlan " + name);
        return link(name).orElseThrow(() -> new NetlinkException("create ipvlan " + name + ": gone at once", Errno.ENODEV));
    }

    /** Enslaves link {@code ifindex} to {@code masterIndex} (a VRF), or frees it with 0. */
    public synchronized void setMaster(int ifindex, int masterIndex) throws NetlinkException {
        linkChange(s -> LinkCodec.setMaster(ifindex, masterIndex, s), "set master of " + ifindex);
    }

    /** Makes macvlan {@code ifindex} private with {@code mac}. */
    public synchronized void updateMacvlan(int ifindex, byte[] mac) throws NetlinkException {
        linkChange(s -> LinkCodec.updateMacvlan(ifindex, mac, s), "update macvlan " + ifindex);
    }

    /** Deletes link {@code ifindex}. Returns false if it was gone already (ENODEV). */
    public synchronized boolean deleteLink(int ifindex) throws NetlinkException {
        int s = nextSeq();
        Ack a = ack(LinkCodec.deleteLink(ifindex, s), s, () -> "delete link " + ifindex);
        if (a.errno() == Errno.ENODEV) {
            return false;
        }
        if (a.errno() != 0) {
            throw new NetlinkException("delete link " + ifindex, a.errno(), a.kernelSays());
        }
        return true;
    }

    /** Sets link {@code ifindex} administratively up or down. */
    public synchronized void setLinkUp(int ifindex, boolean up) throws NetlinkException {
        linkChange(s -> LinkCodec.setUp(ifindex, up, s), (up ? "up " : "down ") + ifindex);
    }

    /** Turns off IPv6 address generation (no EUI-64 link-local address) on link {@code ifindex}. */
    public synchronized void setAddrGenModeNone(int ifindex) throws NetlinkException {
        linkChange(s -> LinkCodec.addrGenModeNone(ifindex, s), "addr_gen_mode none on " + ifindex);
    }

    /** Sets IPV4_DEVCONF_* values (param to value) of link {@code ifindex}. */
    public synchronized void setIpv4Conf(int ifindex, java.util.Map<Integer, Integer> values) throws NetlinkException {
        linkChange(s -> LinkCodec.ipv4Conf(ifindex, values, s), "set ipv4 devconf " + values + " on " + ifindex);
    }

    private void linkChange(IntFunction<byte[]> request, String what) throws NetlinkException {
        int s = nextSeq();
        Ack a = ack(request.apply(s), s, () -> what);
        if (a.errno() != 0) {
            throw new NetlinkException(what, a.errno(), a.kernelSays());
        }
    }

    // ---------------------------------------------------------------- plumbing

    private int resolveIfindex(VipSpec vip, boolean add) throws NetlinkException {
        if (vip.ifindex() > 0) {
            return vip.ifindex();
        }
        String name = vip.ifname();
        Optional<Link> l = link(name);
        if (l.isPresent()) {
            return l.get().ifindex();
        }
        if (add) {
            throw new NetlinkException("add " + vip + ": interface " + name + " does not exist", Errno.ENODEV);
        }
        return 0;
    }

    private boolean neighbourGetUnsupported;

    /** The answer to a request sent with NLM_F_ACK: errno 0 = success, plus the kernel's text if any. */
    private record Ack(int errno, String kernelSays) {}

    /** {@code what} names the request in errors only: a VIP change on the takeover path builds no string. */
    private Ack ack(byte[] request, int s, Supplier<String> what) throws NetlinkException {
        socket.send(request);
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            for (NetlinkMessage m : receiveFor(s, deadline, what)) {
                Optional<NlMsgErr> err = m.error();
                if (err.isPresent()) {
                    return new Ack(err.get().errno(), m.extAckMessage().orElse(""));
                }
            }
        }
    }

    /** Runs a dump to NLMSG_DONE, decoding each message of {@code type}; restarts if interrupted. */
    private <T> List<T> dump(IntFunction<byte[]> request, int type,
                             Function<NetlinkMessage, Optional<T>> decode, String what) throws NetlinkException {
        for (int attempt = 1; ; attempt++) {
            int s = nextSeq();
            socket.send(request.apply(s));
            long deadline = System.nanoTime() + timeoutNanos;
            List<T> out = new ArrayList<>();
            boolean interrupted = false;
            boolean done = false;
            while (!done) {
                for (NetlinkMessage m : receiveFor(s, deadline, what)) {
                    interrupted |= (m.header().flags() & Rtnl.NLM_F_DUMP_INTR) != 0;
                    if (m.header().type() == Rtnl.NLMSG_DONE) {
                        ByteBuffer b = m.bodyView();
                        if (b.remaining() >= 4 && b.getInt(0) < 0) {
                            throw new NetlinkException(what, -b.getInt(0));
                        }
                        done = true;
                        break;
                    }
                    Optional<NlMsgErr> err = m.error();
                    if (err.isPresent() && !err.get().isAck()) {
                        throw new NetlinkException(what, err.get().errno());
                    }
                    if (m.header().type() == type) {
                        decode.apply(m).ifPresent(out::add);
                    }
                }
            }
            if (!interrupted || attempt == DUMP_ATTEMPTS) {
                return out;
            }
            LOG.debug("netlink: {} interrupted by a concurrent change, retrying", what);
        }
    }

    /**
     * Receives until a datagram from the kernel holds messages with sequence {@code s}, and returns
     * those. Messages for other sequences (late answers to a timed-out request) are dropped.
     */
    private List<NetlinkMessage> receiveFor(int s, long deadline, String what) throws NetlinkException {
        return receiveFor(s, deadline, () -> what);
    }

    private List<NetlinkMessage> receiveFor(int s, long deadline, Supplier<String> what) throws NetlinkException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new NetlinkException(what.get() + ": no answer from the kernel within "
                        + Duration.ofNanos(timeoutNanos).toMillis() + " ms", Errno.ETIMEDOUT);
            }
            socket.setReceiveTimeout(Math.max(1, left / 1_000_000));
            NetlinkSocket.Datagram d = socket.receive(buf);
            if (d == null || d.senderPid() != 0) {
                continue;
            }
            List<NetlinkMessage> mine = NetlinkMessage.split(d.data()).stream()
                    .filter(m -> m.header().seq() == s).toList();
            if (!mine.isEmpty()) {
                return mine;
            }
        }
    }

    private int nextSeq() {
        seq = seq == Integer.MAX_VALUE ? 1 : seq + 1;
        return seq;
    }

    @Override
    public void close() {
        socket.close();
    }
}
