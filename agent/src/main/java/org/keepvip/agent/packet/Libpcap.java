package org.keepvip.agent.packet;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;

/**
 * The few libpcap calls made past pcap4j, on the {@code pcap_t *} of a pcap4j handle: pcap4j keeps
 * that pointer private and reads the socket at a {@code pcap_t} offset libpcap 1.10 no longer has,
 * and its per-packet read allocates. Direct-mapped on the library pcap4j loaded (the same
 * {@code org.pcap4j.core.pcapLibName}), registered on first use.
 */
final class Libpcap {
    static {
        Native.register(Libpcap.class,
                NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName", "pcap")));
    }

    private Libpcap() {}

    /** The handle's {@code pcap_t *}, read by reflection; null if pcap4j has none (closed). */
    static Pointer pcapOf(PcapHandle handle) throws ReflectiveOperationException {
        Field f = PcapHandle.class.getDeclaredField("handle");
        f.setAccessible(true);
        return (Pointer) f.get(handle);
    }

    static native int pcap_next_ex(Pointer p, Pointer header, Pointer data);

    static native String pcap_geterr(Pointer p);

    static native int pcap_get_tstamp_precision(Pointer p);

    static native int pcap_fileno(Pointer p);

    /** A descriptor poll(2) reports readable when frames wait; -1 where there is none. */
    static native int pcap_get_selectable_fd(Pointer p);

    /** Non-blocking reads: pcap_next_ex returns 0 at once when no frame waits. {@code errbuf}: 256 bytes. */
    static native int pcap_setnonblock(Pointer p, int nonblock, Pointer errbuf);
}
