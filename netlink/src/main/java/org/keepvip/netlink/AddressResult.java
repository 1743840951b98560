package org.keepvip.netlink;

import java.util.Objects;

/**
 * What became of one VIP of {@link NetlinkClient#addAddresses} or {@link
 * NetlinkClient#deleteAddresses}: {@code errno} 0 (added or deleted), one that counts as success as
 * in keepalived (EEXIST for an add: already there; EADDRNOTAVAIL or ENODEV for a delete: not there)
 * or the kernel's errno, with its extended-ack text (may be empty).
 *
 * <p>Not {@link #answered()}: the socket failed before the kernel's answer for this VIP was read
 * (errno is the socket's: ENOBUFS for an answer the kernel dropped, ETIMEDOUT, ...). Whether the
 * change happened is unknown; the caller may repeat it alone ({@link NetlinkClient#addAddress},
 * {@link NetlinkClient#deleteAddress}).
 */
public record AddressResult(VipSpec vip, boolean add, int errno, String kernelSays, boolean answered) {
    public AddressResult {
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(kernelSays, "kernelSays");
    }

    /** The kernel's answer for {@code vip}. */
    public AddressResult(VipSpec vip, boolean add, int errno, String kernelSays) {
        this(vip, add, errno, kernelSays, true);
    }

    /** No answer for {@code vip}: the socket failed with {@code cause} first. */
    static AddressResult unanswered(VipSpec vip, boolean add, NetlinkException cause) {
        return new AddressResult(vip, add, cause.errno(), "", false);
    }

    /** Done, or nothing to do (already there / not there); false when not {@link #answered()}. */
    public boolean ok() {
        return answered
                && (errno == 0 || (add ? errno == Errno.EEXIST : errno == Errno.EADDRNOTAVAIL || errno == Errno.ENODEV));
    }

    /** Added or deleted by this request (false when there was nothing to do, it failed, or no answer came). */
    public boolean changed() {
        return answered && errno == 0;
    }

    /** The failure as {@link NetlinkClient#addAddress} or {@link NetlinkClient#deleteAddress} throws it; only when not {@link #ok()}. */
    public NetlinkException failure() {
        if (ok()) {
            throw new IllegalStateException(vip + " did not fail");
        }
        String what = (add ? "add " : "delete ") + vip + (answered ? "" : ": no answer");
        return new NetlinkException(what, errno, kernelSays);
    }
}
