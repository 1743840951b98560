package org.keepvip.netlink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches links and IPv4/IPv6 addresses (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR)
 * on a socket of its own and hands each change to a consumer, on a reader thread of its own.
 *
 * <p>The socket is opened in {@link #start} on the calling thread, so it watches that thread's
 * namespace. The reader wakes every {@link #POLL} to notice {@link #close}; close returns once the
 * reader has stopped, and no event is delivered after that. A consumer that throws is logged and the
 * reader goes on.
 */
public final class NetlinkMonitor implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(NetlinkMonitor.class);
    /** The monitor thread's name (a daemon that schedules its threads finds it by this name). */
    public static final String THREAD = "netlink-monitor";
    /** How often the reader checks for shutdown while no message arrives. */
    static final Duration POLL = Duration.ofMillis(200);
    private static final int RCVBUF = 1 << 20;

    private final NetlinkSocket socket;
    private final Consumer<NetlinkEvent> consumer;
    private final Thread reader;
    private volatile boolean running = true;

    private NetlinkMonitor(NetlinkSocket socket, Consumer<NetlinkEvent> consumer, String name) {
        this.socket = socket;
        this.consumer = consumer;
        this.reader = new Thread(this::run, name);
        this.reader.setDaemon(true);
    }

    /** Opens the monitor socket in the calling thread's namespace and starts the reader. */
    public static NetlinkMonitor start(Consumer<NetlinkEvent> consumer) throws NetlinkException {
        return withBuffer(consumer, RCVBUF);
    }

    /**
     * As {@link #start(Consumer)}, also watching the route and rule deletions of the given
     * RTNLGRP_* groups (keepalived watches them only where it tracks routes or rules:
     * keepalived/vrrp/vrrp.c, set_extra_netlink_monitoring()).
     */
    public static NetlinkMonitor start(Consumer<NetlinkEvent> consumer, int... extraGroups) throws NetlinkException {
        return withBuffer(consumer, RCVBUF, extraGroups);
    }

    /**
     * As {@link #start(Consumer, int...)} with the configured receive buffer: {@code bytes} (0:
     * keepvip's own, 1 MiB) through SO_RCVBUF, or with {@code force} SO_RCVBUFFORCE.
     */
    public static NetlinkMonitor start(Consumer<NetlinkEvent> consumer, int bytes, boolean force, int... extraGroups)
            throws NetlinkException {
        if (bytes <= 0) {
            return withBuffer(consumer, RCVBUF, extraGroups);
        }
        NetlinkMonitor m = withBuffer(consumer, bytes, extraGroups);
        if (!m.socket.setReceiveBuffer(bytes, force)) {
            LOG.warn("netlink: cannot set {} {} on the monitor socket - using what was set",
                    force ? "SO_RCVBUFFORCE" : "SO_RCVBUF", bytes);
        }
        return m;
    }

    /** As {@link #start(Consumer)} with a chosen receive buffer (tests use a tiny one to provoke overruns). */
    static NetlinkMonitor withBuffer(Consumer<NetlinkEvent> consumer, int receiveBuffer, int... extraGroups)
            throws NetlinkException {
        int[] groups = new int[3 + extraGroups.length];
        groups[0] = Rtnl.RTNLGRP_LINK;
        groups[1] = Rtnl.RTNLGRP_IPV4_IFADDR;
        groups[2] = Rtnl.RTNLGRP_IPV6_IFADDR;
        System.arraycopy(extraGroups, 0, groups, 3, extraGroups.length);
        NetlinkSocket s = NetlinkSocket.open(groups);
        try {
            s.setReceiveBuffer(receiveBuffer);
            s.setReceiveTimeout(POLL.toMillis());
        } catch (NetlinkException e) {
            s.close();
            throw e;
        }
        NetlinkMonitor m = new NetlinkMonitor(s, consumer, THREAD);
        m.reader.start();
        return m;
    }

    private void run() {
        byte[] buf = new byte[NetlinkSocket.RECEIVE_BUFFER];
        while (running) {
            NetlinkSocket.Datagram d;
            try {
                d = socket.receive(buf);
            } catch (NetlinkException e) {
                if (!running) {
                    break;
                }
                if (e.errno() == Errno.ENOBUFS) {
                    LOG.warn("Netlink: receive buffer overrun, some link/address changes were lost");
                    deliver(new NetlinkEvent.EventsLost());
                    continue;
                }
                LOG.error("Netlink: monitor receive failed, stopping the monitor: {}", e.getMessage());
                break;
            }
            if (d == null || d.senderPid() != 0) {
                continue; // timeout (check running) or not from the kernel
            }
            for (NetlinkMessage m : NetlinkMessage.split(d.data())) {
                Optional<NetlinkEvent> ev = NetlinkEvent.of(m);
                ev.ifPresent(this::deliver);
            }
        }
    }

    private void deliver(NetlinkEvent ev) {
        if (!running) {
            return;
        }
        try {
            consumer.accept(ev);
        } catch (RuntimeException e) {
            LOG.error("Netlink: event consumer failed on {}", ev, e);
        }
    }

    /** True while the reader thread is alive. */
    public boolean isRunning() {
        return reader.isAlive();
    }

    /** Stops the reader (within about {@link #POLL}) and closes the socket. */
    @Override
    public void close() {
        running = false;
        try {
            if (Thread.currentThread() != reader) {
                reader.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
