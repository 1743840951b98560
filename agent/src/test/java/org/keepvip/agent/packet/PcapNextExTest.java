package org.keepvip.agent.packet;

import org.keepvip.netlink.MacAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Timestamp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The direct pcap_next_ex reader: header decoding, and frames read back from a pcap file. */
class PcapNextExTest {

    private static byte[] header(int longSize, ByteOrder order, long sec, long frac, int caplen, int len) {
        ByteBuffer b = ByteBuffer.allocate(2 * longSize + 8).order(order);
        if (longSize == 8) {
            b.putLong(sec).putLong(frac);
        } else {
            b.putInt((int) sec).putInt((int) frac);
        }
        return b.putInt(caplen).putInt(len).array();
    }

    @Test
    void decodesAnLp64LittleEndianHeaderWithMicroseconds() {
        PcapNextEx.Header h = new PcapNextEx.Header(8, ByteOrder.LITTLE_ENDIAN, false);
        assertThat(h.size()).isEqualTo(24);
        h.decode(header(8, ByteOrder.LITTLE_ENDIAN, 1_767_225_600L, 999_999, 60, 1514));
        assertThat(h.seconds).isEqualTo(1_767_225_600L);
        assertThat(h.nanos).isEqualTo(999_999_000L);
        assertThat(h.caplen).isEqualTo(60);
        assertThat(h.len).isEqualTo(1514);
    }

    @Test
    void decodesNanosecondPrecisionBigEndianAndIlp32Headers() {
        PcapNextEx.Header nano = new PcapNextEx.Header(8, ByteOrder.BIG_ENDIAN, true);
        nano.decode(header(8, ByteOrder.BIG_ENDIAN, 42, 123_456_789, 9234, 70_000));
        assertThat(nano.seconds).isEqualTo(42);
        assertThat(nano.nanos).isEqualTo(123_456_789L);
        assertThat(nano.caplen).isEqualTo(9234);
        assertThat(nano.len).isEqualTo(70_000);

        PcapNextEx.Header ilp32 = new PcapNextEx.Header(4, ByteOrder.LITTLE_ENDIAN, false);
        assertThat(ilp32.size()).isEqualTo(16);
        ilp32.decode(header(4, ByteOrder.LITTLE_ENDIAN, 0x7FFF_FFFFL, 5, 0xFF, 0x1_0203));
        assertThat(ilp32.seconds).isEqualTo(0x7FFF_FFFFL);
        assertThat(ilp32.nanos).isEqualTo(5_000L);
        assertThat(ilp32.caplen).isEqualTo(0xFF);
        assertThat(ilp32.len).isEqualTo(0x1_0203);

        assertThatThrownBy(() -> new PcapNextEx.Header(2, ByteOrder.LITTLE_ENDIAN, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsWhatPcap4jReadsFromAPcapFile(@TempDir Path dir) throws Exception {
        byte[] advert = VrrpFrames.ipv4(FrameParserTest.MAC, MacAddress.VRRP_IPV4_GROUP,
                (Inet4Address) InetAddress.getByName("192.0.2.10"), OutboundVrrp.IPV4_GROUP, 255, 7,
                FrameParserTest.VRRP);
        byte[] longer = new byte[1514];
        System.arraycopy(advert, 0, longer, 0, advert.length);
        Timestamp first = new Timestamp(1_767_225_600_123L);
        first.setNanos(123_456_000);
        Timestamp second = new Timestamp(1_767_225_601_000L);
        Path file = dir.resolve("two.pcap");
        try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, 65535);
             PcapDumper dumper = dead.dumpOpen(file.toString())) {
            dumper.dumpRaw(advert, first);
            dumper.dumpRaw(longer, second);
        }

        try (PcapHandle offline = Pcaps.openOffline(file.toString())) {
            StringBuilder why = new StringBuilder();
            PcapNextEx rx = PcapNextEx.open(offline, why::append);
            assertThat(rx).as(why.toString()).isNotNull();

            assertThat(rx.next()).isEqualTo(PcapNextEx.PACKET);
            assertThat(rx.last.seconds).isEqualTo(1_767_225_600L);
            assertThat(rx.last.nanos).isEqualTo(123_456_000L);
            assertThat(rx.last.caplen).isEqualTo(advert.length);
            assertThat(rx.last.len).isEqualTo(advert.length);
            assertThat(rx.copyFrame()).isEqualTo(advert);

            assertThat(rx.next()).isEqualTo(PcapNextEx.PACKET);
            assertThat(rx.last.seconds).isEqualTo(1_767_225_601L);
            assertThat(rx.last.nanos).isZero();
            assertThat(rx.copyFrame()).isEqualTo(longer);

            assertThat(rx.next()).as("end of file").isEqualTo(PcapNextEx.BREAK);
        }
    }

    @Test
    void arrivalIsNowLessTheCaptureAgeWithinASecond() {
        long now = 5_000_000_000L;
        // captured 1.5 ms before the wall clock reading, across a second boundary
        assertThat(PcapPacketPort.arrivalNanos(100, 999_500_000, now, 101, 1_000_000)).isEqualTo(now - 1_500_000);
        assertThat(PcapPacketPort.arrivalNanos(100, 0, now, 100, 0)).isEqualTo(now);
        assertThat(PcapPacketPort.arrivalNanos(100, 0, now, 101, 0)).isEqualTo(now - 1_000_000_000L);
        // older than a second, or from the future: the wall clock was stepped, so "now"
        assertThat(PcapPacketPort.arrivalNanos(100, 0, now, 101, 1)).isEqualTo(now);
        assertThat(PcapPacketPort.arrivalNanos(100, 1, now, 100, 0)).isEqualTo(now);
        assertThat(PcapPacketPort.arrivalNanos(0, 0, now, Long.MAX_VALUE / 2, 0)).isEqualTo(now);
        assertThat(PcapPacketPort.arrivalNanos(Long.MAX_VALUE, 0, now, 0, 0)).isEqualTo(now);
    }
}
