package org.keepvip.agent.packet;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.keepvip.agent.unix.Libc;

/**
 * Membership of a multicast group on one interface, held by a datagram socket that never reads.
 *
 * <p>pcap captures whatever the NIC hands up, but a real NIC filters multicast groups nobody
 * joined; veth does not, so only this class makes 224.0.0.18 / ff02::12 arrive on hardware. The
 * join uses {@code IP_ADD_MEMBERSHIP} ({@code ip_mreqn} with the ifindex) or
 * {@code IPV6_ADD_MEMBERSHIP} through JNA, because {@code java.net.NetworkInterface} cannot name an
 * interface of a namespace entered with {@code setns}. Open it on a thread in the interface's
 * namespace. Closing the socket leaves the group.
 */
final class MulticastMembership implements AutoCloseable {
    private final int fd;
    private final InetAddress group;
    private boolean closed;

    private MulticastMembership(int fd, InetAddress group) {
        this.fd = fd;
        this.group = group;
    }

    static MulticastMembership join(InetAddress group, int ifindex) throws IOException {
        boolean v4 = group instanceof Inet4Address;
        int fd;
        try {
            fd = LinuxSockets.datagramSocket(v4 ? Libc.AF_INET : Libc.AF_INET6);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a socket to join " + group.getHostAddress() + ": errno "
                    + e.getErrorCode(), e);
        }
        ByteBuffer req = ByteBuffer.allocate(v4 ? 12 : 20).order(ByteOrder.nativeOrder());
        req.put(group.getAddress());
        if (v4) {
            req.putInt(0); // imr_address: any, the ifindex decides
        }
        req.putInt(ifindex);
        try {
            Libc.setsockopt(fd, v4 ? LinuxSockets.IPPROTO_IP : LinuxSockets.IPPROTO_IPV6,
                    v4 ? LinuxSockets.IP_ADD_MEMBERSHIP : LinuxSockets.IPV6_ADD_MEMBERSHIP, req.array(), req.capacity());
        } catch (LastErrorException e) {
            LinuxSockets.closeQuietly(fd);
            throw new IOException("cannot join " + group.getHostAddress() + " on ifindex " + ifindex + ": errno "
                    + e.getErrorCode(), e);
        }
        return new MulticastMembership(fd, group);
    }

    InetAddress group() {
        return group;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LinuxSockets.closeQuietly(fd);
        }
    }
}
