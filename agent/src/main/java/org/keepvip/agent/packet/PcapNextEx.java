package org.keepvip.agent.packet;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.pcap4j.core.PcapHandle;

/**
 * Reads captured frames with libpcap's {@code pcap_next_ex} on pcap4j's own capture handle, without
 * pcap4j's per-frame costs. pcap4j's {@code getNextRawPacketEx()} allocates two {@code
 * PointerByReference} per frame (each a native {@code Memory} that JNA's Cleaner thread frees later),
 * takes a lock and builds a {@code java.sql.Timestamp} kept in a ThreadLocal; at 20,000 adverts a
 * second that was a visible share of a backup's CPU. Here the two out-parameters live in one native
 * block allocated once, and the {@code struct pcap_pkthdr} is read as bytes and decoded in Java.
 *
 * <p>Not thread-safe: one reader thread owns an instance. The handle is not locked: the caller must
 * not close it while a read may run (as {@link PcapPacketPort#close()} does: it closes the capture
 * only after its reader has stopped). The {@code pcap_t *} is pcap4j's private field, read by
 * reflection as {@link OwnFramesIgnored} does; {@link #open} returns null where that, or the binding,
 * is unavailable, and the caller then reads through pcap4j.
 */
final class PcapNextEx {
    /** {@code pcap_next_ex}: a frame was read. */
    static final int PACKET = 1;
    /** {@code pcap_next_ex}: the read timeout expired. */
    static final int TIMEOUT = 0;
    /** {@code pcap_next_ex}: an error; {@link #error()} tells which. */
    static final int ERROR = -1;
    /** {@code pcap_next_ex}: {@code pcap_breakloop} was called (PCAP_ERROR_BREAK). */
    static final int BREAK = -2;

    /** {@code PCAP_TSTAMP_PRECISION_NANO}: the header's second field counts nanoseconds. */
    private static final int PRECISION_NANO = 1;

    /**
     * A {@code struct pcap_pkthdr}: {@code struct timeval ts} (two C longs), then {@code bpf_u_int32
     * caplen} and {@code len}, in the host's byte order. Decoded in place, with no allocation.
     */
    static final class Header {
        private final int longSize;
        private final ByteOrder order;
        private final boolean nanoPrecision;
        /** The capture time: seconds since the epoch. */
        long seconds;
        /** The capture time: nanoseconds within {@link #seconds}. */
        long nanos;
        /** Bytes captured. */
        int caplen;
        /** Bytes on the wire. */
        int len;

        Header(int longSize, ByteOrder order, boolean nanoPrecision) {
            if (longSize != 4 && longSize != 8) {
                throw new IllegalArgumentException("C long of " + longSize + " bytes");
            }
            this.longSize = longSize;
            this.order = order;
            this.nanoPrecision = nanoPrecision;
        }

        /** The struct's size: two longs and two 32-bit ints (no padding on LP64 or ILP32). */
        int size() {
            return 2 * longSize + 8;
        }

        /** Decodes {@code raw[0, size())}. */
        void decode(byte[] raw) {
            seconds = read(raw, 0, longSize);
            long fraction = read(raw, longSize, longSize);
            nanos = nanoPrecision ? fraction : fraction * 1000;
            caplen = (int) read(raw, 2 * longSize, 4);
            len = (int) read(raw, 2 * longSize + 4, 4);
        }

        /** A signed C long, or an unsigned 32-bit int when {@code size} is 4 and it is not a long. */
        private long read(byte[] raw, int off, int size) {
            long v = 0;
            if (order == ByteOrder.LITTLE_ENDIAN) {
                for (int i = size - 1; i >= 0; i--) {
                    v = (v << 8) | (raw[off + i] & 0xFF);
                }
            } else {
                for (int i = 0; i < size; i++) {
                    v = (v << 8) | (raw[off + i] & 0xFF);
                }
            }
            return v;
        }
    }

    private final Pointer pcap;
    /** The two out-parameters of pcap_next_ex: {@code struct pcap_pkthdr *} and {@code u_char *}. */
    private final Memory outs = new Memory(2L * Native.POINTER_SIZE);
    private final Pointer headerOut = outs;
    private final Pointer dataOut = outs.share(Native.POINTER_SIZE);
    /** Re-pointed at libpcap's header and data after each read (no Pointer per frame). */
    private final Pointer header = new Pointer(0);
    private final Pointer data = new Pointer(0);
    private final byte[] headerBytes;
    final Header last;
    /** Why the last read failed when libpcap itself reported success. */
    private String nullOut;

    private PcapNextEx(Pointer pcap, boolean nanoPrecision) {
        this.pcap = pcap;
        this.last = new Header(Native.LONG_SIZE, ByteOrder.nativeOrder(), nanoPrecision);
        this.headerBytes = new byte[last.size()];
    }

    /** A reader on {@code capture}'s handle, or null (with {@code why} told) where that is not possible. */
    static PcapNextEx open(PcapHandle capture, Consumer<String> why) {
        try {
            Pointer pcap = Libpcap.pcapOf(capture);
            if (pcap == null) {
                why.accept("pcap4j's handle is null");
                return null;
            }
            return new PcapNextEx(pcap, Libpcap.pcap_get_tstamp_precision(pcap) == PRECISION_NANO);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            why.accept(e.toString());
            return null;
        }
    }

    /**
     * Waits for the next frame: {@link #PACKET} (then {@link #last} holds its header and {@link
     * #copyFrame} its bytes), {@link #TIMEOUT}, {@link #BREAK} or {@link #ERROR}.
     */
    int next() {
        int rc = Libpcap.pcap_next_ex(pcap, headerOut, dataOut);
        if (rc != PACKET) {
            return rc;
        }
        long h = address(headerOut);
        long d = address(dataOut);
        if (h == 0 || d == 0) {
            nullOut = "pcap_next_ex returned a null " + (h == 0 ? "header" : "data pointer");
            return ERROR;
        }
        nullOut = null;
        Pointer.nativeValue(header, h);
        Pointer.nativeValue(data, d);
        header.read(0, headerBytes, 0, headerBytes.length);
        last.decode(headerBytes);
        return PACKET;
    }

    /** A pointer stored at {@code out}, as a number. */
    private static long address(Pointer out) {
        return Native.POINTER_SIZE == 8 ? out.getLong(0) : out.getInt(0) & 0xFFFF_FFFFL;
    }

    /** The captured bytes of the frame {@link #next()} last returned. */
    byte[] copyFrame() {
        byte[] frame = new byte[last.caplen];
        data.read(0, frame, 0, frame.length);
        return frame;
    }

    /** libpcap's message for the last {@link #ERROR}. */
    String error() {
        if (nullOut != null) {
            return nullOut;
        }
        try {
            return Libpcap.pcap_geterr(pcap);
        } catch (RuntimeException e) {
            return e.toString();
        }
    }
}
