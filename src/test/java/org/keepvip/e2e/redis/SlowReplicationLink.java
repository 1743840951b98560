package org.keepvip.e2e.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import org.keepvip.e2e.lab.Lab;
import org.keepvip.e2e.lab.Node;

/**
 * A replication link slower than the VRRP hand-over: a TCP relay in the replica's namespace, on
 * 127.0.0.1, that passes the master's bytes on after {@code delay} (and the replica's at once), as
 * a loaded host or a distant replica would. The replica is pointed at it with {@code REPLICAOF
 * 127.0.0.1 port}; the master still sees the replica's own address (the relay connects from it).
 * The lab's kernel has no sch_netem, and this delays only replication, not the adverts.
 */
final class SlowReplicationLink implements AutoCloseable {
    private final ServerSocket listener;
    private final Duration delay;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private SlowReplicationLink(ServerSocket listener, Duration delay) {
        this.listener = listener;
        this.delay = delay;
    }

    /** Listens in {@code replica}'s namespace and relays each connection to {@code master}'s Redis. */
    static SlowReplicationLink start(Lab lab, Node replica, Node master, int port, Duration delay) throws Exception {
        ServerSocket s = lab.inNamespace(replica, () -> new ServerSocket(0, 4, InetAddress.getLoopbackAddress()));
        SlowReplicationLink link = new SlowReplicationLink(s, delay);
        link.spawn("relay-accept", () -> {
            while (!link.closed) {
                Socket in = s.accept();
                // Opened on the namespace's thread: the socket belongs to the replica's namespace.
                Socket out = lab.inNamespace(replica, () -> {
                    Socket o = new Socket();
                    o.connect(new InetSocketAddress(master.ipv4(), port), 2000);
                    return o;
                });
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                link.sockets.add(in);
                link.sockets.add(out);
                link.relay(out.getInputStream(), in.getOutputStream(), delay);
                link.relay(in.getInputStream(), out.getOutputStream(), Duration.ZERO);
            }
            return null;
        });
        return link;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** A chunk due at {@code due} ({@code System.nanoTime()}), the {@code seq}th read. */
    private record Chunk(byte[] bytes, long due, long seq) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Chunk c = (Chunk) o;
            return due != c.due ? Long.compare(due, c.due) : Long.compare(seq, c.seq);
        }
    }

    private void relay(InputStream from, OutputStream to, Duration by) {
        DelayQueue<Chunk> queue = new DelayQueue<>();
        spawn("relay-read", () -> {
            byte[] buf = new byte[65536];
            long seq = 0;
            int n;
            while ((n = from.read(buf)) > 0) {
                queue.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + by.toNanos(), seq++));
            }
            queue.add(new Chunk(new byte[0], System.nanoTime() + by.toNanos(), seq)); // end of stream
            return null;
        });
        spawn("relay-write", () -> {
            while (true) {
                Chunk c = queue.take(); // in the stream's order: one delay for every chunk
                if (c.bytes().length == 0) {
                    to.close();
                    return null;
                }
                to.write(c.bytes());
                to.flush();
            }
        });
    }

    private interface Body {
        Object run() throws Exception;
    }

    private void spawn(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                // the relay ends with its sockets (closed by a REPLICAOF elsewhere, or by close())
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
