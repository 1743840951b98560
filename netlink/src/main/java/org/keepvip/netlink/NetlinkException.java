package org.keepvip.netlink;

import java.io.IOException;

/**
 * A netlink operation failed. {@link #errno()} is the kernel's (positive) errno, e.g.
 * {@link Errno#ENODEV}, or {@link Errno#ETIMEDOUT} when no answer came in time.
 */
public final class NetlinkException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public NetlinkException(String what, int errno) {
        super(what + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    /** With the kernel's extended-ack text, e.g. "ipv6: IPv6 is disabled on this device" (may be empty). */
    public NetlinkException(String what, int errno, String kernelSays) {
        super(what + ": " + Errno.describe(errno) + (kernelSays.isEmpty() ? "" : " (kernel: " + kernelSays + ")"));
        this.errno = errno;
    }

    public NetlinkException(String what, int errno, Throwable cause) {
        super(what + ": " + Errno.describe(errno), cause);
        this.errno = errno;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
