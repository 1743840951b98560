package org.keepvip.agent.vmac;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keepvip.vrrp.config.AddressFamily;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.VirtualIp;
import org.keepvip.vrrp.config.Vmac;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.Ipvlan;

/**
 * Which macvlans a configuration asks for, and which of them each VIP goes on
 * (keepalived/vrrp/vrrp.c: vrrp_complete_instance()). Pure: names are chosen when the links are
 * made ({@link VmacLinks}), since they depend on the interfaces that exist.
 */
public final class VmacPlan {
    private VmacPlan() {}

    /**
     * One macvlan.
     *
     * @param key        identifies it across reloads: {@code instance:NAME} for use_vmac, or
     *                   {@code addr:BASE/FAMILY/VRID/MAC} for use_vmac_addr's (shared by instances)
     * @param owner      the instance that asked first, for log lines
     * @param configuredName the name written in use_vmac, or null
     * @param prefix     vmac_prefix (vmac_addr_prefix for use_vmac_addr's)
     * @param base       the interface it sits on
     * @param mac        its MAC, hex without separators
     * @param family     the family of the addresses it carries
     * @param vrid       the instance's VRID (the name's suffix)
     * @param ipv6       IPv6 stays enabled on it (an IPv6 instance, or eVIPs of the other family)
     * @param linkLocal  an IPv6 link-local address goes on it (the adverts' source, unless vmac_xmit_base)
     * @param source     the configured IPv6 advert source (mcast_src_ip / unicast_src_ip), or null for the base's
     * @param ipvlan     use_ipvlan: the link is an L2 ipvlan with these flags and address ({@code mac} unused),
     *                   or null for a macvlan
     */
    public record Link(String key, String owner, String configuredName, String prefix, String base, String mac,
                       AddressFamily family, int vrid, boolean ipv6, boolean linkLocal, InetAddress source,
                       Ipvlan ipvlan) {
        public Link(String key, String owner, String configuredName, String prefix, String base, String mac,
                    AddressFamily family, int vrid, boolean ipv6, boolean linkLocal, InetAddress source) {
            this(key, owner, configuredName, prefix, base, mac, family, vrid, ipv6, linkLocal, source, null);
        }

        public byte[] macBytes() {
            return HexFormat.of().parseHex(mac);
        }
    }

    /** Every macvlan of {@code config}, in instance order, each once. */
    public static List<Link> links(KeepalivedConfig config) {
        Map<String, Link> out = new LinkedHashMap<>();
        for (InstanceSpec i : config.instances()) {
            Vmac v = i.vmac();
            if (v == null) {
                continue;
            }
            if (v.onInstance()) {
                Link l = instanceLink(config, i);
                out.put(l.key(), l);
            }
            for (VirtualIp a : all(i)) {
                Link l = addressLink(config, i, a);
                if (l != null) {
                    out.putIfAbsent(l.key(), l);
                }
            }
        }
        return List.copyOf(out.values());
    }

    /** The key of the macvlan {@code vip} goes on, or null for its own interface. */
    public static String keyFor(InstanceSpec i, VirtualIp vip) {
        Vmac v = i.vmac();
        if (v == null) {
            return null;
        }
        if (v.onInstance() && own(i, vip) && vip.family() == i.family()) {
            return instanceKey(i);
        }
        return needsAddressLink(i, vip) && base(i, vip) != null ? addressKey(i, vip) : null;
    }

    public static String instanceKey(InstanceSpec i) {
        return "instance:" + i.name();
    }

    private static Link instanceLink(KeepalivedConfig config, InstanceSpec i) {
        Vmac v = i.vmac();
        boolean otherFamily = all(i).stream().anyMatch(a -> a.family() != i.family());
        boolean ipv6 = i.family() == AddressFamily.IPV6;
        InetAddress configured = i.unicastSrcIp() != null ? i.unicastSrcIp() : i.mcastSrcIp();
        if (v.isIpvlan()) {
            // keepalived/vrrp/vrrp_vmac.c: netlink_link_add_ipvlan(): no virtual MAC, no link-local address of
            // its own; IPv6 stays on only for an IPv6 instance or eVIPs of the other family.
            return new Link(instanceKey(i), i.name(), v.name(), config.global().vmacPrefix(), i.interfaceName(), "",
                    i.family(), i.vrid(), ipv6 || otherFamily, false, null, v.ipvlan());
        }
        return new Link(instanceKey(i), i.name(), v.name(), config.global().vmacPrefix(), i.interfaceName(),
                HexFormat.of().formatHex(Vmac.macFor(v.mac(), i.vrid(), i.family())), i.family(), i.vrid(),
                ipv6 || otherFamily, ipv6 && !v.xmitBase(), ipv6 ? configured : null);
    }

    private static Link addressLink(KeepalivedConfig config, InstanceSpec i, VirtualIp a) {
        if (!needsAddressLink(i, a) || base(i, a) == null) {
            return null;
        }
        boolean ipv6 = a.family() == AddressFamily.IPV6;
        return new Link(addressKey(i, a), i.name(), null, config.global().vmacAddrPrefix(), base(i, a),
                HexFormat.of().formatHex(Vmac.macFor(i.vmac().mac(), i.vrid(), a.family())), a.family(), i.vrid(),
                ipv6, ipv6, null);
    }

    /** keepalived's "!if_sorted": a VIP that use_vmac_addr or its own use_vmac puts on a macvlan of its interface. */
    private static boolean needsAddressLink(InstanceSpec i, VirtualIp a) {
        Vmac v = i.vmac();
        if (own(i, a)) {
            if (v.onInstance() && a.family() == i.family()) {
                return false;
            }
            return a.useVmac() || (v.forOtherAddresses() && a.family() != i.family());
        }
        return a.useVmac() || v.forOtherAddresses();
    }

    private static String addressKey(InstanceSpec i, VirtualIp a) {
        return "addr:" + base(i, a) + "/" + a.family() + "/" + i.vrid() + "/"
                + HexFormat.of().formatHex(Vmac.macFor(i.vmac().mac(), i.vrid(), a.family()));
    }

    private static boolean own(InstanceSpec i, VirtualIp a) {
        return a.device() == null || a.device().equals(i.interfaceName());
    }

    private static String base(InstanceSpec i, VirtualIp a) {
        return a.device() != null ? a.device() : i.interfaceName();
    }

    private static List<VirtualIp> all(InstanceSpec i) {
        List<VirtualIp> out = new ArrayList<>(i.virtualIps());
        out.addAll(i.excludedIps());
        return out;
    }
}
