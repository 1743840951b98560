package org.keepvip.agent.loop;

import java.io.IOException;
import java.util.List;
import org.keepvip.agent.packet.PacketPort;
import org.keepvip.agent.unix.Readiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture sockets the {@link EventLoop} reads itself, one per interface, and the wait on them.
 * With a reader thread per interface every advert crossed from that thread to the loop: two
 * context switches per advert where keepalived, reading in its one thread, has one. The loop now
 * waits in {@code ppoll(2)} on these sockets and on an eventfd that other threads' events wake
 * ({@link #wake()}), and reads what arrived itself. A frame read here goes through the port's
 * receiver into the loop's inbox, on the loop's thread, and is handled in the same turn.
 *
 * <p>Loop thread only, but for {@link #wake()}.
 */
public final class LoopReadSockets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    /** Frames read from one socket per turn: four interfaces fill a turn's bound of the loop. */
    static final int FRAMES_PER_SOCKET = EventLoop.MAX_EVENTS_PER_TURN / 4;

    /**
     * Longest the sockets go unread while the loop has due timers turn after turn and so never
     * waits (a master of many instances, or a backup taking many over, on a busy CPU): a master
     * must still hear a better peer, and a backup the master's adverts.
     */
    static final long MAX_UNREAD_NANOS = 1_000_000L;

    /**
     * Longest single wait. The kernel lets a poll(2)-family timeout fire late by 0.1 % of its length
     * (fs/select.c, select_estimate_accuracy(): up to 100 ms), not by the thread's 50 us timer slack
     * as a futex wait: a backup waiting 3.6 s for its takeover at 1 s adverts woke up to 3.6 ms late,
     * past the 2 ms it polls for before a takeover (bench-failover's reaction went from 0.65 to
     * 2.45 ms). Waits of at most 50 ms keep that under the timer slack, for some 20 extra wake-ups a
     * second of an idle loop.
     */
    static final long MAX_WAIT_NANOS = 50_000_000L;

    /** How long a socket whose read failed is left alone: a failing socket stays readable. */
    static final long PAUSE_AFTER_ERROR_NANOS = 100_000_000L;

    private final PacketPort.Polled[] sockets;
    private final Readiness readiness;
    /** Per socket: whether it is paused after an error, and until when. */
    private final boolean[] isPaused;
    private final long[] pausedUntil;
    private int paused;
    /** When the sockets were last read; long enough ago at start that the first turn reads them. */
    private long lastRead = Long.MIN_VALUE / 2;

    private LoopReadSockets(List<PacketPort.Polled> sockets, Readiness readiness) {
        this.sockets = sockets.toArray(new PacketPort.Polled[0]);
        this.readiness = readiness;
        this.isPaused = new boolean[this.sockets.length];
        this.pausedUntil = new long[this.sockets.length];
    }

    static LoopReadSockets open(List<PacketPort.Polled> sockets) throws IOException {
        int[] fds = sockets.stream().mapToInt(PacketPort.Polled::fd).toArray();
        return new LoopReadSockets(sockets, Readiness.open(fds));
    }

    /** Whether this system lets the loop wait on sockets (eventfd and ppoll through JNA). */
    public static boolean available() {
        try (Readiness probe = Readiness.open(new int[0])) {
            probe.wake();
            probe.await(0);
            return true;
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("the VRRP loop cannot wait on sockets ({}); a reader thread per interface reads", e.toString());
            return false;
        }
    }

    /** Reads and hands on whatever already waits, without waiting: at start, to drop what came before it. */
    void drainAll() {
        for (PacketPort.Polled s : sockets) {
            for (int n = 0; n < 1_000 && s.drain(FRAMES_PER_SOCKET) == FRAMES_PER_SOCKET; n++) {
                // the ring holds at most a few thousand frames
            }
        }
    }

    /**
     * Waits up to {@code nanos} (at most {@link #MAX_WAIT_NANOS}) for a frame, an error on a socket, or
     * a {@link #wake()}; then {@link #readReady}.
     */
    void await(long nanos) throws IOException {
        if (paused > 0) {
            nanos = Math.min(nanos, PAUSE_AFTER_ERROR_NANOS); // the pause must end without an event
        }
        readiness.await(nanos < 0 ? MAX_WAIT_NANOS : Math.min(nanos, MAX_WAIT_NANOS));
    }

    /** Reads what waits on any socket now, without waiting (before a takeover, in the spin before one). */
    void readNow(long now) throws IOException {
        readiness.await(0);
        readReady(now);
    }

    /** {@link #readNow} unless the sockets were read in the last {@link #MAX_UNREAD_NANOS}. */
    void readIfStale(long now) throws IOException {
        if (now - lastRead >= MAX_UNREAD_NANOS) {
            readNow(now);
        }
    }

    /**
     * Reads {@code socket} instead of the socket of the same interface (made again: the old capture
     * is bound to the deleted one); returns false if no socket has its interface. Loop thread only.
     */
    boolean replace(PacketPort.Polled socket) {
        for (int i = 0; i < sockets.length; i++) {
            if (sockets[i].ifname().equals(socket.ifname())) {
                sockets[i] = socket;
                readiness.replace(i, socket.fd());
                if (isPaused[i]) {
                    isPaused[i] = false;
                    paused--;
                }
                return true;
            }
        }
        return false;
    }

    /** Makes a waiting {@link #await} return. Any thread. */
    void wake() {
        readiness.wake();
    }

    /** Reads the sockets the last wait found readable, up to {@link #FRAMES_PER_SOCKET} each. */
    void readReady(long now) {
        lastRead = now;
        for (int i = 0; i < pausedUntil.length; i++) {
            if (isPaused[i]) {
                if (now - pausedUntil[i] >= 0) {
                    isPaused[i] = false;
                    paused--;
                    readiness.ignore(i, false);
                }
                continue;
            }
            if (readiness.readable(i) && sockets[i].drain(FRAMES_PER_SOCKET) < 0) {
                isPaused[i] = true;
                pausedUntil[i] = now + PAUSE_AFTER_ERROR_NANOS;
                paused++;
                readiness.ignore(i, true);
            }
        }
    }

    /** Closes the wake-up descriptor; the sockets are their ports'. */
    @Override
    public void close() {
        readiness.close();
    }
}
