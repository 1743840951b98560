package org.keepvip.agent.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.keepvip.vrrp.config.Diagnostic;
import org.keepvip.vrrp.config.GarpGroup;
import org.keepvip.vrrp.config.HostSettings;
import org.keepvip.vrrp.config.InstanceSpec;
import org.keepvip.vrrp.config.IpRoute;
import org.keepvip.vrrp.config.IpRule;
import org.keepvip.vrrp.config.KeepalivedConfig;
import org.keepvip.vrrp.config.LinkDelay;
import org.keepvip.vrrp.config.Origin;
import org.keepvip.vrrp.config.SyncGroupSpec;
import org.keepvip.vrrp.config.TrackHost;
import org.keepvip.vrrp.config.Tracked;
import org.keepvip.vrrp.config.VirtualIp;

/**
 * keepalived -t's interface check ({@code --check-interfaces}), in its words. Each named interface
 * that does not exist is a configuration error where it is named, and the file as a whole gets
 * keepalived's closing line: -t exits 5, because the per-name errors outrank the "bad interface"
 * status (keepalived/vrrp/vrrp_parser.c: vrrp_int_handler(); vrrp_track.c: alloc_track_if();
 * vrrp_ipaddress.c: alloc_ipaddress(); vrrp_daemon.c: start_vrrp()). With
 * {@code dynamic_interfaces} keepalived waits for them: a warning here.
 */
public final class InterfaceCheck {
    static final String SUMMARY = "Non-existent interface specified in configuration";

    private InterfaceCheck() {}

    /** @param mainFile the checked file, where the closing line is reported (line 0) */
    public static List<Diagnostic> check(KeepalivedConfig c, Set<String> existing, String mainFile) {
        List<Diagnostic> out = new ArrayList<>();
        boolean dynamic = c.global().dynamicInterfaces();
        for (InstanceSpec i : c.instances()) {
            if (i.interfaceName() != null && !existing.contains(i.interfaceName())) {
                out.add(missing(dynamic, i.origin(), "interface " + i.interfaceName() + " for vrrp_instance "
                        + i.name() + " doesn't exist", true));
            }
            for (Tracked t : i.tracking().interfaces()) {
                trackedMissing(dynamic, i.name(), t, existing, out);
            }
            for (List<VirtualIp> l : List.of(i.virtualIps(), i.excludedIps())) {
                for (VirtualIp v : l) {
                    if (v.device() != null && !existing.contains(v.device())) {
                        out.add(missing(dynamic, v.origin(), "interface " + v.device() + " for ip address "
                                + v.cidr() + " doesn't exist", true));
                    }
                }
            }
        }
        for (SyncGroupSpec g : c.syncGroups()) {
            for (Tracked t : g.tracking().interfaces()) {
                trackedMissing(dynamic, g.name(), t, existing, out);
            }
        }
        hostInterfaces(c.host(), dynamic, existing, out);
        for (TrackHost h : c.trackHosts()) {
            if (h.interfaceName() != null && !existing.contains(h.interfaceName())) {
                out.add(missing(dynamic, h.origin(), "interface " + h.interfaceName() + " for vrrp_track_host "
                        + h.name() + " doesn't exist (its probes are lost until it does)", false));
            }
        }
        if (out.stream().anyMatch(d -> d.category() != Diagnostic.Category.FATAL) && !dynamic) {
            out.add(Diagnostic.error(new Origin(mainFile, 0), SUMMARY));
        }
        routing(c, existing, dynamic, out);
        return out;
    }

    /**
     * Routes and rules name interfaces too; keepalived drops a line whose interface does not exist
     * (vrrp_iproute.c alloc_route, vrrp_iprule.c alloc_rule), without the closing line.
     */
    private static void routing(KeepalivedConfig c, Set<String> existing, boolean dynamic, List<Diagnostic> out) {
        List<IpRoute> routes = new ArrayList<>(c.statics().routes());
        List<IpRule> rules = new ArrayList<>(c.statics().rules());
        for (InstanceSpec i : c.instances()) {
            routes.addAll(i.virtualRoutes());
            rules.addAll(i.virtualRules());
        }
        for (IpRoute r : routes) {
            if (r.device() != null && !existing.contains(r.device())) {
                out.add(missing(dynamic, r.origin(), "interface " + r.device() + " for VROUTE nexthop doesn't exist"
                        + " (route " + r + ")", true));
            }
        }
        for (IpRule r : rules) {
            for (String dev : Arrays.asList(r.iif(), r.oif())) {
                if (dev != null && !existing.contains(dev)) {
                    out.add(missing(dynamic, r.origin(), "interface " + dev + " for rule doesn't exist (rule " + r + ")",
                            true));
                }
            }
        }
        for (VirtualIp v : c.statics().addresses()) {
            if (!existing.contains(v.device())) {
                out.add(missing(dynamic, v.origin(), "interface " + v.device() + " for static ip address " + v.cidr()
                        + " doesn't exist", true));
            }
        }
    }

    /**
     * The interfaces of the host keywords (keepalived/vrrp/vrrp_parser.c: alloc_if_up_down_delay():
     * fatal without dynamic_interfaces; garp_group_interface_handler(): an error).
     */
    private static void hostInterfaces(HostSettings h, boolean dynamic, Set<String> existing, List<Diagnostic> out) {
        for (LinkDelay d : h.linkDelays()) {
            if (!existing.contains(d.ifname()) && !dynamic) {
                out.add(Diagnostic.fatal(d.origin(), "unknown interface " + d.ifname() + " specified for up/down delay"));
            }
        }
        for (GarpGroup g : h.garpGroups()) {
            for (String ifname : g.interfaces()) {
                if (!existing.contains(ifname)) {
                    out.add(missing(dynamic, g.origin(), "interface " + ifname + " specified for garp_group doesn't exist",
                            true));
                }
            }
        }
    }

    /**
     * A use_vmac name that an interface other than a private macvlan already has: keepalived
     * ignores the name and picks its own (keepalived/vrrp/vrrp_parser.c: vrrp_vmac_handler()).
     *
     * @param privateMacvlans the existing interfaces that are private-mode macvlans
     */
    public static List<Diagnostic> vmacNames(KeepalivedConfig c, Set<String> existing, Set<String> privateMacvlans) {
        List<Diagnostic> out = new ArrayList<>();
        for (InstanceSpec i : c.instances()) {
            var v = i.vmac();
            if (v != null && !v.isIpvlan() && v.name() != null && existing.contains(v.name())
                    && !privateMacvlans.contains(v.name())) {
                out.add(Diagnostic.corrected(v.origin(), "(" + i.name() + ") interface " + v.name()
                        + " already exists and is not a private macvlan; ignoring vmac if_name"));
            }
        }
        return out;
    }

    private static void trackedMissing(boolean dynamic, String owner, Tracked t, Set<String> existing,
                                       List<Diagnostic> out) {
        if (!existing.contains(t.name())) {
            out.add(missing(dynamic, t.origin(), "(" + owner + ") tracked interface " + t.name() + " doesn't exist",
                    false));
        }
    }

    /** @param prefixed keepalived starts this message with "WARNING - " although it is an error */
    private static Diagnostic missing(boolean dynamic, Origin origin, String msg, boolean prefixed) {
        return dynamic ? Diagnostic.warning(origin, msg + " (dynamic_interfaces: waiting for it)")
                : Diagnostic.error(origin, (prefixed ? "WARNING - " : "") + msg);
    }
}
