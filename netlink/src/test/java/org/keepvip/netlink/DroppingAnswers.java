package org.keepvip.netlink;

/**
 * A command socket that fails mid-batch as a real one can: the smallest receive buffer the kernel
 * allows, and {@code perDatagram} address requests per datagram whatever it holds, so the kernel makes
 * every change but drops the answers that do not fit (ENOBUFS). For kernel tests of the callers of
 * {@link NetlinkClient#addAddresses} and {@link NetlinkClient#deleteAddresses}; open it on a thread
 * in the test's namespace.
 */
public final class DroppingAnswers {
    private DroppingAnswers() {}

    public static NetlinkClient open(int perDatagram) throws NetlinkException {
        NetlinkClient c = NetlinkClient.open(1, true);
        c.overrideBatchSize(perDatagram);
        return c;
    }
}
