package org.keepvip.vrrp.config;

import java.util.List;
import java.util.Optional;

/**
 * The top-level keywords that are about the host rather than one instance
 * (keepalived/core/global_parser.c: instance_handler(), net_namespace_handler(),
 * use_pid_dir_handler(), use_polling_handler(); keepalived/vrrp/vrrp_parser.c: garp_group,
 * track_group, linkbeat_interfaces, interface_up_down_delays).
 *
 * @param instanceName       {@code instance NAME}: names this daemon's pid file, control socket and dumps, so
 *                           that several run side by side; null if unset
 * @param netNamespace       {@code net_namespace NAME}: the network namespace (of {@code ip netns}) the daemon runs
 *                           in; null if unset
 * @param usePidDir          {@code use_pid_dir} (implied by either of the two above)
 * @param garpGroups         {@code garp_group} blocks that set a gap
 * @param trackGroups        {@code track_group} blocks with members
 * @param linkDelays         {@code interface_up_down_delays} lines, one per interface
 * @param linkbeatInterfaces {@code linkbeat_interfaces}: the interfaces keepalived would poll
 * @param linkbeatUsePolling {@code linkbeat_use_polling} at the top level
 */
public record HostSettings(String instanceName, String netNamespace, boolean usePidDir, List<GarpGroup> garpGroups,
                           List<TrackGroup> trackGroups, List<LinkDelay> linkDelays, List<String> linkbeatInterfaces,
                           boolean linkbeatUsePolling) {
    /** Nothing set. */
    public static final HostSettings NONE = new HostSettings(null, null, false, List.of(), List.of(), List.of(),
            List.of(), false);

    public HostSettings {
        garpGroups = List.copyOf(garpGroups);
        trackGroups = List.copyOf(trackGroups);
        linkDelays = List.copyOf(linkDelays);
        linkbeatInterfaces = List.copyOf(linkbeatInterfaces);
    }

    /** The delays configured for {@code ifname}, if any. */
    public Optional<LinkDelay> linkDelay(String ifname) {
        return linkDelays.stream().filter(d -> d.ifname().equals(ifname)).findFirst();
    }

    /** The garp_group {@code ifname} belongs to, if any. */
    public Optional<GarpGroup> garpGroup(String ifname) {
        return garpGroups.stream().filter(g -> g.interfaces().contains(ifname)).findFirst();
    }
}
