package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/** The refusal set, its expiry and rate limit on a fake clock, the BPF filter offline, the reader thread. */
class ReleasedVipRefuserTest {
    static final MacAddress SELF = TcpRefusalTest.SELF;
    static final Duration WINDOW = Duration.ofSeconds(10);
    static final InetAddress VIP4 = ip("192.0.2.200");
    static final InetAddress VIP6 = ip("2001:db8:1::200");

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final FakeLink link = new FakeLink();
    final Counted counts = new Counted();

    ReleasedVipRefuser refuser(int rate) {
        return new ReleasedVipRefuser("eth0", SELF, link, now::get, rate);
    }

    @Test
    void answersASynToARefusedAddressWithTheGoldenReset() {
        ReleasedVipRefuser r = refuser(1000);
        r.refuse(List.of(VIP4, VIP6), WINDOW, counts);
        assertThat(r.handle(Hex.bytes(TcpRefusalTest.SYN4))).isTrue();
        assertThat(r.handle(Hex.bytes(TcpRefusalTest.SYN6))).isTrue();
        assertThat(link.sent).extracting(Hex::of)
                .containsExactly(Hex.of(Hex.bytes(TcpRefusalTest.RST4)), Hex.of(Hex.bytes(TcpRefusalTest.RST6)));
        assertThat(r.refused()).isEqualTo(2);
        assertThat(counts.refused.get()).isEqualTo(2);
        assertThat(link.wakes.get()).as("the reader is woken to install the filter").isEqualTo(1);
    }

    @Test
    void nothingIsAnsweredForOtherAddressesOrAfterStop() {
        ReleasedVipRefuser r = refuser(1000);
        assertThat(r.handle(Hex.bytes(TcpRefusalTest.SYN4))).as("nothing refused yet").isFalse();
        r.refuse(List.of(ip("192.0.2.201")), WINDOW, counts);
        assertThat(r.handle(Hex.bytes(TcpRefusalTest.SYN4))).as("another address").isFalse();
        r.refuse(List.of(VIP4), WINDOW, counts);
        r.stop(List.of(VIP4));
        assertThat(r.handle(Hex.bytes(TcpRefusalTest.SYN4))).as("stopped before the VIP came back").isFalse();
        r.refuse(List.of(VIP4), Duration.ZERO, counts);
        assertThat(r.handle(Hex.bytes(TcpRefusalTest.SYN4))).as("window 0: disabled").isFalse();
        assertThat(link.sent).isEmpty();
        assertThat(counts.refused.get()).isZero();
    }

    @Test
    void anArmedAddressPassesTheFilterAheadOfTimeButIsAnsweredOnlyOnceRefused(@TempDir Path dir) throws Exception {
        ReleasedVipRefuser r = refuser(1000);
        r.arm(List.of(VIP4));
        assertThat(link.wakes.get()).as("arming installs the filter").isEqualTo(1);
        byte[] syn4 = Hex.bytes(TcpRefusalTest.SYN4);
        assertThat(passing(dir, r.filterExpression(), List.of(syn4))).as("armed: the SYN is captured").containsExactly(0);
        assertThat(r.handle(syn4)).as("we still hold the VIP: no RST").isFalse();

        r.refuse(List.of(VIP4), WINDOW, counts);
        assertThat(link.wakes.get()).as("no filter change at the release").isEqualTo(1);
        assertThat(r.handle(syn4)).isTrue();
        r.stop(List.of(VIP4));
        assertThat(link.wakes.get()).as("nor when it ends").isEqualTo(1);
        assertThat(r.handle(syn4)).isFalse();
        assertThat(passing(dir, r.filterExpression(), List.of(syn4))).as("still armed").containsExactly(0);
        assertThat(link.sent).hasSize(1);
    }

    @Test
    void theWindowEndsOnTheClock() {
        ReleasedVipRefuser r = refuser(1000);
        r.refuse(List.of(VIP4), WINDOW, counts);
        now.addAndGet(WINDOW.toNanos() - 1);
        assertThat(r.refusing()).containsExactly(VIP4);
        assertThat(r.handle(Hex.bytes(TcpRefusalTest.SYN4))).as("1 ns before the end").isTrue();
        now.addAndGet(1);
        assertThat(r.refusing()).isEmpty();
        assertThat(r.handle(Hex.bytes(TcpRefusalTest.SYN4))).as("at the end").isFalse();
        assertThat(r.filterExpression()).isEqualTo(ReleasedVipRefuser.NOTHING_FILTER);
        assertThat(link.sent).hasSize(1);
    }

    @Test
    void aNewReleaseRestartsTheWindow() {
        ReleasedVipRefuser r = refuser(1000);
        r.refuse(List.of(VIP4), WINDOW, counts);
        now.addAndGet(WINDOW.toNanos() / 2);
        r.refuse(List.of(VIP4), WINDOW, counts);
        now.addAndGet(WINDOW.toNanos() * 3 / 4);
        assertThat(r.handle(Hex.bytes(TcpRefusalTest.SYN4))).isTrue();
    }

    @Test
    void theRateIsBoundedAndTheExcessCounted() {
        ReleasedVipRefuser r = refuser(3);
        r.refuse(List.of(VIP4), WINDOW, counts);
        byte[] syn = Hex.bytes(TcpRefusalTest.SYN4);
        for (int i = 0; i < 5; i++) {
            r.handle(syn);
        }
        assertThat(link.sent).as("the burst is the rate").hasSize(3);
        assertThat(r.rateLimited()).isEqualTo(2);
        assertThat(counts.rateLimited.get()).isEqualTo(2);
        now.addAndGet(Duration.ofMillis(334).toNanos()); // one token back at 3 a second
        assertThat(r.handle(syn)).isTrue();
        assertThat(r.handle(syn)).isFalse();
        now.addAndGet(Duration.ofDays(400).toNanos()); // a long idle refills to the cap, no overflow
        r.refuse(List.of(VIP4), WINDOW, counts);
        int sent = link.sent.size();
        for (int i = 0; i < 10; i++) {
            r.handle(syn);
        }
        assertThat(link.sent.size() - sent).isEqualTo(3);
        assertThat(r.refused()).isEqualTo(7);
    }

    @Test
    void filterPassesOnlySynsToOurMacForRefusedAddresses(@TempDir Path dir) throws Exception {
        ReleasedVipRefuser r = refuser(1000);
        assertThat(r.filterExpression()).isEqualTo(ReleasedVipRefuser.NOTHING_FILTER);
        r.refuse(List.of(VIP4, VIP6), WINDOW, counts);
        String filter = r.filterExpression();

        byte[] syn4 = Hex.bytes(TcpRefusalTest.SYN4);
        byte[] synAck4 = syn4.clone();
        synAck4[34 + 13] = 0x12;
        byte[] otherDst4 = syn4.clone();
        otherDst4[14 + 19] = (byte) 201;
        byte[] otherMac4 = syn4.clone();
        otherMac4[5] = 0x0b;
        byte[] syn6 = Hex.bytes(TcpRefusalTest.SYN6);
        byte[] synAck6 = syn6.clone();
        synAck6[54 + 13] = 0x12;
        byte[] otherDst6 = syn6.clone();
        otherDst6[14 + 39] = 1;
        byte[] ext6 = syn6.clone();
        ext6[14 + 6] = 0;
        List<byte[]> all = List.of(syn4, synAck4, otherDst4, otherMac4, syn6, synAck6, otherDst6, ext6);

        assertThat(passing(dir, filter, all)).containsExactly(0, 4);
        assertThat(passing(dir, ReleasedVipRefuser.NOTHING_FILTER, all)).isEmpty();
        r.stop(List.of(VIP4));
        assertThat(passing(dir, r.filterExpression(), all)).containsExactly(4);
    }

    @Test
    void theReaderInstallsTheFilterAnswersAndStopsOnClose() throws Exception {
        ReleasedVipRefuser r = refuser(1000);
        r.start();
        try {
            r.refuse(List.of(VIP4), WINDOW, counts);
            assertThat(link.filters.poll(5, TimeUnit.SECONDS)).as("filter after the release")
                    .contains("dst host 192.0.2.200");
            link.frames.add(Hex.bytes(TcpRefusalTest.SYN4));
            assertThat(link.sentQueue.poll(5, TimeUnit.SECONDS)).as("the RST").isEqualTo(Hex.bytes(TcpRefusalTest.RST4));
            r.stop(List.of(VIP4));
            assertThat(link.filters.poll(5, TimeUnit.SECONDS)).as("filter after the stop")
                    .isEqualTo(ReleasedVipRefuser.NOTHING_FILTER);
        } finally {
            r.close();
        }
        assertThat(link.closed).as("handle released once the reader stopped").isTrue();
    }

    /** Indexes of the frames that pass {@code filter}, through libpcap offline (no root). */
    private static List<Integer> passing(Path dir, String filter, List<byte[]> frames) throws Exception {
        Path file = dir.resolve("syns-" + Math.abs(filter.hashCode()) + ".pcap");
        try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, 65535);
             PcapDumper dumper = dead.dumpOpen(file.toString())) {
            for (byte[] f : frames) {
                dumper.dumpRaw(f);
            }
        }
        List<Integer> out = new ArrayList<>();
        try (PcapHandle offline = Pcaps.openOffline(file.toString())) {
            offline.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            while (true) {
                try {
                    byte[] f = offline.getNextRawPacketEx();
                    for (int i = 0; i < frames.size(); i++) {
                        if (java.util.Arrays.equals(frames.get(i), f) && !out.contains(i)) {
                            out.add(i);
                            break;
                        }
                    }
                } catch (EOFException end) {
                    break;
                }
            }
        }
        return out;
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static final class Counted implements ReleasedVipRefuser.Counts {
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger rateLimited = new AtomicInteger();

        @Override
        public void refused() {
            refused.incrementAndGet();
        }

        @Override
        public void rateLimited() {
            rateLimited.incrementAndGet();
        }
    }

    /** Frames in, frames out, filters seen; {@link #wake()} makes a waiting {@link #next()} return null. */
    static final class FakeLink implements ReleasedVipRefuser.Link {
        private static final byte[] WAKE = new byte[0];
        final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        final List<byte[]> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        final BlockingQueue<byte[]> sentQueue = new LinkedBlockingQueue<>();
        final BlockingQueue<String> filters = new LinkedBlockingQueue<>();
        final AtomicInteger wakes = new AtomicInteger();
        volatile boolean closed;

        @Override
        public byte[] next() {
            try {
                byte[] f = frames.poll(50, TimeUnit.MILLISECONDS); // a timed read, as pcap's
                return f == WAKE ? null : f;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public void filter(String expression) {
            filters.add(expression);
        }

        @Override
        public void wake() {
            wakes.incrementAndGet();
            frames.add(WAKE);
        }

        @Override
        public void send(byte[] frame) {
            sent.add(frame);
            sentQueue.add(frame);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
