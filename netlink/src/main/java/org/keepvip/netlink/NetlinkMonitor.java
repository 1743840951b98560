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
        return start(consumer, RCVBUF);
    }

    /**
     * As {@link #start(Consumer)} with the configured receive buffer: {@code bytes} (0: keepvip's
     * own, 1 MiB) through SO_RCVBUF, or with {@code force} SO_RCVBUFFORCE.
     */
    public static NetlinkMonitor start(Consumer<NetlinkEvent> consumer, int bytes, boolean force)
            throws NetlinkException {
        if (bytes <= 0) {
            return start(consumer);
        }
        NetlinkMonitor m = start(consumer, bytes);
        if (!m.socket.setReceiveBuffer(bytes, force)) {
            LOG.warn("netlink: cannot set {} {} on the monitor socket - using what was set",
                    force ? "SO_RCVBUFFORCE" : "SO_RCVBUF", bytes);
        }
        return m;
    }

    /** As {@link #start(Consumer)} with a chosen receive buffer (tests use a tiny one to provoke overruns). */
    static NetlinkMonitor start(Consumer<NetlinkEvent> consumer, int receiveBuffer) throws NetlinkException {
        NetlinkSocket s = NetlinkSocket.open(Rtnl.RTNLGRP_LINK, Rtnl.RTNLGRP_IPV4_IFADDR, Rtnl.RTNLGRP_IPV6_IFADDR);
        try {
            s.setReceiveBuffer(receiveBuffer);
            s.setReceiveTimeout(POLL.toMillis());
        } catch (NetlinkException e) {
            s.close();
            throw e;
        }
        NetlinkMonitor m = new NetlinkMonitor(s, consumer, "netlink-monitor");
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
