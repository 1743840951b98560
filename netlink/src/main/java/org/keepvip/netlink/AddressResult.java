package org.keepvip.netlink;

import java.util.Objects;

/**
 * What became of one VIP of {@link NetlinkClient#addAddresses}: {@code errno} 0 (added),
 * {@link Errno#EEXIST} (already there, a success as in keepalived) or the kernel's errno, with its
 * extended-ack text (may be empty).
 */
public record AddressResult(VipSpec vip, int errno, String kernelSays) {
    public AddressResult {
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(kernelSays, "kernelSays");
    }

    /** Added, or already present. */
    public boolean ok() {
        return errno == 0 || errno == Errno.EEXIST;
    }

    /** Added by this request (false when it was already there or failed). */
    public boolean added() {
        return errno == 0;
    }

    /** The failure as {@link NetlinkClient#addAddress} throws it; only when not {@link #ok()}. */
    public NetlinkException failure() {
        if (ok()) {
            throw new IllegalStateException(vip + " did not fail");
        }
        return new NetlinkException("add " + vip, errno, kernelSays);
    }
}
