package org.keepvip.agent.track;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import org.keepvip.agent.unix.Libc;

/**
 * keepalived's linkbeat probes (keepalived/vrrp/vrrp_if.c: if_mii_probe(), if_ethtool_probe(),
 * if_ioctl_flags(), init_linkbeat_status()): ask the driver whether an interface has link, through
 * ioctls on a datagram socket, in the first way the driver answers: MII (the PHY's BMSR link bit),
 * then ETHTOOL_GLINK, then only the interface flags (IFF_UP and IFF_RUNNING). Not thread-safe.
 */
public final class LinkProbe implements AutoCloseable {

    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCETHTOOL = 0x8946;
    private static final long SIOCGMIIPHY = 0x8947;
    private static final long SIOCGMIIREG = 0x8948;
    private static final int ETHTOOL_GLINK = 0x0000000a;
    private static final int MII_BMSR = 1;
    private static final int BMSR_LSTATUS = 0x0004;
    private static final int IFF_UP = 0x1;
    private static final int IFF_RUNNING = 0x40;
    /** struct ifreq: 16 bytes of name, then a 24-byte union. */
    private static final int IFREQ = 40;

    /** The way a driver answered. */
    public enum Kind { MII, ETHTOOL, IOCTL }

    private final int fd;

    public LinkProbe() {
        this.fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    }

    /**
     * Whether {@code ifname} has link, asked the way {@code kind} says, or the first way that works
     * when {@code kind} is null; the kind that answered is the first element of the result's pair.
     */
    public Result probe(String ifname, Kind kind) {
        if (kind == null || kind == Kind.MII) {
            Boolean mii = mii(ifname);
            if (mii != null) {
                return new Result(Kind.MII, mii && flags(ifname));
            }
        }
        if (kind == null || kind == Kind.ETHTOOL) {
            Boolean link = ethtool(ifname);
            if (link != null) {
                return new Result(Kind.ETHTOOL, link && flags(ifname));
            }
        }
        return new Result(Kind.IOCTL, flags(ifname));
    }

    /** A probe's answer. */
    public record Result(Kind kind, boolean up) {}

    private Memory ifreq(String ifname) {
        Memory m = new Memory(IFREQ);
        m.clear();
        byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
        m.write(0, name, 0, Math.min(name.length, 15));
        return m;
    }

    /** SIOCGMIIPHY then SIOCGMIIREG of BMSR (read twice: the link bit latches low); null if unsupported. */
    private Boolean mii(String ifname) {
        try {
            Memory req = ifreq(ifname);
            Libc.ioctl(fd, new NativeLong(SIOCGMIIPHY), req);
            int status = 0;
            for (int i = 0; i < 2; i++) {
                req.setShort(16 + 2, (short) MII_BMSR);
                Libc.ioctl(fd, new NativeLong(SIOCGMIIREG), req);
                status = req.getShort(16 + 6) & 0xFFFF;
            }
            return (status & BMSR_LSTATUS) != 0;
        } catch (LastErrorException e) {
            return null;
        }
    }

    /** SIOCETHTOOL ETHTOOL_GLINK; null if unsupported. */
    private Boolean ethtool(String ifname) {
        try {
            Memory value = new Memory(8);
            value.setInt(0, ETHTOOL_GLINK);
            value.setInt(4, 0);
            Memory req = ifreq(ifname);
            req.setPointer(16, value);
            Libc.ioctl(fd, new NativeLong(SIOCETHTOOL), req);
            return value.getInt(4) != 0;
        } catch (LastErrorException e) {
            return null;
        }
    }

    /** SIOCGIFFLAGS: up and running; false if the interface is gone. */
    private boolean flags(String ifname) {
        try {
            Memory req = ifreq(ifname);
            Libc.ioctl(fd, new NativeLong(SIOCGIFFLAGS), req);
            int f = req.getShort(16) & 0xFFFF;
            return (f & IFF_UP) != 0 && (f & IFF_RUNNING) != 0;
        } catch (LastErrorException e) {
            return false;
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
