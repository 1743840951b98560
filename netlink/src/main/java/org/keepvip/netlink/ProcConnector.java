package org.keepvip.netlink;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A subscription to the kernel's process events (NETLINK_CONNECTOR, CN_IDX_PROC): fork, exec, comm
 * and exit of every process, as they happen, without reading /proc. Needs CAP_NET_ADMIN and a
 * kernel with CONFIG_PROC_EVENTS.
 *
 * <p>The kernel sends these events only to sockets of the initial network namespace. In another
 * one (a daemon started with {@code ip netns exec}) the socket is opened on a short-lived thread
 * that enters the network namespace of PID 1, as keepalived opens it before it enters its
 * {@code net_namespace}; that is done only when this process shares PID 1's PID namespace, so the
 * pids in the events are ours. Not thread-safe: one reader.
 */
public final class ProcConnector implements Closeable {
    private static final int SOCK_DGRAM = 2;
    private static final int NETLINK_CONNECTOR = 11;
    private static final int CLONE_NEWNET = 0x40000000;

    private final NetlinkSocket socket;
    private final byte[] buf = new byte[1024];
    private final boolean initialNamespace;
    private long timeoutMillis = -1;
    private boolean bufferSet = true;

    private ProcConnector(NetlinkSocket socket, boolean initialNamespace) {
        this.socket = socket;
        this.initialNamespace = initialNamespace;
    }

    /**
     * Opens and subscribes. Throws with EPROTONOSUPPORT when the kernel has no connector, and with
     * ECONNREFUSED when no namespace with the process connector can be reached.
     */
    public static ProcConnector open() throws NetlinkException {
        return open(0, false);
    }

    /**
     * As {@link #open()}, with {@code process_monitor_rcv_bufs}: {@code bytes} 0 keeps keepvip's own
     * 1 MiB (SO_RCVBUFFORCE where allowed); otherwise SO_RCVBUF, or with {@code force} SO_RCVBUFFORCE,
     * as keepalived's set_rcv_buf() (keepalived/core/track_process.c). A size the kernel refuses is
     * logged by the caller through {@link #receiveBufferSet()}.
     */
    public static ProcConnector open(int bytes, boolean force) throws NetlinkException {
        try {
            return subscribe(false, bytes, force);
        } catch (NetlinkException e) {
            if (e.errno() != Errno.ECONNREFUSED || !otherNetNamespaceOfPid1()) {
                throw e;
            }
        }
        return inNamespaceOfPid1(bytes, force);
    }

    /** False when a configured receive buffer could not be set as asked (keepalived logs it and runs on). */
    public boolean receiveBufferSet() {
        return bufferSet;
    }

    /** Whether the socket was opened in PID 1's network namespace rather than ours. */
    public boolean initialNamespace() {
        return initialNamespace;
    }

    private static ProcConnector subscribe(boolean initial, int bytes, boolean force) throws NetlinkException {
        NetlinkSocket s = NetlinkSocket.openProtocol(SOCK_DGRAM, NETLINK_CONNECTOR, ProcEvent.CN_IDX_PROC);
        boolean set = true;
        try {
            if (bytes == 0) {
                s.setReceiveBuffer(1 << 20);
            } else {
                set = s.setReceiveBuffer(bytes, force);
            }
            s.send(ProcEvent.subscription(s.portId(), true));
        } catch (NetlinkException e) {
            s.close();
            throw e;
        }
        ProcConnector c = new ProcConnector(s, initial);
        c.bufferSet = set;
        return c;
    }

    /** SO_RCVBUF of the socket as the kernel reports it (twice what was asked). */
    public int receiveBufferBytes() throws NetlinkException {
        return socket.receiveBufferBytes();
    }

    /** Our network namespace is not PID 1's, and PID 1 is in our PID namespace's view the real init. */
    private static boolean otherNetNamespaceOfPid1() {
        try {
            Path self = Path.of("/proc/thread-self/ns"); // the namespace is per thread
            Path init = Path.of("/proc/1/ns");
            return !Files.readSymbolicLink(self.resolve("net")).equals(Files.readSymbolicLink(init.resolve("net")))
                    && Files.readSymbolicLink(self.resolve("pid")).equals(Files.readSymbolicLink(init.resolve("pid")));
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static ProcConnector inNamespaceOfPid1(int bytes, boolean force) throws NetlinkException {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "proc-connector-open");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<ProcConnector> f = ex.submit(() -> {
                int fd = Libc.open("/proc/1/ns/net", 0);
                try {
                    Libc.setns(fd, CLONE_NEWNET);
                } finally {
                    Libc.close(fd);
                }
                return subscribe(true, bytes, force);
            });
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof NetlinkException n) {
                throw n;
            }
            int errno = e.getCause() instanceof com.sun.jna.LastErrorException l ? l.getErrorCode() : Errno.ECONNREFUSED;
            throw new NetlinkException("enter PID 1's network namespace for process events", errno, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetlinkException("interrupted opening the process connector", Errno.EINTR, e);
        } finally {
            ex.shutdownNow(); // the thread that entered the other namespace ends here
        }
    }

    /**
     * The next event from the kernel, waiting at most {@code millis}; empty on timeout or for a
     * message that is not a process event. ENOBUFS (events were lost) is thrown with that errno.
     */
    public Optional<ProcEvent> next(long millis) throws NetlinkException {
        long ms = Math.max(1, millis);
        if (ms != timeoutMillis) {
            socket.setReceiveTimeout(ms);
            timeoutMillis = ms;
        }
        NetlinkSocket.Datagram d = socket.receive(buf);
        if (d == null || d.senderPid() != 0) {
            return Optional.empty();
        }
        return ProcEvent.parse(d.data());
    }

    /** Unsubscribes and closes. */
    @Override
    public void close() {
        try {
            socket.send(ProcEvent.subscription(socket.portId(), false));
        } catch (NetlinkException ignored) {
            // closing anyway
        }
        socket.close();
    }
}
