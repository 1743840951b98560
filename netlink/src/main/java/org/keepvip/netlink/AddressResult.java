package org.keepvip.netlink;

import java.util.Objects;

/**
 * What became of one VIP of {@link NetlinkClient#addAddresses} or {@link
 * NetlinkClient#deleteAddresses}: {@code errno} 0 (added or deleted), one that counts as success as
 * in keepalived (EEXIST for an add: already there; EADDRNOTAVAIL or ENODEV for a delete: not there)
 * or the kernel's errno, with its extended-ack text (may be empty).
 */
public record AddressResult(VipSpec vip, boolean add, int errno, String kernelSays) {
    public AddressResult {
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(kernelSays, "kernelSays");
    }

    /** Done, or nothing to do (already there / not there). */
    public boolean ok() {
        return errno == 0 || (add ? errno == Errno.EEXIST : errno == Errno.EADDRNOTAVAIL || errno == Errno.ENODEV);
    }

    /** Added or deleted by this request (false when there was nothing to do, or it failed). */
    public boolean changed() {
        return errno == 0;
    }

    /** The failure as {@link NetlinkClient#addAddress} or {@link NetlinkClient#deleteAddress} throws it; only when not {@link #ok()}. */
    public NetlinkException failure() {
        if (ok()) {
            throw new IllegalStateException(vip + " did not fail");
        }
        return new NetlinkException((add ? "add " : "delete ") + vip, errno, kernelSays);
    }
}
