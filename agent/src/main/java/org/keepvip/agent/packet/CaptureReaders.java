package org.keepvip.agent.packet;

/**
 * What the pcap reader threads ({@link PcapPacketPort}, {@link ReleasedVipRefuser}) share: a pause
 * after a read error, and a bounded wait for the reader when closing.
 */
final class CaptureReaders {
    /** SIGTERM must exit within 2 s, and an idle capture may not wake (libpcap 1.10). */
    private static final long STOP_MILLIS = 300;

    private CaptureReaders() {}

    /** After a failed read: a failing handle must not spin. Not synchronisation. */
    static void pauseAfterError() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits a bounded time for a woken reader to end. Returns whether it did: only then may its
     * handle be closed, since pcap4j's close() would wait for a reader stuck in a read forever.
     */
    static boolean awaitStop(Thread reader) {
        if (reader.isAlive()) {
            try {
                reader.join(STOP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return !reader.isAlive();
    }
}
