package org.keepvip.vrrp.config;

import java.util.List;

/**
 * The addresses, routes and rules that never move: set at start, removed at exit, diffed on reload
 * (keepalived/vrrp/vrrp_daemon.c: start_vrrp(), vrrp_terminate_phase2()).
 *
 * @param addresses static_ipaddress entries (each with its interface)
 * @param routes    static_routes
 * @param rules     static_rules
 */
public record StaticRouting(List<VirtualIp> addresses, List<IpRoute> routes, List<IpRule> rules) {
    public static final StaticRouting NONE = new StaticRouting(List.of(), List.of(), List.of());

    public StaticRouting {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        rules = List.copyOf(rules);
    }

    public boolean isEmpty() {
        return addresses.isEmpty() && routes.isEmpty() && rules.isEmpty();
    }
}
