package org.keepvip.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A NETLINK_ROUTE socket through libc. It belongs to the network namespace of the thread that
 * opened it. Not thread-safe: one owner at a time (callers synchronise).
 */
final class NetlinkSocket implements Closeable {
    /** sizeof(struct sockaddr_nl): u16 family, u16 pad, u32 pid, u32 groups. */
    private static final int SOCKADDR_NL_SIZE = 12;
    static final int RECEIVE_BUFFER = 64 * 1024;
    private static final int MSG_DONTWAIT = 0x40;

    private final int fd;
    private final int portId;
    /** Where the kernel writes each datagram; only the bytes received are copied out. */
    private final Memory received = new Memory(RECEIVE_BUFFER);
    private volatile boolean closed;

    private NetlinkSocket(int fd, int portId) {
        this.fd = fd;
        this.portId = portId;
    }

    /** Opens and binds a socket (kernel-chosen port id) and joins the given RTNLGRP_* groups. */
    static NetlinkSocket open(int... groups) throws NetlinkException {
        int fd;
        try {
            fd = Libc.socket(Rtnl.AF_NETLINK, Rtnl.SOCK_RAW | Rtnl.SOCK_CLOEXEC, Rtnl.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new NetlinkException("socket(AF_NETLINK, NETLINK_ROUTE)", e.getErrorCode(), e);
        }
        try {
            byte[] sa = sockaddr(0);
            Libc.bind(fd, sa, sa.length);
            int[] len = {sa.length};
            Libc.getsockname(fd, sa, len);
            int port = ByteBuffer.wrap(sa).order(ByteOrder.nativeOrder()).getInt(4);
            for (int g : groups) {
                setInt(fd, Rtnl.SOL_NETLINK, Rtnl.NETLINK_ADD_MEMBERSHIP, g);
            }
            NetlinkSocket s = new NetlinkSocket(fd, port);
            s.tryExtendedAck();
            return s;
        } catch (LastErrorException e) {
            Libc.close(fd);
            throw new NetlinkException("set up netlink socket (bind, groups)", e.getErrorCode(), e);
        }
    }

    /**
     * Opens a socket of another netlink family ({@code NETLINK_CONNECTOR} for process events),
     * bound with {@code bindGroups} as the nl_groups bit mask of the address.
     */
    static NetlinkSocket openProtocol(int type, int protocol, int bindGroups) throws NetlinkException {
        int fd;
        try {
            fd = Libc.socket(Rtnl.AF_NETLINK, type | Rtnl.SOCK_CLOEXEC, protocol);
        } catch (LastErrorException e) {
            throw new NetlinkException("socket(AF_NETLINK, protocol " + protocol + ")", e.getErrorCode(), e);
        }
        try {
            byte[] sa = sockaddr(bindGroups);
            Libc.bind(fd, sa, sa.length);
            int[] len = {sa.length};
            Libc.getsockname(fd, sa, len);
            return new NetlinkSocket(fd, ByteBuffer.wrap(sa).order(ByteOrder.nativeOrder()).getInt(4));
        } catch (LastErrorException e) {
            Libc.close(fd);
            throw new NetlinkException("bind netlink socket (protocol " + protocol + ")", e.getErrorCode(), e);
        }
    }

    /** Our port id (nl_pid), which the kernel puts into nlmsg_pid of its replies. */
    int portId() {
        return portId;
    }

    /** Asks for short ACKs and the kernel's error strings; older kernels lack these, which is fine. */
    private void tryExtendedAck() {
        try {
            setInt(fd, Rtnl.SOL_NETLINK, Rtnl.NETLINK_CAP_ACK, 1);
            setInt(fd, Rtnl.SOL_NETLINK, Rtnl.NETLINK_EXT_ACK, 1);
        } catch (LastErrorException ignored) {
            // pre-4.12 kernel: plain errors only
        }
    }

    /** Sets the receive buffer, beyond rmem_max when we have CAP_NET_ADMIN. */
    void setReceiveBuffer(int bytes) throws NetlinkException {
        try {
            setInt(fd, Rtnl.SOL_SOCKET, Rtnl.SO_RCVBUFFORCE, bytes);
            return;
        } catch (LastErrorException e) {
            // no CAP_NET_ADMIN: the ordinary option, capped by net.core.rmem_max
        }
        try {
            setInt(fd, Rtnl.SOL_SOCKET, Rtnl.SO_RCVBUF, bytes);
        } catch (LastErrorException e) {
            throw new NetlinkException("setsockopt(SO_RCVBUF)", e.getErrorCode(), e);
        }
    }

    /**
     * Sets the receive buffer as configured: SO_RCVBUF (the kernel caps it at net.core.rmem_max), or
     * with {@code force} SO_RCVBUFFORCE, falling back to SO_RCVBUF without CAP_NET_ADMIN, as keepalived
     * does (keepalived/core/keepalived_netlink.c: netlink_set_rx_buf_size()). Returns false, with
     * nothing changed, when neither could be set.
     */
    boolean setReceiveBuffer(int bytes, boolean force) {
        if (force) {
            try {
                setInt(fd, Rtnl.SOL_SOCKET, Rtnl.SO_RCVBUFFORCE, bytes);
                return true;
            } catch (LastErrorException e) {
                // no CAP_NET_ADMIN: the caller logs; the ordinary option still applies up to rmem_max
            }
        }
        try {
            setInt(fd, Rtnl.SOL_SOCKET, Rtnl.SO_RCVBUF, bytes);
            return !force;
        } catch (LastErrorException e) {
            return false;
        }
    }

    /** Bounds every following receive; a receive that waits longer returns -1. */
    void setReceiveTimeout(long millis) throws NetlinkException {
        long ms = Math.max(1, millis);
        int longSize = Native.LONG_SIZE;
        ByteBuffer tv = ByteBuffer.allocate(2 * longSize).order(ByteOrder.nativeOrder());
        if (longSize == 8) {
            tv.putLong(ms / 1000).putLong((ms % 1000) * 1000);
        } else {
            tv.putInt((int) (ms / 1000)).putInt((int) ((ms % 1000) * 1000));
        }
        try {
            Libc.setsockopt(fd, Rtnl.SOL_SOCKET, Rtnl.SO_RCVTIMEO, tv.array(), tv.capacity());
        } catch (LastErrorException e) {
            throw new NetlinkException("setsockopt(SO_RCVTIMEO)", e.getErrorCode(), e);
        }
    }

    /** Sends one request to the kernel. */
    void send(byte[] message) throws NetlinkException {
        byte[] kernel = sockaddr(0);
        try {
            Libc.sendto(fd, message, new NativeLong(message.length), 0, kernel, kernel.length);
        } catch (LastErrorException e) {
            throw new NetlinkException("sendto netlink", e.getErrorCode(), e);
        }
    }

    /** A received datagram and the port id of its sender (0 = the kernel). */
    record Datagram(ByteBuffer data, int senderPid) {}

    /**
     * Receives one datagram into {@code buf}. Returns null on timeout (SO_RCVTIMEO) or EINTR.
     * ENOBUFS (the kernel dropped messages for us) is thrown with that errno.
     */
    Datagram receive(byte[] buf) throws NetlinkException {
        return receive(buf, false);
    }

    /** As {@link #receive(byte[])}; {@code dontWait}: returns null at once when nothing is queued (MSG_DONTWAIT). */
    Datagram receive(byte[] buf, boolean dontWait) throws NetlinkException {
        byte[] from = new byte[SOCKADDR_NL_SIZE];
        int[] fromLen = {from.length};
        long n;
        try {
            n = Libc.recvfrom(fd, received, new NativeLong(Math.min(buf.length, RECEIVE_BUFFER)),
                    dontWait ? MSG_DONTWAIT : 0, from, fromLen);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                return null;
            }
            throw new NetlinkException("recvfrom netlink", errno, e);
        }
        int sender = ByteBuffer.wrap(from).order(ByteOrder.nativeOrder()).getInt(4);
        int length = (int) Math.min(n, Math.min(buf.length, RECEIVE_BUFFER));
        received.read(0, buf, 0, length);
        ByteBuffer data = ByteBuffer.wrap(buf, 0, length).slice().order(ByteOrder.nativeOrder());
        return new Datagram(data, sender);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                Libc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing useful to do: the descriptor is gone either way
            }
        }
    }

    private static byte[] sockaddr(int groups) {
        ByteBuffer sa = ByteBuffer.allocate(SOCKADDR_NL_SIZE).order(ByteOrder.nativeOrder());
        sa.putShort((short) Rtnl.AF_NETLINK).putShort((short) 0).putInt(0).putInt(groups);
        return sa.array();
    }

    /** SO_RCVBUF as the kernel reports it: twice the size set, what it charges for bookkeeping included. */
    int receiveBufferBytes() throws NetlinkException {
        byte[] v = new byte[4];
        try {
            Libc.getsockopt(fd, Rtnl.SOL_SOCKET, Rtnl.SO_RCVBUF, v, new int[] {4});
        } catch (LastErrorException e) {
            throw new NetlinkException("getsockopt(SO_RCVBUF)", e.getErrorCode(), e);
        }
        return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt();
    }

    private static void setInt(int fd, int level, int opt, int value) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        Libc.setsockopt(fd, level, opt, v, v.length);
    }
}
