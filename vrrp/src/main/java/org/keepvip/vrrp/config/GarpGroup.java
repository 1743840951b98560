package org.keepvip.vrrp.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code garp_group} block (keepalived/vrrp/vrrp_parser.c: garp_group_*_handler()): the
 * minimum gaps between gratuitous ARPs and between unsolicited NAs, shared by the interfaces of
 * the group, so that one switch port is not flooded when many VIPs move at once.
 *
 * @param garpInterval the gap between two GARPs on these interfaces; zero = none (unset)
 * @param gnaInterval  the gap between two NAs; zero = none (unset)
 * @param interfaces   the interfaces that share these gaps (and one schedule)
 * @param origin       where the block starts
 */
public record GarpGroup(Duration garpInterval, Duration gnaInterval, List<String> interfaces, Origin origin) {
    public GarpGroup {
        interfaces = List.copyOf(interfaces);
    }
}
