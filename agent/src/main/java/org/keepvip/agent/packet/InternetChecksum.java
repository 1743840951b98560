package org.keepvip.agent.packet;

/**
 * Kept only for the e2e module's {@code LabSmokeTest}, which this branch may not edit; the
 * checksum lives in {@link org.keepvip.vrrp.packet.InternetChecksum}. Delete this once that test
 * imports the vrrp class ({@code of} is its {@code compute}).
 */
@Deprecated(forRemoval = true)
public final class InternetChecksum {
    private InternetChecksum() {}

    /** Same as {@link org.keepvip.vrrp.packet.InternetChecksum#compute}. */
    public static int of(byte[] data, int off, int len) {
        return org.keepvip.vrrp.packet.InternetChecksum.compute(data, off, len);
    }
}
