package org.keepvip.vrrp.config;

/**
 * A {@code static_ipaddress}, {@code static_routes} or {@code static_rules} line naming a
 * {@code track_group}: the group's instances track the line's interface as a weight-0
 * {@code track_interface}, going to FAULT while it is down
 * (keepalived/vrrp/vrrp_static_track.c: static_track_group_init()).
 *
 * @param group     the track_group
 * @param ifname    the address's {@code dev}, the route's {@code dev}/{@code oif}, the rule's {@code iif}
 * @param origin    the line
 */
record StaticTrack(String group, String ifname, Origin origin) {}
