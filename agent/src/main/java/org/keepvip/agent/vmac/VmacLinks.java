package org.keepvip.agent.vmac;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.keepvip.netlink.IfAddress;
import org.keepvip.netlink.Link;
import org.keepvip.netlink.NetlinkClient;
import org.keepvip.netlink.Rtnl;
import org.keepvip.netlink.VipSpec;
import org.keepvip.vrrp.config.AddressFamily;
import org.keepvip.vrrp.config.Vmac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The macvlans keepvip made for {@code use_vmac} and {@code use_vmac_addr}, and the kernel settings
 * it changed for them, undone at exit, as keepalived does (keepalived/vrrp/vrrp_vmac.c:
 * netlink_link_add_vmac(), netlink_link_del_vmac(); keepalived/vrrp/vrrp_if_config.c:
 * set_interface_parameters(), clear_rp_filter(), restore_rp_filter()):
 * <ul>
 * <li>a matching private macvlan on the base (a killed run's) is adopted as it is; otherwise the
 *     configured name, or {@code PREFIX.VRID} (then {@code PREFIXn.VRID}) where free, is created,
 *     or updated when a macvlan of that name sits on the base with the wrong MAC or mode; on a base
 *     enslaved to a VRF it is made in the same VRF (keepalived/vrrp/vrrp_vmac.c: netlink_link_add_vmac(),
 *     IFLA_MASTER);</li>
 * <li>one whose base does not exist (yet, or any more) is made when the base appears
 *     (keepalived/vrrp/vrrp_if.c: update_added_interface(), recreate_vmac_thread());</li>
 * <li>IPv4: on the macvlan arp_ignore=1, accept_local=1, rp_filter=0, promote_secondaries=1; on the
 *     base arp_ignore=1 and arp_filter=1 (restored when its last macvlan goes); and, once,
 *     net.ipv4.conf.all.rp_filter=0 after raising default and every interface to its old value;</li>
 * <li>IPv6 disabled on it unless it carries IPv6, no EUI-64 address, link up: it stays up in every
 *     state, only the VIPs come and go; an IPv6 one gets the adverts' link-local source.</li>
 * </ul>
 * Thread-safe (the daemon's start, reloads and exit call it). The questions the netlink monitor asks
 * on every link event ({@link #isOurs}, {@link #hasBase}, {@link #waitsFor}) take no lock: they
 * read a snapshot published after each change, so a holder busy making links (netlink requests,
 * sysctl writes) never stalls the monitor's event handling.
 */
public final class VmacLinks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("keepvip.vrrp");

    private final NetlinkClient nl;
    private final Sysctl sysctl;
    private final Map<String, Made> made = new LinkedHashMap<>();
    /** Planned macvlans whose base interface is missing, by key: made when it appears. */
    private final Map<String, VmacPlan.Link> waiting = new LinkedHashMap<>();
    private final Map<String, BaseArp> bases = new HashMap<>();
    private RpFilter rpFilter;
    /** What the monitor asks, as of the last change; replaced whole under the lock, read without it. */
    private volatile Watch watch = new Watch(Set.of(), Set.of(), Set.of());

    /** The links in use by index, their bases, and the bases awaited, by name. */
    private record Watch(Set<Integer> ours, Set<String> bases, Set<String> awaited) {}

    /** A macvlan in use; {@code countedBase}: it holds a reference on its base's arp settings. */
    private record Made(VmacPlan.Link spec, String name, int ifindex, boolean countedBase) {}

    /** A base interface's arp_ignore/arp_filter before the first macvlan, and how many hold them. */
    private static final class BaseArp {
        final int ifindex;
        final int arpIgnore;
        final int arpFilter;
        int users = 1;

        BaseArp(int ifindex, int arpIgnore, int arpFilter) {
            this.ifindex = ifindex;
            this.arpIgnore = arpIgnore;
            this.arpFilter = arpFilter;
        }
    }

    /** What clear_rp_filter changed: all's old value, default's (-1: untouched), interfaces' by index. */
    private record RpFilter(int all, int defaultValue, Map<Integer, Integer> interfaces) {}

    public VmacLinks(NetlinkClient nl, Sysctl sysctl) {
        this.nl = nl;
        this.sysctl = sysctl;
    }

    /**
     * Makes the macvlans of {@code plan} that are missing (one planned differently from what was
     * made is made again). Returns every planned link's name by key. A link that cannot be made is
     * logged; its VIPs then fail to be added, as keepalived's would.
     */
    public synchronized Map<String, String> ensure(List<VmacPlan.Link> plan) {
        try {
            return ensureLinks(plan);
        } finally {
            publish();
        }
    }

    private Map<String, String> ensureLinks(List<VmacPlan.Link> plan) {
        for (VmacPlan.Link l : plan) {
            Made m = made.get(l.key());
            if (m != null && !m.spec().equals(l)) {
                remove(l.key());
            }
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (VmacPlan.Link l : plan) {
            Made m = made.get(l.key());
            if (m == null) {
                m = make(l, names.values());
            }
            if (m != null) {
                waiting.remove(l.key());
                made.put(l.key(), m);
                publish();
                names.put(l.key(), m.name());
            }
        }
        return names;
    }

    /** Whether a link of ours sits on interface {@code base}. Takes no lock. */
    public boolean hasBase(String base) {
        return watch.bases().contains(base);
    }

    /** Makes the monitor's snapshot match {@link #made} and {@link #waiting}; under the lock, after a change. */
    private void publish() {
        publish(0);
    }

    /**
     * As {@link #publish()}, with {@code making} (a link just created, still being set up) counted as
     * ours already: deleted from outside before it is in {@link #made}, it is made again too.
     */
    private void publish(int making) {
        Set<Integer> ours = new HashSet<>();
        if (making > 0) {
            ours.add(making);
        }
        Set<String> on = new HashSet<>();
        made.values().forEach(m -> {
            ours.add(m.ifindex());
            on.add(m.spec().base());
        });
        Set<String> awaited = new HashSet<>();
        waiting.values().forEach(l -> awaited.add(l.base()));
        watch = new Watch(Set.copyOf(ours), Set.copyOf(on), Set.copyOf(awaited));
    }

    /**
     * Interface {@code base} changed: the links keepvip made on it follow it into or out of a VRF, as
     * keepalived moves them (keepalived/vrrp/vrrp_vmac.c: update_vmac_vrfs(), netlink_update_vrf()).
     */
    public synchronized void followVrf(String base) {
        try {
            List<Link> links = nl.links();
            Optional<Link> b = links.stream().filter(x -> x.name().equals(base)).findFirst();
            if (b.isEmpty()) {
                return;
            }
            int vrf = vrfOf(b.get(), links);
            for (Made m : made.values()) {
                if (!m.spec().base().equals(base)) {
                    continue;
                }
                Optional<Link> l = links.stream().filter(x -> x.ifindex() == m.ifindex()).findFirst();
                if (l.isEmpty() || l.get().masterIndex() == vrf) {
                    continue;
                }
                int now = l.get().masterIndex();
                if (now != 0 && links.stream().noneMatch(x -> x.ifindex() == now && x.isVrf())) {
                    continue; // enslaved to something else (a bridge) by the operator: left alone
                }
                try {
                    nl.setMaster(m.ifindex(), vrf);
                    LOG.info("vmac: Success changing VRF of VMAC interface {} for vrrp_instance {}", m.name(),
                            m.spec().owner());
                } catch (IOException e) {
                    LOG.info("vmac: Error changing VRF of VMAC interface {} for vrrp_instance {}!!! {}", m.name(),
                            m.spec().owner(), e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: VRF of its VMACs not checked: {}", base, e.getMessage());
        }
    }

    /** Whether a planned macvlan waits for interface {@code base} to appear. Takes no lock. */
    public boolean waitsFor(String base) {
        return watch.awaited().contains(base);
    }

    /**
     * Interface {@code base} appeared (again): makes the macvlans that waited for it, as keepalived
     * does on the RTM_NEWLINK of an instance's configured interface. Returns their names by key.
     */
    public synchronized Map<String, String> baseAdded(String base) {
        try {
            return makeAwaited(base);
        } finally {
            publish();
        }
    }

    private Map<String, String> makeAwaited(String base) {
        Map<String, String> names = new LinkedHashMap<>();
        for (VmacPlan.Link l : new ArrayList<>(waiting.values())) {
            if (!l.base().equals(base)) {
                continue;
            }
            List<String> taken = made.values().stream().map(Made::name).toList();
            Made m = make(l, taken);
            if (m != null) {
                waiting.remove(l.key());
                made.put(l.key(), m);
                publish();
                names.put(l.key(), m.name());
            }
        }
        return names;
    }

    /** Removes the macvlans {@code plan} no longer has (after a reload stopped their instances). */
    public synchronized void retain(List<VmacPlan.Link> plan) {
        Set<String> keys = new HashSet<>();
        plan.forEach(l -> keys.add(l.key()));
        try {
            for (String key : new ArrayList<>(made.keySet())) {
                if (!keys.contains(key)) {
                    remove(key);
                }
            }
            waiting.keySet().retainAll(keys);
        } finally {
            publish();
        }
    }

    /** Whether {@code ifindex} is a macvlan keepvip made or adopted and has not removed itself. Takes no lock. */
    public boolean isOurs(int ifindex) {
        return watch.ours().contains(ifindex);
    }

    /**
     * A macvlan of ours was deleted from outside: makes it again, with its name, MAC and settings, as
     * keepalived does (keepalived/core/keepalived_netlink.c: netlink_if_link_filter() on RTM_DELLINK of
     * an interface it made, then keepalived/vrrp/vrrp_if.c: recreate_vmac_thread(), setup_interface(),
     * and keepalived/vrrp/vrrp_vmac.c: netlink_link_add_vmac()). The VIPs it held went with it; the
     * instance puts them back when it next becomes MASTER. Returns the name it has again, empty when
     * {@code ifindex} is not ours (keepvip removed it itself) or it cannot be made (its base is gone:
     * logged, as at start).
     */
    public synchronized Optional<String> recreate(int ifindex) {
        try {
            return makeAgain(ifindex);
        } finally {
            publish();
        }
    }

    private Optional<String> makeAgain(int ifindex) {
        String key = made.entrySet().stream().filter(e -> e.getValue().ifindex() == ifindex).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        if (key == null) {
            return Optional.empty();
        }
        Made gone = made.remove(key);
        if (gone.countedBase()) {
            // Its hold on the base's arp settings passes to the new one (configure() counts it again);
            // the base keeps arp_ignore/arp_filter 1 in between.
            BaseArp b = bases.get(gone.spec().base());
            if (b != null) {
                b.users--;
            }
        }
        List<String> taken = made.values().stream().map(Made::name).toList();
        Made again = make(gone.spec(), taken);
        if (again == null) {
            BaseArp b = bases.get(gone.spec().base());
            if (b != null && b.users == 0) {
                bases.remove(gone.spec().base()); // nothing holds it any more; the base may be gone too
                try {
                    nl.setIpv4Conf(b.ifindex, arp(b.arpIgnore, b.arpFilter));
                } catch (IOException | RuntimeException e) {
                    LOG.debug("{}: arp settings not restored: {}", gone.spec().base(), e.getMessage());
                }
            }
            return Optional.empty();
        }
        made.put(key, again);
        publish();
        return Optional.of(again.name());
    }

    /** The names of the macvlans in use, for tests and status. */
    public synchronized List<String> names() {
        return made.values().stream().map(Made::name).toList();
    }

    private Made make(VmacPlan.Link l, Collection<String> taken) {
        try {
            List<Link> links = nl.links();
            Optional<Link> base = links.stream().filter(x -> x.name().equals(l.base())).findFirst();
            if (base.isEmpty()) {
                LOG.warn("({}) VMAC: interface {} doesn't exist - no macvlan on it until it does", l.owner(), l.base());
                waiting.put(l.key(), l);
                return null;
            }
            Set<String> inUse = new HashSet<>(taken);
            made.values().forEach(m -> inUse.add(m.name()));
            if (l.ipvlan() != null) {
                return makeIpvlan(l, links, base.get(), inUse);
            }
            byte[] mac = l.macBytes();
            for (Link x : links) {
                if (x.parentIndex() == base.get().ifindex() && x.isPrivateMacvlan() && !inUse.contains(x.name())
                        && x.mac().map(m -> Arrays.equals(m.bytes(), mac)).orElse(false)) {
                    LOG.info("({}) Found matching interface {}", l.owner(), x.name());
                    if (l.configuredName() != null && !l.configuredName().equals(x.name())) {
                        LOG.info("({}) vmac name mismatch {} <=> {}. changing to {}.", l.owner(), l.configuredName(),
                                x.name(), x.name());
                    }
                    return new Made(l, x.name(), x.ifindex(), false);
                }
            }
            String name = l.configuredName();
            Link update = null;
            if (name != null) {
                String n = name;
                Optional<Link> existing = links.stream().filter(x -> x.name().equals(n)).findFirst();
                if (existing.isPresent() && existing.get().kind().equals("macvlan")) {
                    LOG.info("({}) VMAC {} already exists but is incompatible. It will be deleted/updated", l.owner(), name);
                    if (existing.get().parentIndex() != base.get().ifindex()) {
                        LOG.info("({}) Removing old VMAC interface {} due to conflicting interface", l.owner(), name);
                        nl.deleteLink(existing.get().ifindex());
                    } else {
                        LOG.info("({}) Update old VMAC interface {} due to wrong MAC/mode", l.owner(), name);
                        update = existing.get();
                    }
                } else if (existing.isPresent()) {
                    LOG.error("({}) VMAC interface name {} already exists as a non VMAC interface. ignoring configured name",
                            l.owner(), name);
                    name = null;
                }
            }
            if (name == null) {
                name = freeName(l, links, inUse);
            }
            Link vm;
            if (update != null) {
                nl.updateMacvlan(update.ifindex(), mac);
                vm = nl.link(name).orElseThrow(() -> new IOException("gone after the update"));
            } else {
                vm = nl.createMacvlan(name, base.get().ifindex(), mac, vrfOf(base.get(), links));
            }
            LOG.info("({}) Success {} VMAC interface {}", l.owner(), update != null ? "updating" : "creating", name);
            return configure(l, vm, base.get());
        } catch (IOException | RuntimeException e) {
            LOG.error("({}): Unable to create {} interface {} on {}: {}", l.owner(), l.ipvlan() != null ? "ipvlan" : "VMAC",
                    l.configuredName() != null ? l.configuredName() : l.prefix() + "." + l.vrid(), l.base(), e.getMessage());
            return null;
        }
    }

    /**
     * use_ipvlan: an L2 ipvlan on the base, found or made, up, IPv6 off unless wanted, its address
     * added (keepalived/vrrp/vrrp.c: vrrp_complete_instance(), the matching interface;
     * keepalived/vrrp/vrrp_vmac.c: netlink_link_add_ipvlan()). No arp or rp_filter settings: the
     * ipvlan answers ARP with its base's MAC, as keepalived leaves it.
     */
    private Made makeIpvlan(VmacPlan.Link l, List<Link> links, Link base, Set<String> inUse) throws IOException {
        var v = l.ipvlan();
        for (Link x : links) {
            if (x.parentIndex() == base.ifindex() && x.isL2Ipvlan(v.flags()) && !inUse.contains(x.name())
                    && (l.configuredName() == null || l.configuredName().equals(x.name()))
                    && (v.address() == null || hasAddress(x, v.address()))) {
                LOG.info("({}) Found matching interface {}", l.owner(), x.name());
                return new Made(l, x.name(), x.ifindex(), false);
            }
        }
        String name = l.configuredName();
        Link existing = null;
        if (name != null) {
            String n = name;
            existing = links.stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
            if (existing != null && !existing.kind().equals("ipvlan") && !existing.kind().equals("macvlan")) {
                LOG.error("({}) IPVLAN interface name {} already exists as a non IPVLAN interface. ignoring configured name",
                        l.owner(), name);
                existing = null;
                name = null;
            } else if (existing != null && !(existing.parentIndex() == base.ifindex() && existing.isL2Ipvlan(v.flags()))) {
                // A macvlan, or an ipvlan on another base or in another mode, would carry the VIPs
                // somewhere else than configured: refused, and left as it is (not ours to delete).
                // keepalived's vrrp_complete_instance() calls it incompatible, but its
                // netlink_link_add_ipvlan() then takes it whatever its kind.
                throw new IOException("interface " + name + " already exists as " + describe(existing, links)
                        + ", not an L2 " + v.flagsWord() + " ipvlan on " + base.name() + " - not using it");
            }
        }
        if (name == null) {
            name = freeName(l, links, inUse);
        }
        Link ipv;
        if (existing != null) {
            ipv = existing;
            if (!ipv.isUp()) {
                nl.setLinkUp(ipv.ifindex(), true);
            }
        } else {
            ipv = nl.createIpvlan(name, base.ifindex(), v.flags(), vrfOf(base, links));
            publish(ipv.ifindex());
            LOG.info("({}): Success creating ipvlan interface {}", l.owner(), name);
        }
        try {
            sysctl.write("ipv6", ipv.name(), "disable_ipv6", l.ipv6() ? 0 : 1);
        } catch (IOException e) {
            LOG.info("({}) cannot set disable_ipv6 on {}: {}", l.owner(), ipv.name(), e.getMessage());
        }
        if (v.address() != null) {
            try {
                nl.addAddress(VipSpec.of(v.address(), v.prefix(), ipv.name()).withIfindex(ipv.ifindex()));
            } catch (IOException e) {
                LOG.info("{}: Failed to add interface address to {}: {}", l.owner(), ipv.name(), e.getMessage());
            }
        }
        return new Made(l, ipv.name(), ipv.ifindex(), false);
    }

    /** "a macvlan on v0", "an ipvlan in L3 mode on v1", ... for a refusal. */
    private static String describe(Link x, List<Link> links) {
        String kind = x.kind().isEmpty() ? "device" : x.kind();
        String on = links.stream().filter(b -> b.ifindex() == x.parentIndex() && x.parentIndex() != 0).map(Link::name)
                .findFirst().map(n -> " on " + n).orElse("");
        String mode = "";
        if (kind.equals("ipvlan")) {
            mode = x.ipvlanMode() != Rtnl.IPVLAN_MODE_L2 ? (x.ipvlanMode() == 1 ? " in L3 mode" : " in L3S mode")
                    : " in " + switch (x.ipvlanFlags()) {
                        case Rtnl.IPVLAN_F_PRIVATE -> "private";
                        case Rtnl.IPVLAN_F_VEPA -> "vepa";
                        default -> "bridge";
                    } + " mode";
        }
        return ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind + mode + on;
    }

    private boolean hasAddress(Link x, InetAddress a) throws IOException {
        for (IfAddress ia : nl.addresses(x.ifindex())) {
            if (ia.address().equals(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Settles a macvlan just made or updated; it is ours from now on (deleted at exit) even if a step
     * fails, which is logged.
     */
    private Made configure(VmacPlan.Link l, Link vm, Link base) {
        publish(vm.ifindex());
        String name = vm.name();
        boolean counted = false;
        try {
            if (l.family() == AddressFamily.IPV4) {
                counted = setInterfaceParameters(vm, base);
            }
            try {
                sysctl.write("ipv6", name, "disable_ipv6", l.ipv6() ? 0 : 1);
            } catch (IOException e) {
                LOG.info("({}) cannot set disable_ipv6 on {}: {}", l.owner(), name, e.getMessage()); // no IPv6 here
            }
            try {
                nl.setAddrGenModeNone(vm.ifindex());
            } catch (IOException e) {
                LOG.info("({}) Error setting ADDR_GEN_MODE to NONE on {}: {}", l.owner(), name, e.getMessage());
            }
            nl.setLinkUp(vm.ifindex(), true);
            if (l.linkLocal()) {
                addLinkLocal(l, vm, base);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("({}) VMAC interface {} not fully set up: {}", l.owner(), name, e.getMessage());
        }
        return new Made(l, name, vm.ifindex(), counted);
    }

    /** The index of the VRF {@code base} is enslaved to, 0 when it is in none (a bridge or bond is no VRF). */
    private static int vrfOf(Link base, List<Link> links) {
        int master = base.masterIndex();
        return master != 0 && links.stream().anyMatch(x -> x.ifindex() == master && x.isVrf()) ? master : 0;
    }

    /** keepalived/vrrp/vrrp.c: create_vmac_name(): the first name no instance uses and no interface has. */
    private static String freeName(VmacPlan.Link l, List<Link> links, Set<String> inUse) {
        Set<String> existing = new HashSet<>();
        links.forEach(x -> existing.add(x.name()));
        for (int number = 0; ; number = Vmac.nextNumber(number, l.family())) {
            String candidate = Vmac.name(l.prefix(), number, l.vrid());
            if (!inUse.contains(candidate) && !existing.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** Returns true if the base's arp settings now count this macvlan. */
    private boolean setInterfaceParameters(Link vm, Link base) throws IOException {
        if (rpFilter == null) {
            rpFilter = clearRpFilter();
        }
        Map<Integer, Integer> vmac = new LinkedHashMap<>();
        vmac.put(Rtnl.IPV4_DEVCONF_ARP_IGNORE, 1);
        vmac.put(Rtnl.IPV4_DEVCONF_ACCEPT_LOCAL, 1);
        vmac.put(Rtnl.IPV4_DEVCONF_RP_FILTER, 0);
        vmac.put(Rtnl.IPV4_DEVCONF_PROMOTE_SECONDARIES, 1);
        nl.setIpv4Conf(vm.ifindex(), vmac);
        BaseArp b = bases.get(base.name());
        if (b != null) {
            b.users++;
            return true;
        }
        int arpIgnore = base.ipv4Conf(Rtnl.IPV4_DEVCONF_ARP_IGNORE).orElse(0);
        int arpFilter = base.ipv4Conf(Rtnl.IPV4_DEVCONF_ARPFILTER).orElse(0);
        if (arpIgnore == 1 && arpFilter == 1) {
            return false;
        }
        nl.setIpv4Conf(base.ifindex(), arp(1, 1));
        bases.put(base.name(), new BaseArp(base.ifindex(), arpIgnore, arpFilter));
        return true;
    }

    private static Map<Integer, Integer> arp(int ignore, int filter) {
        Map<Integer, Integer> m = new LinkedHashMap<>();
        m.put(Rtnl.IPV4_DEVCONF_ARP_IGNORE, ignore);
        m.put(Rtnl.IPV4_DEVCONF_ARPFILTER, filter);
        return m;
    }

    /**
     * An IPv4 macvlan needs rp_filter 0, which all.rp_filter overrides: raise default and every
     * interface to all's value where lower, then set all to 0 (keepalived's clear_rp_filter()).
     */
    private RpFilter clearRpFilter() throws IOException {
        OptionalInt all = sysctl.read("ipv4", "all", "rp_filter");
        if (all.isEmpty()) {
            LOG.info("Unable to read sysctl net.ipv4.conf.all.rp_filter");
            return new RpFilter(0, -1, Map.of());
        }
        if (all.getAsInt() == 0) {
            return new RpFilter(0, -1, Map.of());
        }
        int a = all.getAsInt();
        int def = -1;
        OptionalInt d = sysctl.read("ipv4", "default", "rp_filter");
        if (d.isPresent() && d.getAsInt() < a) {
            LOG.info("NOTICE: setting sysctl net.ipv4.conf.default.rp_filter from {} to {}", d.getAsInt(), a);
            sysctl.write("ipv4", "default", "rp_filter", a);
            def = d.getAsInt();
        }
        Map<Integer, Integer> raised = new LinkedHashMap<>();
        for (Link l : nl.links()) {
            OptionalInt rp = l.ipv4Conf(Rtnl.IPV4_DEVCONF_RP_FILTER);
            if (rp.isPresent() && rp.getAsInt() < a) {
                nl.setIpv4Conf(l.ifindex(), Map.of(Rtnl.IPV4_DEVCONF_RP_FILTER, a));
                raised.put(l.ifindex(), rp.getAsInt());
            }
        }
        LOG.info("NOTICE: setting sysctl net.ipv4.conf.all.rp_filter from {} to 0", a);
        sysctl.write("ipv4", "all", "rp_filter", 0);
        return new RpFilter(a, def, raised);
    }

    /** keepalived's restore_rp_filter(): each value back, where it is still what we set. */
    private void restoreRpFilter() {
        RpFilter rp = rpFilter;
        rpFilter = null;
        if (rp == null || rp.all() == 0) {
            return;
        }
        try {
            if (sysctl.read("ipv4", "all", "rp_filter").orElse(-1) == 0) {
                LOG.info("NOTICE: resetting sysctl net.ipv4.conf.all.rp_filter to {}", rp.all());
                sysctl.write("ipv4", "all", "rp_filter", rp.all());
            }
            if (rp.defaultValue() >= 0 && sysctl.read("ipv4", "default", "rp_filter").orElse(-1) == rp.all()) {
                LOG.info("NOTICE: resetting sysctl net.ipv4.conf.default.rp_filter to {}", rp.defaultValue());
                sysctl.write("ipv4", "default", "rp_filter", rp.defaultValue());
            }
            for (Link l : nl.links()) {
                Integer old = rp.interfaces().get(l.ifindex());
                if (old != null && l.ipv4Conf(Rtnl.IPV4_DEVCONF_RP_FILTER).orElse(-1) == rp.all()) {
                    nl.setIpv4Conf(l.ifindex(), Map.of(Rtnl.IPV4_DEVCONF_RP_FILTER, old));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("restoring rp_filter failed: {}", e.getMessage());
        }
    }

    /**
     * The adverts' IPv6 source on the macvlan: the configured one, else the base's link-local
     * address, else one made from the base's MAC (keepalived/vrrp/vrrp_vmac.c: set_link_local_address()).
     */
    private void addLinkLocal(VmacPlan.Link l, Link vm, Link base) throws IOException {
        InetAddress a = l.source();
        if (a == null) {
            for (IfAddress x : nl.addresses(base.ifindex())) {
                if (x.address() instanceof Inet6Address six && six.isLinkLocalAddress()) {
                    a = x.address();
                    break;
                }
            }
        }
        if (a == null && base.mac().isPresent()) {
            a = linkLocalFrom(base.mac().get().bytes());
        }
        if (a == null) {
            return;
        }
        nl.addAddress(VipSpec.of(a, 64, vm.name()).withIfindex(vm.ifindex()).withNodad(false));
    }

    static InetAddress linkLocalFrom(byte[] mac) throws UnknownHostException {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfe;
        a[1] = (byte) 0x80;
        a[8] = (byte) (mac[0] ^ 0x02);
        a[9] = mac[1];
        a[10] = mac[2];
        a[11] = (byte) 0xff;
        a[12] = (byte) 0xfe;
        a[13] = mac[3];
        a[14] = mac[4];
        a[15] = mac[5];
        return InetAddress.getByAddress(a);
    }

    /** Removes one macvlan: its base's arp settings back if it was the last, then the link. */
    private void remove(String key) {
        Made m = made.remove(key);
        if (m == null) {
            return;
        }
        publish(); // before the delete: its RTM_DELLINK is not one to make it again for
        try {
            if (m.countedBase()) {
                BaseArp b = bases.get(m.spec().base());
                if (b != null && --b.users == 0) {
                    bases.remove(m.spec().base());
                    nl.setIpv4Conf(b.ifindex, arp(b.arpIgnore, b.arpFilter));
                }
            }
            if (nl.deleteLink(m.ifindex())) {
                LOG.info("({}) Success removing {} interface {}", m.spec().owner(),
                        m.spec().ipvlan() != null ? "ipvlan" : "VMAC", m.name());
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("({}) Error removing VMAC interface {}: {}", m.spec().owner(), m.name(), e.getMessage());
        }
    }

    /** At exit, after the VIPs are gone: rp_filter back, then every macvlan removed (keepalived's order). */
    @Override
    public synchronized void close() {
        waiting.clear();
        try {
            restoreRpFilter();
            List<String> keys = new ArrayList<>(made.keySet());
            Collections.reverse(keys);
            keys.forEach(this::remove);
        } finally {
            publish();
        }
    }
}
