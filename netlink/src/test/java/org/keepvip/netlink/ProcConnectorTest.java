package org.keepvip.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The process events connector: decoding, and real events for a real process, also from another namespace. */
class ProcConnectorTest {

    private static ByteBuffer message(int what, int... data) {
        ByteBuffer b = ByteBuffer.allocate(NlMsgHdr.SIZE + ProcEvent.CN_MSG_SIZE + ProcEvent.EVENT_HEADER + 40)
                .order(ByteOrder.nativeOrder());
        b.putInt(b.capacity()).putShort((short) 3).putShort((short) 0).putInt(7).putInt(0);
        b.putInt(ProcEvent.CN_IDX_PROC).putInt(ProcEvent.CN_VAL_PROC).putInt(1).putInt(0).putShort((short) 40)
                .putShort((short) 0);
        b.putInt(what).putInt(0).putLong(123456789L);
        for (int d : data) {
            b.putInt(d);
        }
        return b.flip().limit(b.capacity());
    }

    @Test
    void decodesTheEventsTrackingNeeds() {
        assertThat(ProcEvent.parse(message(ProcEvent.FORK, 10, 10, 20, 20))).contains(new ProcEvent.Fork(10, 20, 20));
        assertThat(ProcEvent.parse(message(ProcEvent.EXEC, 30, 30))).contains(new ProcEvent.Exec(30, 30));
        assertThat(ProcEvent.parse(message(ProcEvent.EXIT, 31, 30, 0, 9, 1, 1))).contains(new ProcEvent.Exit(31, 30));
        assertThat(ProcEvent.parse(message(ProcEvent.NONE, 0))).contains(new ProcEvent.Ack(0));
        ByteBuffer comm = message(ProcEvent.COMM, 40, 40);
        byte[] name = "redis-rdb-bgsav".getBytes(StandardCharsets.US_ASCII);
        comm.put(NlMsgHdr.SIZE + ProcEvent.CN_MSG_SIZE + ProcEvent.EVENT_HEADER + 8, name);
        assertThat(ProcEvent.parse(comm)).contains(new ProcEvent.Comm(40, 40, "redis-rdb-bgsav"));
        assertThat(ProcEvent.parse(message(0x40, 1, 1))).contains(new ProcEvent.Other(0x40));
    }

    @Test
    void truncatedOrForeignMessagesAreDropped() {
        ByteBuffer exec = message(ProcEvent.EXEC, 30, 30);
        assertThat(ProcEvent.parse(exec.duplicate().limit(NlMsgHdr.SIZE + 10))).isEmpty();
        ByteBuffer foreign = message(ProcEvent.EXEC, 30, 30);
        foreign.putInt(NlMsgHdr.SIZE, 99);
        assertThat(ProcEvent.parse(foreign)).isEmpty();
        assertThat(ProcEvent.parse(ByteBuffer.allocate(0))).isEmpty();
    }

    @Test
    void everyTruncationAndRandomBytesAreHandled() {
        for (int what : new int[] {ProcEvent.NONE, ProcEvent.FORK, ProcEvent.EXEC, ProcEvent.COMM, ProcEvent.EXIT}) {
            ByteBuffer full = message(what, 1, 2, 3, 4, 5, 6);
            for (int n = 0; n <= full.limit(); n++) {
                ByteBuffer cut = full.duplicate().limit(n);
                assertThatCode(() -> ProcEvent.parse(cut)).doesNotThrowAnyException();
            }
        }
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[r.nextInt(120)];
            r.nextBytes(b);
            if (b.length > NlMsgHdr.SIZE + 8 && r.nextBoolean()) {
                ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(NlMsgHdr.SIZE, ProcEvent.CN_IDX_PROC)
                        .putInt(NlMsgHdr.SIZE + 4, ProcEvent.CN_VAL_PROC);
            }
            assertThatCode(() -> ProcEvent.parse(ByteBuffer.wrap(b))).doesNotThrowAnyException();
        }
    }

    @Test
    void seesTheExecAndExitOfARealProcess() throws Exception {
        TestNetns.assumeRoot();
        try (ProcConnector c = open()) {
            assertThat(c.initialNamespace()).isFalse();
            watchSleep(c);
        }
    }

    @Test
    void takesTheConfiguredReceiveBuffer() throws Exception {
        TestNetns.assumeRoot();
        // readAllLines: a /proc file reports size 0, and readString read only its first byte here.
        long rmemMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).get(0).strip());
        // process_monitor_rcv_bufs 100000: SO_RCVBUF, capped by rmem_max; the kernel reports twice the size.
        try (ProcConnector c = ProcConnector.open(100_000, false)) {
            assertThat(c.receiveBufferSet()).isTrue();
            int expected = (int) (2 * Math.min(100_000, rmemMax));
            assertThat(c.receiveBufferBytes()).as("rmem_max %d", rmemMax).isEqualTo(expected);
        }
        // With _force: SO_RCVBUFFORCE passes rmem_max (root has CAP_NET_ADMIN).
        int big = (int) Math.max(3_000_000, rmemMax + 4096);
        try (ProcConnector c = ProcConnector.open(big, true)) {
            assertThat(c.receiveBufferSet()).isTrue();
            assertThat(c.receiveBufferBytes()).isEqualTo(2 * big);
        }
    }

    @Test
    void worksFromAnotherNetworkNamespace() throws Exception {
        TestNetns.assumeRoot();
        try (TestNetns ns = new TestNetns()) {
            String name = ns.create("proc");
            if (!readable(Path.of("/proc/1/ns/net"))) {
                // A sandbox hides PID 1's namespace: the connector is out of reach from another
                // namespace, and open() says so with ECONNREFUSED, the agent's cue to fall back.
                NetlinkException e = NetNamespace.call(name, () -> {
                    try {
                        ProcConnector.open().close();
                        return null;
                    } catch (NetlinkException refused) {
                        return refused;
                    }
                });
                assertThat(e).as("open() from another namespace without PID 1's").isNotNull();
                assertThat(e.errno()).isEqualTo(Errno.ECONNREFUSED);
                return;
            }
            ProcConnector c = NetNamespace.call(name, ProcConnectorTest::open);
            try {
                assertThat(c.initialNamespace()).isTrue();
                watchSleep(c);
            } finally {
                c.close();
            }
        }
    }

    private static boolean readable(Path link) {
        try {
            Files.readSymbolicLink(link);
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static ProcConnector open() throws NetlinkException {
        try {
            return ProcConnector.open();
        } catch (NetlinkException e) {
            assumeTrue(e.errno() != Errno.EPROTONOSUPPORT, "kernel without CONFIG_PROC_EVENTS");
            throw e;
        }
    }

    private static void watchSleep(ProcConnector c) throws Exception {
        awaitEvent(c, e -> e instanceof ProcEvent.Ack a && a.err() == 0); // the subscription confirmed
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = (int) p.pid();
            awaitEvent(c, e -> e instanceof ProcEvent.Exec x && x.tgid() == pid);
            p.destroy();
            awaitEvent(c, e -> e instanceof ProcEvent.Exit x && x.tgid() == pid && x.pid() == pid);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void awaitEvent(ProcConnector c, Predicate<ProcEvent> wanted) throws NetlinkException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            Optional<ProcEvent> e = c.next(200);
            if (e.isPresent() && wanted.test(e.get())) {
                return;
            }
        }
        throw new AssertionError("no such process event within 5 s");
    }
}
