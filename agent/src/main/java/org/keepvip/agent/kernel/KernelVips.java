package org.keepvip.agent.kernel;

import java.net.Inet6Address;
import org.keepvip.netlink.Rtnl;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.VirtualIp;

/**
 * The one place a configured address ({@link VirtualIp}: a {@code virtual_ipaddress},
 * {@code virtual_ipaddress_excluded} or {@code static_ipaddress} line) becomes the kernel's
 * ({@link VipSpec}: what RTM_NEWADDR / RTM_DELADDR carry). vrrp and netlink know nothing of each
 * other, so the agent converts, here and nowhere else.
 *
 * <p>Carried: address, prefix, device, {@code brd}, {@code scope} and {@code label} (IPv4),
 * {@code -nodad} (IPv6), {@code preferred_lft} (IPv6 always, keepalived's default already in the
 * line; IPv4 only when given, forever being the kernel's default there), {@code no_track},
 * {@code peer IP[/P]} and the flags {@code home}, {@code mngtmpaddr}, {@code noprefixroute},
 * {@code autojoin}, as keepalived/vrrp/vrrp_ipaddress.c, netlink_ipaddress(), sends them. A VIP's
 * macvlan, when it has one, is the daemon's to name ({@link VipSpec#withIfname}).
 */
public final class KernelVips {
    private KernelVips() {}

    /** A VIP of {@code instance}: on its {@code dev}, else on the instance's interface. */
    public static VipSpec ofInstance(InstanceSpec instance, VirtualIp v) {
        return of(v, v.device() != null ? v.device() : instance.interfaceName(), v.noTrack());
    }

    /** A {@code static_ipaddress} entry: its device is always set (keepalived's default_interface otherwise); never tracked. */
    public static VipSpec ofStatic(VirtualIp v) {
        return of(v, v.device(), true);
    }

    private static VipSpec of(VirtualIp v, String ifname, boolean noTrack) {
        boolean v6 = v.address() instanceof Inet6Address;
        VipSpec spec = VipSpec.of(v.address(), v.prefixLength(), ifname).withNoTrack(noTrack);
        if (v6) {
            spec = spec.withNodad(v.nodad());
        } else {
            spec = spec.withNodad(false).withScope(scope(v.scope()));
            if (v.label() != null) {
                spec = spec.withLabel(v.label());
            }
            if (v.broadcast() != null) {
                spec = spec.withBroadcast(v.broadcast());
            }
        }
        if (v6 || v.preferredLft() >= 0) {
            spec = spec.withPreferredLifetime((int) v.preferredLft()); // -1: 0xFFFFFFFF, forever
        }
        if (v.peer() != null) {
            spec = spec.withPeer(v.peer(), v.peerPrefix());
        }
        return spec.withFlags((v.home() ? Rtnl.IFA_F_HOMEADDRESS : 0) | (v.mngtmpaddr() ? Rtnl.IFA_F_MANAGETEMPADDR : 0)
                | (v.noPrefixRoute() ? Rtnl.IFA_F_NOPREFIXROUTE : 0) | (v.autojoin() ? Rtnl.IFA_F_MCAUTOJOIN : 0));
    }

    /** The RT_SCOPE_* number of a {@code scope} name, as ip(8) and keepalived name them. */
    public static int scope(String name) {
        return switch (name == null ? "global" : name) {
            case "site" -> Rtnl.RT_SCOPE_SITE;
            case "link" -> Rtnl.RT_SCOPE_LINK;
            case "host" -> Rtnl.RT_SCOPE_HOST;
            case "nowhere" -> Rtnl.RT_SCOPE_NOWHERE;
            default -> Rtnl.RT_SCOPE_UNIVERSE;
        };
    }
}
