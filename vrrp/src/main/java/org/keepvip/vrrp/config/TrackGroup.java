package org.keepvip.vrrp.config;

import java.util.List;

/**
 * A {@code track_group NAME { group { VI_1 ... } }} block (keepalived/vrrp/vrrp_parser.c:
 * static_track_group_handler()): the instances that go to FAULT when the interface of a static
 * address, route or rule naming this group ({@code track_group NAME} in its line) goes down
 * (keepalived/vrrp/vrrp_static_track.c: static_track_group_init()).
 *
 * @param name      the group's name
 * @param instances the member instances that exist, in file order
 * @param origin    where the block starts
 */
public record TrackGroup(String name, List<String> instances, Origin origin) {
    public TrackGroup {
        instances = List.copyOf(instances);
    }
}
