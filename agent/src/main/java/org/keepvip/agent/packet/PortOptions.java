package org.keepvip.agent.packet;

import java.time.Duration;

/**
 * How a {@link PcapPacketPort} is opened.
 *
 * @param readTimeout pcap read timeout (libpcap on Linux may not honour it while idle; see
 *                    {@link PcapPacketPort})
 * @param bufferBytes kernel capture buffer
 * @param joinIpv4    join 224.0.0.18 on the interface
 * @param joinIpv6    join ff02::12 on the interface (needs IPv6 enabled there)
 */
public record PortOptions(Duration readTimeout, int bufferBytes, boolean joinIpv4, boolean joinIpv6) {
    public PortOptions {
        if (readTimeout.isNegative() || readTimeout.isZero() || readTimeout.toMillis() > 10_000) {
            throw new IllegalArgumentException("read timeout " + readTimeout + " (expected: 1 ms .. 10 s)");
        }
        if (bufferBytes < 64 * 1024) {
            throw new IllegalArgumentException("buffer " + bufferBytes + " bytes (expected: 64 KiB or more)");
        }
    }

    /**
     * 50 ms reads, 1 MiB buffer (512 slots at MTU 1500: 100 ms of the adverts of 250 instances at
     * 50 ms; the ring's pages count in the daemon's memory, once per interface), both groups joined.
     */
    public static PortOptions defaults() {
        return new PortOptions(Duration.ofMillis(50), 1 << 20, true, true);
    }

    /** With a capture ring of {@code bytes}. */
    public PortOptions withBufferBytes(int bytes) {
        return new PortOptions(readTimeout, bytes, joinIpv4, joinIpv6);
    }

    public PortOptions withGroups(boolean ipv4, boolean ipv6) {
        return new PortOptions(readTimeout, bufferBytes, ipv4, ipv6);
    }
}
